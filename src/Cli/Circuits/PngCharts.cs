using FactoredGpu.Plots;
using ScottPlot;
using Palette = FactoredGpu.Plots.Palette;

namespace FactoredGpu.Cli.Circuits;

/// <summary>Draws <see cref="Chart"/>s as PNG files with ScottPlot, with type sizes that stay legible on a printed page.</summary>
internal static class PngCharts
{
    /// <summary>Width and height of every PNG, in pixels.</summary>
    public const int Width = 900, Height = 760;

    private const float TitleSize = 22, LabelSize = 18, TickSize = 15;

    /// <summary>Saves <paramref name="chart"/> as <c>{directory}/{Id}.png</c> and returns the file's path.</summary>
    public static string Save(Chart chart, string directory)
    {
        var plot = new Plot();
        plot.Title(chart.Title, size: TitleSize);
        switch (chart)
        {
            case HeatmapChart heatmap:
                Draw(plot, heatmap);
                break;
            case ScatterChart scatter:
                Draw(plot, scatter);
                break;
        }

        foreach (var axis in new IAxis[] { plot.Axes.Bottom, plot.Axes.Left })
        {
            axis.Label.FontSize = LabelSize;
            axis.TickLabelStyle.FontSize = TickSize;
        }

        string path = Path.Combine(directory, chart.Id + ".png");
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static void Draw(Plot plot, HeatmapChart chart)
    {
        int rows = chart.Values.Length, columns = rows == 0 ? 0 : chart.Values[0].Length;
        var intensities = new double[rows, columns];
        for (int row = 0; row < rows; row++)
        {
            for (int column = 0; column < columns; column++)
            {
                intensities[row, column] = chart.Values[row][column];
            }
        }

        // ScottPlot centres cell (row, column) on (column, rows − 1 − row), row 0 at the top; the vertical axis runs upwards, so row r
        // is centred on y = rows − 1 − r and labelled with row r's label.
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScaleColormap(chart.Scale);
        heatmap.ManualRange = new ScottPlot.Range(chart.Min, chart.Max);
        heatmap.NaNCellColor = Color.FromHex(Palette.NaNColor);
        heatmap.RenderStrategy = new ScottPlot.Plottables.Heatmap.RenderStrategies.Rectangles();
        var colorbar = plot.Add.ColorBar(heatmap);
        colorbar.Label = chart.ValueName;
        colorbar.LabelStyle.FontSize = LabelSize;
        colorbar.Axis.TickLabelStyle.FontSize = TickSize;
        colorbar.Width = 24;
        plot.Axes.SetLimits(-0.5, columns - 0.5, -0.5, rows - 0.5);
        plot.Axes.Bottom.TickGenerator = Ticks(chart.ColumnLabels, chart.TickEvery, i => i);
        plot.Axes.Left.TickGenerator = Ticks(chart.RowLabels, chart.TickEvery, i => rows - 1 - i);
        plot.XLabel(chart.ColumnAxis);
        plot.YLabel(chart.RowAxis);
    }

    private static void Draw(Plot plot, ScatterChart chart)
    {
        foreach (var series in chart.Series)
        {
            var points = series.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
            var shape = series.Marker switch { MarkerKind.OpenCircle => MarkerShape.OpenCircle, MarkerKind.Cross => MarkerShape.Eks, _ => MarkerShape.FilledCircle };
            var markers = plot.Add.Markers(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), shape, series.Marker == MarkerKind.OpenCircle ? 13 : 10,
                Color.FromHex(series.Color).WithAlpha(series.Opacity));
            markers.MarkerStyle.LineWidth = 2;
            markers.LegendText = series.Name;
            foreach (var point in points.Where(p => p.Label is not null))
            {
                var label = plot.Add.Text(point.Label!, point.X, point.Y);
                label.LabelFontSize = TickSize;
                // Towards the plot's centre, so that a label beside a point at the edge stays inside the frame.
                bool right = point.X > (chart.Min + chart.Max) / 2, top = point.Y > (chart.Min + chart.Max) / 2;
                label.LabelAlignment = (right, top) switch
                {
                    (true, true) => Alignment.UpperRight,
                    (true, false) => Alignment.LowerRight,
                    (false, true) => Alignment.UpperLeft,
                    _ => Alignment.LowerLeft,
                };
                label.OffsetX = right ? -6 : 6;
                label.OffsetY = top ? 6 : -6;
            }
        }

        var zeroX = plot.Add.VerticalLine(0, 1, Colors.Gray, LinePattern.Dashed);
        var zeroY = plot.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dashed);
        zeroX.LabelText = zeroY.LabelText = string.Empty;
        plot.Axes.SetLimits(chart.Min, chart.Max, chart.Min, chart.Max);
        plot.XLabel(chart.XLabel);
        plot.YLabel(chart.YLabel);
        if (chart.Series.Count > 1)
        {
            plot.ShowLegend(Alignment.UpperLeft).FontSize = TickSize;
        }
    }

    // One labelled tick every `every` labels (and at most about 16), at position(index), so that GPT-2-XL's 48 layers stay legible.
    private static ScottPlot.TickGenerators.NumericManual Ticks(IReadOnlyList<string> labels, int every, Func<int, double> position)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        int step = every * Math.Max(1, (labels.Count / every + 15) / 16);
        for (int i = 0; i < labels.Count; i += step)
        {
            ticks.AddMajor(position(i), labels[i]);
        }

        return ticks;
    }
}
