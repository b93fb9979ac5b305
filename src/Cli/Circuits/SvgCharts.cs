using System.Globalization;
using System.Net;
using System.Text;

namespace FactoredGpu.Cli.Circuits;

/// <summary>
/// Draws <see cref="Chart"/>s as inline SVG for the HTML report: every cell and point carries its hover text in a
/// <c>data-tip</c> attribute, which the report's script shows.
/// </summary>
internal static class SvgCharts
{
    private const double Width = 640, Height = 480, Left = 64, Right = 96, Top = 40, Bottom = 56;
    private const double PlotWidth = Width - Left - Right, PlotHeight = Height - Top - Bottom;

    /// <summary>The <c>&lt;svg class="plot"&gt;</c> element of <paramref name="chart"/>.</summary>
    public static string Render(Chart chart)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"plot\" id=\"{Escape(chart.FileStem)}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Escape(chart.Title)}\">");
        Text(svg, Width / 2, 22, chart.Title, "title");
        switch (chart)
        {
            case HeatmapChart heatmap:
                Draw(svg, heatmap);
                break;
            case ScatterChart scatter:
                Draw(svg, scatter);
                break;
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>Text escaped for HTML element content and double-quoted attribute values.</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static void Draw(StringBuilder svg, HeatmapChart chart)
    {
        int layers = chart.Values.Length, heads = layers == 0 ? 0 : chart.Values[0].Length;
        double cellWidth = PlotWidth / Math.Max(heads, 1), cellHeight = PlotHeight / Math.Max(layers, 1);
        int step = Math.Max(1, (Math.Max(layers, heads) + 15) / 16);
        for (int layer = 0; layer < layers; layer++)
        {
            for (int head = 0; head < heads; head++)
            {
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{N(Left + head * cellWidth)}\" y=\"{N(Top + layer * cellHeight)}\" width=\"{N(cellWidth)}\" height=\"{N(cellHeight)}\" fill=\"{DivergingColormap.Css(chart.Values[layer][head], HeatmapChart.Min, HeatmapChart.Max)}\" data-tip=\"{Escape(chart.Tips[layer][head])}\"/>");
            }
        }

        for (int head = 0; head < heads; head += step)
        {
            Text(svg, Left + (head + 0.5) * cellWidth, Top + PlotHeight + 16, head.ToString(CultureInfo.InvariantCulture), "tick");
        }

        for (int layer = 0; layer < layers; layer += step)
        {
            Text(svg, Left - 8, Top + (layer + 0.5) * cellHeight + 4, layer.ToString(CultureInfo.InvariantCulture), "tick end");
        }

        AxisLabels(svg, "head", "layer");
        ColorBar(svg, chart.FileStem);
    }

    private static void Draw(StringBuilder svg, ScatterChart chart)
    {
        double X(double x) => Left + (x - chart.Min) / (chart.Max - chart.Min) * PlotWidth;
        double Y(double y) => Top + (chart.Max - y) / (chart.Max - chart.Min) * PlotHeight;

        svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"frame\" x=\"{N(Left)}\" y=\"{N(Top)}\" width=\"{N(PlotWidth)}\" height=\"{N(PlotHeight)}\"/>");
        foreach (double tick in new[] { -1, -0.5, 0, 0.5, 1 })
        {
            string label = tick.ToString("0.#", CultureInfo.InvariantCulture);
            Text(svg, X(tick), Top + PlotHeight + 16, label, "tick");
            Text(svg, Left - 8, Y(tick) + 4, label, "tick end");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"zero\" x1=\"{N(X(0))}\" y1=\"{N(Top)}\" x2=\"{N(X(0))}\" y2=\"{N(Top + PlotHeight)}\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"zero\" x1=\"{N(Left)}\" y1=\"{N(Y(0))}\" x2=\"{N(Left + PlotWidth)}\" y2=\"{N(Y(0))}\"/>");
        for (int s = 0; s < chart.Series.Count; s++)
        {
            var series = chart.Series[s];
            foreach (var point in series.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)))
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{N(X(point.X))}\" cy=\"{N(Y(point.Y))}\" r=\"5\" fill=\"{series.Color}\" data-tip=\"{Escape(point.Tip)}\"/>");
            }

            if (chart.Series.Count > 1)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{N(Left + 14)}\" cy=\"{N(Top + 16 + 18 * s)}\" r=\"5\" fill=\"{series.Color}\"/>");
                Text(svg, Left + 24, Top + 20 + 18 * s, series.Name, "legend");
            }
        }

        AxisLabels(svg, chart.XLabel, chart.YLabel);
    }

    private static void AxisLabels(StringBuilder svg, string x, string y)
    {
        Text(svg, Left + PlotWidth / 2, Height - 12, x, "label");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" transform=\"translate(16 {N(Top + PlotHeight / 2)}) rotate(-90)\">{Escape(y)}</text>");
    }

    // A vertical bar from −1 (bottom) to +1 (top) in the heatmap's colours.
    private static void ColorBar(StringBuilder svg, string id)
    {
        double x = Left + PlotWidth + 24, width = 16;
        svg.Append(CultureInfo.InvariantCulture, $"<defs><linearGradient id=\"{Escape(id)}-scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">");
        for (int i = 0; i <= 10; i++)
        {
            double value = HeatmapChart.Min + (HeatmapChart.Max - HeatmapChart.Min) * i / 10;
            svg.Append(CultureInfo.InvariantCulture, $"<stop offset=\"{i * 10}%\" stop-color=\"{DivergingColormap.Css(value, HeatmapChart.Min, HeatmapChart.Max)}\"/>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"</linearGradient></defs><rect x=\"{N(x)}\" y=\"{N(Top)}\" width=\"{N(width)}\" height=\"{N(PlotHeight)}\" fill=\"url(#{Escape(id)}-scale)\"/>");
        foreach (double tick in new[] { HeatmapChart.Max, 0, HeatmapChart.Min })
        {
            double y = Top + (HeatmapChart.Max - tick) / (HeatmapChart.Max - HeatmapChart.Min) * PlotHeight;
            Text(svg, x + width + 4, y + 4, tick.ToString("+0;-0;0", CultureInfo.InvariantCulture), "tick start");
        }
    }

    private static void Text(StringBuilder svg, double x, double y, string text, string cssClass) =>
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"{cssClass}\" x=\"{N(x)}\" y=\"{N(y)}\">{Escape(text)}</text>");

    private static string N(double x) => x.ToString("0.##", CultureInfo.InvariantCulture);
}
