namespace FactoredGpu.Plots;

/// <summary>
/// What a plot shows, independent of how it is drawn: the <c>factored</c> tool draws the same charts as PNG files and,
/// through <see cref="PlotlyCharts"/>, in its HTML report, and a notebook displays them with Plotly.NET.
/// </summary>
/// <param name="Id">The chart's name: the PNG's file name without extension, the element id in the HTML report.</param>
/// <param name="Title">The plot title, ending with the model's label.</param>
public abstract record Chart(string Id, string Title);

/// <summary>How a heatmap colours its values.</summary>
public enum ColorScale
{
    /// <summary>Blue below the middle of the range, white at it, red above (ColorBrewer's RdBu reversed): for signed scores.</summary>
    Diverging,

    /// <summary>White at the low end to red at the high end (the red half of <see cref="Diverging"/>): for non-negative scores.</summary>
    Sequential,
}

/// <summary>A grid of values, row 0 at the top, coloured on the fixed range <c>[Min, Max]</c>; NaN cells are grey.</summary>
/// <param name="Id">See <see cref="Chart.Id"/>.</param>
/// <param name="Title">See <see cref="Chart.Title"/>.</param>
/// <param name="Values">Values <c>[row][column]</c>.</param>
/// <param name="RowLabels">One label per row, drawn at the left.</param>
/// <param name="ColumnLabels">One label per column, drawn below.</param>
/// <param name="RowAxis">The vertical axis' name.</param>
/// <param name="ColumnAxis">The horizontal axis' name.</param>
/// <param name="ValueName">The colour bar's title: what the colour means.</param>
/// <param name="Min">The colour scale's lower end.</param>
/// <param name="Max">The colour scale's upper end.</param>
/// <param name="Scale">The colour scale.</param>
/// <param name="Tips">Hover text per cell, <c>[row][column]</c>; <see langword="null"/> for "row → column: value".</param>
/// <param name="TickEvery">Label every this-many rows and columns in a static image (a composition grid labels each layer's first head).</param>
public sealed record HeatmapChart(
    string Id,
    string Title,
    double[][] Values,
    IReadOnlyList<string> RowLabels,
    IReadOnlyList<string> ColumnLabels,
    string RowAxis,
    string ColumnAxis,
    string ValueName,
    double Min,
    double Max,
    ColorScale Scale,
    string[][]? Tips,
    int TickEvery = 1) : Chart(Id, Title);

/// <summary>How a scatter series marks its points.</summary>
public enum MarkerKind
{
    /// <summary>A filled disc.</summary>
    FilledCircle,

    /// <summary>A ring, so that points drawn later stay visible inside it.</summary>
    OpenCircle,

    /// <summary>A diagonal cross.</summary>
    Cross,
}

/// <summary>One point of a scatter chart.</summary>
/// <param name="X">Horizontal coordinate.</param>
/// <param name="Y">Vertical coordinate.</param>
/// <param name="Tip">Hover text.</param>
/// <param name="Label">Text written beside the point in every rendering (an extreme head's name), or <see langword="null"/>.</param>
public sealed record ScatterPoint(double X, double Y, string Tip, string? Label = null);

/// <summary>A named set of points drawn alike.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Color">CSS hex colour, <c>#rrggbb</c>.</param>
/// <param name="Marker">The marker's shape.</param>
/// <param name="Opacity">The markers' opacity, in (0, 1].</param>
/// <param name="Points">The points; non-finite ones are not drawn.</param>
public sealed record ScatterSeries(string Name, string Color, MarkerKind Marker, double Opacity, IReadOnlyList<ScatterPoint> Points);

/// <summary>Points on fixed square axes <c>[Min, Max]²</c> with dashed zero lines; a legend when there is more than one series.</summary>
/// <param name="Id">See <see cref="Chart.Id"/>.</param>
/// <param name="Title">See <see cref="Chart.Title"/>.</param>
/// <param name="XLabel">Horizontal axis label.</param>
/// <param name="YLabel">Vertical axis label.</param>
/// <param name="Series">The point sets, drawn in order.</param>
/// <param name="Min">Lower limit of both axes.</param>
/// <param name="Max">Upper limit of both axes.</param>
public sealed record ScatterChart(string Id, string Title, string XLabel, string YLabel, IReadOnlyList<ScatterSeries> Series, double Min, double Max)
    : Chart(Id, Title);
