using System.Globalization;
using System.Reflection;
using Plotly.NET;

namespace FactoredGpu.Plots;

/// <summary>
/// Draws <see cref="Chart"/>s as Plotly.NET charts: displayed as they are in a notebook (Plotly.NET.Interactive), and
/// written into the <c>factored</c> tool's HTML report as plotly.js figures beside one inlined copy of plotly.js.
/// </summary>
/// <remarks>
/// The traces and layouts are plotly.js's own objects (set by name on Plotly.NET's dynamic <see cref="Trace"/> and
/// <see cref="Layout"/>), so the figure JSON reads like plotly.js's documentation.
/// </remarks>
public static class PlotlyCharts
{
    private const int FontSize = 14;

    private static readonly Lazy<string> Script = new(ReadPlotlyJs);

    /// <summary>The minified plotly.js that Plotly.NET embeds (its version is in the first comment), for a page that works offline.</summary>
    public static string PlotlyJs => Script.Value;

    /// <summary><paramref name="chart"/> as a Plotly.NET chart with its title, axis names, colour bar and hover text.</summary>
    public static GenericChart ToPlotly(this Chart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var (traces, layout) = chart switch
        {
            HeatmapChart heatmap => Draw(heatmap),
            ScatterChart scatter => Draw(scatter),
            _ => throw new ArgumentException($"no Plotly drawing for {chart.GetType().Name}", nameof(chart)),
        };
        layout.SetProperty("title", new { text = chart.Title, font = new { size = FontSize + 4 } });
        layout.SetProperty("font", new { size = FontSize });
        return GenericChart.setLayout(layout, GenericChart.ofTraceObjects(false, traces));
    }

    /// <summary>The plotly.js figure (<c>{"data": …, "layout": …}</c>) of <paramref name="chart"/> as JSON.</summary>
    public static string FigureJson(Chart chart) => GenericChart.toFigureJson(ToPlotly(chart));

    private static (Trace[] Traces, Layout Layout) Draw(HeatmapChart chart)
    {
        var trace = new Trace("heatmap");
        trace.SetProperty("z", chart.Values.Select(row => row.Select(v => double.IsFinite(v) ? v : (double?)null).ToArray()).ToArray());
        trace.SetProperty("x", chart.ColumnLabels);
        trace.SetProperty("y", chart.RowLabels);
        trace.SetProperty("zmin", chart.Min);
        trace.SetProperty("zmax", chart.Max);
        trace.SetProperty("colorscale", Enumerable.Range(0, 11).Select(i => new object[] { i / 10.0, Palette.Css(chart.Scale, i / 10.0) }).ToArray());
        trace.SetProperty("colorbar", new { title = new { text = chart.ValueName, side = "right" }, tickfont = new { size = FontSize } });
        int gap = chart.RowLabels.Count > 32 ? 0 : 1;
        trace.SetProperty("xgap", gap);
        trace.SetProperty("ygap", gap);
        if (chart.Tips is null)
        {
            trace.SetProperty("hovertemplate", "%{y} → %{x}: %{z:.3f}<extra></extra>");
        }
        else
        {
            trace.SetProperty("text", chart.Tips);
            trace.SetProperty("hovertemplate", "%{text}<extra></extra>");
        }

        var layout = new Layout();
        layout.SetProperty("xaxis", new { title = new { text = chart.ColumnAxis }, type = "category", showgrid = false });
        layout.SetProperty("yaxis", new { title = new { text = chart.RowAxis }, type = "category", autorange = "reversed", showgrid = false });
        layout.SetProperty("plot_bgcolor", Palette.NaNColor);
        layout.SetProperty("width", chart.RowLabels.Count > 32 ? 760 : 640);
        layout.SetProperty("height", chart.RowLabels.Count > 32 ? 700 : 540);
        return ([trace], layout);
    }

    private static (Trace[] Traces, Layout Layout) Draw(ScatterChart chart)
    {
        var traces = chart.Series.Select(series =>
        {
            var points = series.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
            var trace = new Trace("scatter");
            trace.SetProperty("name", series.Name);
            trace.SetProperty("x", points.Select(p => p.X).ToArray());
            trace.SetProperty("y", points.Select(p => p.Y).ToArray());
            trace.SetProperty("hovertext", points.Select(p => p.Tip).ToArray());
            trace.SetProperty("hoverinfo", "text");
            trace.SetProperty("mode", points.Any(p => p.Label is not null) ? "markers+text" : "markers");
            trace.SetProperty("text", points.Select(p => p.Label ?? string.Empty).ToArray());
            trace.SetProperty("cliponaxis", false);
            trace.SetProperty("textposition", points.Select(p => (p.Y > (chart.Min + chart.Max) / 2 ? "bottom " : "top ") + (p.X > (chart.Min + chart.Max) / 2 ? "left" : "right")).ToArray());
            trace.SetProperty("marker", new
            {
                color = series.Color,
                opacity = series.Opacity,
                size = series.Marker == MarkerKind.OpenCircle ? 11 : 9,
                symbol = series.Marker switch { MarkerKind.OpenCircle => "circle-open", MarkerKind.Cross => "x", _ => "circle" },
                line = new { width = series.Marker == MarkerKind.OpenCircle ? 2 : 0 },
            });
            return trace;
        }).ToArray();
        var layout = new Layout();
        double[] range = [chart.Min, chart.Max];
        layout.SetProperty("xaxis", new { title = new { text = chart.XLabel }, range, zeroline = true, zerolinecolor = "#888888" });
        layout.SetProperty("yaxis", new { title = new { text = chart.YLabel }, range, zeroline = true, zerolinecolor = "#888888", scaleanchor = "x" });
        layout.SetProperty("showlegend", chart.Series.Count > 1);
        layout.SetProperty("width", 640);
        layout.SetProperty("height", 600);
        return (traces, layout);
    }

    private static string ReadPlotlyJs()
    {
        var assembly = typeof(GenericChart).Assembly;
        string name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".min.js", StringComparison.Ordinal));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }
}
