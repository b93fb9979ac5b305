using ScottPlot;

namespace FactoredGpu.Cli.Circuits;

/// <summary>Draws <see cref="Chart"/>s as PNG files with ScottPlot.</summary>
internal static class PngCharts
{
    /// <summary>Width and height of every PNG, in pixels.</summary>
    public const int Width = 900, Height = 700;

    /// <summary>Saves <paramref name="chart"/> as <c>{directory}/{FileStem}.png</c> and returns the file's path.</summary>
    public static string Save(Chart chart, string directory)
    {
        var plot = new Plot();
        plot.Title(chart.Title, size: 16);
        switch (chart)
        {
            case HeatmapChart heatmap:
                Draw(plot, heatmap);
                break;
            case ScatterChart scatter:
                Draw(plot, scatter);
                break;
        }

        string path = Path.Combine(directory, chart.FileStem + ".png");
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static void Draw(Plot plot, HeatmapChart chart)
    {
        int layers = chart.Values.Length, heads = layers == 0 ? 0 : chart.Values[0].Length;
        var intensities = new double[layers, heads];
        for (int layer = 0; layer < layers; layer++)
        {
            for (int head = 0; head < heads; head++)
            {
                intensities[layer, head] = chart.Values[layer][head];
            }
        }

        // ScottPlot centres cell (row, column) on (column, rows − 1 − row), row 0 at the top; the vertical axis runs upwards, so layer ℓ's
        // row is centred on y = layers − 1 − ℓ and labelled ℓ.
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new DivergingColormap();
        heatmap.ManualRange = new ScottPlot.Range(HeatmapChart.Min, HeatmapChart.Max);
        heatmap.NaNCellColor = Color.FromHex(DivergingColormap.NaNColor);
        heatmap.RenderStrategy = new ScottPlot.Plottables.Heatmap.RenderStrategies.Rectangles();
        var colorbar = plot.Add.ColorBar(heatmap);
        colorbar.Label = "copying score";
        plot.Axes.SetLimits(-0.5, heads - 0.5, -0.5, layers - 0.5);
        plot.Axes.Bottom.TickGenerator = IndexTicks(heads, i => i);
        plot.Axes.Left.TickGenerator = IndexTicks(layers, i => layers - 1 - i);
        plot.XLabel("head");
        plot.YLabel("layer");
    }

    private static void Draw(Plot plot, ScatterChart chart)
    {
        foreach (var series in chart.Series)
        {
            var points = series.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
            var markers = plot.Add.Markers(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), MarkerShape.FilledCircle, 8, Color.FromHex(series.Color));
            markers.LegendText = series.Name;
        }

        var zeroX = plot.Add.VerticalLine(0, 1, Colors.Gray, LinePattern.Dashed);
        var zeroY = plot.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dashed);
        zeroX.LabelText = zeroY.LabelText = string.Empty;
        plot.Axes.SetLimits(chart.Min, chart.Max, chart.Min, chart.Max);
        plot.XLabel(chart.XLabel);
        plot.YLabel(chart.YLabel);
        if (chart.Series.Count > 1)
        {
            plot.ShowLegend(Alignment.UpperLeft);
        }
    }

    // One labelled tick per index, at position(index); labels thinned out beyond 16 so that GPT-2-XL's 48 layers stay legible.
    private static ScottPlot.TickGenerators.NumericManual IndexTicks(int count, Func<int, double> position)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        int step = Math.Max(1, (count + 15) / 16);
        for (int i = 0; i < count; i += step)
        {
            ticks.AddMajor(position(i), i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return ticks;
    }
}
