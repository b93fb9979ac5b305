namespace FactoredGpu.Cli.Circuits;

/// <summary>What a plot shows, independent of how it is drawn: the PNG and the HTML report draw the same charts.</summary>
/// <param name="FileStem">The PNG's file name without extension, also the chart's id in the HTML report.</param>
/// <param name="Title">The plot title, ending with the model's label.</param>
internal abstract record Chart(string FileStem, string Title);

/// <summary>A layer × head grid of copying scores, layer 0 at the top, coloured on the fixed range [−1, 1].</summary>
/// <param name="FileStem">See <see cref="Chart.FileStem"/>.</param>
/// <param name="Title">See <see cref="Chart.Title"/>.</param>
/// <param name="Values">Scores <c>[layer][head]</c>; NaN cells are drawn grey.</param>
/// <param name="Tips">Hover text per cell, <c>[layer][head]</c>.</param>
internal sealed record HeatmapChart(string FileStem, string Title, double[][] Values, string[][] Tips) : Chart(FileStem, Title)
{
    /// <summary>The colour scale's fixed range: copying scores lie in [−1, 1].</summary>
    public const double Min = -1, Max = 1;
}

/// <summary>One point of a scatter chart, with its hover text.</summary>
/// <param name="X">Horizontal coordinate.</param>
/// <param name="Y">Vertical coordinate.</param>
/// <param name="Tip">Hover text.</param>
internal sealed record ScatterPoint(double X, double Y, string Tip);

/// <summary>A named, coloured set of points.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Color">CSS hex colour, <c>#rrggbb</c>.</param>
/// <param name="Points">The points; non-finite ones are not drawn.</param>
internal sealed record ScatterSeries(string Name, string Color, IReadOnlyList<ScatterPoint> Points);

/// <summary>Points on fixed square axes <c>[Min, Max]²</c> with dashed zero lines.</summary>
/// <param name="FileStem">See <see cref="Chart.FileStem"/>.</param>
/// <param name="Title">See <see cref="Chart.Title"/>.</param>
/// <param name="XLabel">Horizontal axis label.</param>
/// <param name="YLabel">Vertical axis label.</param>
/// <param name="Series">The point sets, drawn in order.</param>
/// <param name="Min">Lower limit of both axes.</param>
/// <param name="Max">Upper limit of both axes.</param>
internal sealed record ScatterChart(string FileStem, string Title, string XLabel, string YLabel, IReadOnlyList<ScatterSeries> Series, double Min, double Max)
    : Chart(FileStem, Title);
