using System.Globalization;
using System.Numerics;
using FactoredGpu;
using FactoredGpu.Circuits;

namespace FactoredGpu.Plots;

/// <summary>
/// The charts of a circuit analysis, built once for every rendering: copying-score heatmaps (OV, full OV, QK), full OV
/// against OV per head, chosen heads' eigenvalues in the complex plane, and the Q/K/V composition-score grids.
/// </summary>
/// <remarks>Hover text names heads as TransformerLens does, <c>L{layer}H{head}</c>.</remarks>
public static class CircuitCharts
{
    /// <summary>Heads labelled by name at each end of the full OV ranking in the full-vs-OV scatter.</summary>
    public const int LabelledPerEnd = 3;

    /// <summary>
    /// Every chart of <paramref name="report"/>, in the order a report shows them: the three copying-score heatmaps,
    /// full OV against OV, the eigenvalues of each of <paramref name="eigenvalueHeads"/>, and the three composition grids.
    /// </summary>
    /// <param name="report">The analysis.</param>
    /// <param name="eigenvalueHeads">The heads whose OV and full OV eigenvalues are drawn, one chart each.</param>
    /// <param name="model">The model's label, the suffix of every title (for example <c>SYNTHETIC model</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A head of <paramref name="eigenvalueHeads"/> is not in the model.</exception>
    public static IReadOnlyList<Chart> For(CircuitReport report, IReadOnlyList<HeadId> eigenvalueHeads, string model)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(eigenvalueHeads);
        string[][] tips = Grid(report.Model.NLayers, report.Model.NHeads, h => Tip(report, h));
        var charts = new List<Chart>
        {
            CopyingScores("ov_copying_scores", $"OV copying score per head ({model})", report.OvCopyingScores, tips),
            CopyingScores("full_ov_copying_scores", $"Full OV copying score per head ({model})", report.FullOvCopyingScores, tips),
            CopyingScores("qk_copying_scores", $"QK copying score per head ({model})", report.QkCopyingScores, tips),
            FullVsOv($"Full OV vs OV copying score ({model})", report.OvCopyingScores, report.FullOvCopyingScores, h => Tip(report, h)),
        };
        foreach (var head in eigenvalueHeads)
        {
            if ((uint)head.Layer >= (uint)report.Model.NLayers || (uint)head.Head >= (uint)report.Model.NHeads)
            {
                throw new ArgumentOutOfRangeException(nameof(eigenvalueHeads), $"{head} is not a head of a model with {report.Model.NLayers} layers x {report.Model.NHeads} heads");
            }

            charts.Add(Eigenvalues(head, model, Values(report.OvEigenvalues, head), Values(report.FullOvEigenvalues, head)));
        }

        // Composition is optional (--no-composition for 7–8B models): no table, no heatmaps.
        if (report.CompositionScores is { } composition)
        {
            charts.Add(Composition("q_composition_scores", $"Q composition scores ({model})", composition.Q));
            charts.Add(Composition("k_composition_scores", $"K composition scores ({model})", composition.K));
            charts.Add(Composition("v_composition_scores", $"V composition scores ({model})", composition.V));
        }

        return charts;
    }

    /// <summary>A layer × head heatmap of copying scores on the fixed diverging range [−1, 1], layer 0 at the top.</summary>
    /// <param name="id">The chart's name.</param>
    /// <param name="title">The title.</param>
    /// <param name="scores">Scores <c>[layer][head]</c>.</param>
    /// <param name="tips">Hover text per head; <see langword="null"/> for <c>L{l}H{h}: score</c>.</param>
    public static HeatmapChart CopyingScores(string id, string title, double[][] scores, string[][]? tips = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        int heads = scores.Length == 0 ? 0 : scores[0].Length;
        return new HeatmapChart(
            id, title, scores, Indices(scores.Length), Indices(heads), "layer", "head", "copying score", -1, 1, ColorScale.Diverging,
            tips ?? Grid(scores.Length, heads, h => $"{h}: {Numbers.Signed(scores[h.Layer][h.Head])}"));
    }

    /// <summary>A layer × head heatmap of copying scores held in a tensor (for example <c>model.OV.Eigenvalues().CopyingScores()</c>).</summary>
    /// <param name="id">The chart's name.</param>
    /// <param name="title">The title.</param>
    /// <param name="scores">Scores <c>[layer, head]</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="scores"/> is not of rank 2.</exception>
    public static HeatmapChart CopyingScores<T>(string id, string title, StridedTensor<T> scores)
        where T : unmanaged, IFloatingPointIeee754<T> => CopyingScores(id, title, Grid(scores));

    /// <summary>Full OV against OV copying score per head, from <c>[layer, head]</c> tensors of scores.</summary>
    /// <param name="title">The title.</param>
    /// <param name="ov">OV copying scores <c>[layer, head]</c>.</param>
    /// <param name="fullOv">Full OV copying scores <c>[layer, head]</c>.</param>
    /// <exception cref="ArgumentException">A tensor is not of rank 2, or their shapes differ.</exception>
    public static ScatterChart FullVsOv<T>(string title, StridedTensor<T> ov, StridedTensor<T> fullOv)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(ov);
        ArgumentNullException.ThrowIfNull(fullOv);
        if (!ov.Shape.SequenceEqual(fullOv.Shape))
        {
            throw new ArgumentException($"OV scores {Shapes(ov)} and full OV scores {Shapes(fullOv)} differ in shape.", nameof(fullOv));
        }

        return FullVsOv(title, Grid(ov), Grid(fullOv));
    }

    /// <summary>
    /// Each head's full OV copying score against its OV copying score, every point hovered with its name and the
    /// <see cref="LabelledPerEnd"/> heads at each end of the full OV ranking labelled.
    /// </summary>
    /// <param name="title">The title.</param>
    /// <param name="ov">OV copying scores <c>[layer][head]</c>.</param>
    /// <param name="fullOv">Full OV copying scores <c>[layer][head]</c>.</param>
    /// <param name="tip">Hover text of a head; <see langword="null"/> for its name and both scores.</param>
    public static ScatterChart FullVsOv(string title, double[][] ov, double[][] fullOv, Func<HeadId, string>? tip = null)
    {
        ArgumentNullException.ThrowIfNull(ov);
        ArgumentNullException.ThrowIfNull(fullOv);
        var heads = Enumerable.Range(0, ov.Length).SelectMany(layer => Enumerable.Range(0, ov[layer].Length).Select(head => new HeadId(layer, head))).ToArray();
        var ranked = heads.Where(h => double.IsFinite(fullOv[h.Layer][h.Head])).OrderByDescending(h => fullOv[h.Layer][h.Head]).ToArray();
        var labels = Labels(ranked.Take(LabelledPerEnd).Concat(ranked.Skip(Math.Max(LabelledPerEnd, ranked.Length - LabelledPerEnd))), ov, fullOv);
        var points = heads.Select(h => new ScatterPoint(
            ov[h.Layer][h.Head],
            fullOv[h.Layer][h.Head],
            tip?.Invoke(h) ?? $"{h}: OV {Numbers.Signed(ov[h.Layer][h.Head])}, full OV {Numbers.Signed(fullOv[h.Layer][h.Head])}",
            labels.GetValueOrDefault(h)));
        return new ScatterChart("copying_scores_scatter", title, "OV copying score", "full OV copying score", [new ScatterSeries("heads", Palette.HeadColor, MarkerKind.FilledCircle, 0.8, [.. points])], -1.05, 1.05);
    }

    /// <summary>
    /// A head's eigenvalues in the complex plane, each circuit scaled by its largest <c>|λ|</c>: OV as rings, full OV
    /// (when given) as translucent crosses, so that points of both stay visible where they coincide.
    /// </summary>
    /// <param name="head">The head.</param>
    /// <param name="model">The model's label, the title's suffix.</param>
    /// <param name="ov">The head's OV eigenvalues.</param>
    /// <param name="fullOv">The head's full OV eigenvalues, or <see langword="null"/> to draw OV alone.</param>
    public static ScatterChart Eigenvalues(HeadId head, string model, IReadOnlyList<Complex> ov, IReadOnlyList<Complex>? fullOv = null)
    {
        ArgumentNullException.ThrowIfNull(ov);
        var series = new List<ScatterSeries> { Spectrum(head, "OV", Palette.OvColor, MarkerKind.OpenCircle, 1, ov) };
        if (fullOv is not null)
        {
            series.Add(Spectrum(head, "full OV", Palette.FullOvColor, MarkerKind.Cross, 0.6, fullOv));
        }

        return new ScatterChart(
            $"{head}_eigenvalues", $"{head} eigenvalues / max |λ| ({model})", "Re λ / max |λ|", "Im λ / max |λ|", series, -1.1, 1.1);
    }

    /// <summary>
    /// A composition-score table <c>[L][H][L][H]</c> as an (L·H) × (L·H) grid: the row is the earlier head, whose output
    /// is read, the column the later head; zero where the column's layer is not after the row's.
    /// </summary>
    /// <param name="id">The chart's name.</param>
    /// <param name="title">The title.</param>
    /// <param name="scores">TransformerLens's <c>all_composition_scores</c> for one of Q, K, V.</param>
    public static HeatmapChart Composition(string id, string title, double[][][][] scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        int layers = scores.Length, heads = layers == 0 ? 0 : scores[0].Length;
        var names = Enumerable.Range(0, layers * heads).Select(i => new HeadId(i / heads, i % heads).ToString()).ToArray();
        double[][] grid = [.. Enumerable.Range(0, layers * heads).Select(row => Enumerable.Range(0, layers * heads)
            .Select(column => scores[row / heads][row % heads][column / heads][column % heads]).ToArray())];
        double max = grid.SelectMany(row => row).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        return new HeatmapChart(
            id, title, grid, names, names, "earlier head (writes)", "later head (reads)", "composition score", 0, max > 0 ? max : 1, ColorScale.Sequential, null, Math.Max(heads, 1));
    }

    // One label per cluster of labelled heads that coincide on the plot (within 1% of the axes of the cluster's first
    // head), on that head: "L1H4, L5H1, L9H7" rather than three names written over each other.
    private static Dictionary<HeadId, string> Labels(IEnumerable<HeadId> labelled, double[][] ov, double[][] fullOv)
    {
        var clusters = new List<List<HeadId>>();
        foreach (var h in labelled.Distinct())
        {
            var near = clusters.Find(c => Math.Abs(ov[c[0].Layer][c[0].Head] - ov[h.Layer][h.Head]) <= 0.021 && Math.Abs(fullOv[c[0].Layer][c[0].Head] - fullOv[h.Layer][h.Head]) <= 0.021);
            if (near is null)
            {
                clusters.Add([h]);
            }
            else
            {
                near.Add(h);
            }
        }

        return clusters.ToDictionary(c => c[0], c => string.Join(", ", c));
    }

    private static ScatterSeries Spectrum(HeadId head, string circuit, string color, MarkerKind marker, double opacity, IReadOnlyList<Complex> values)
    {
        double scale = values.Select(v => v.Magnitude).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        scale = scale > 0 ? scale : 1;
        return new ScatterSeries(circuit, color, marker, opacity, [.. values.Select(v => new ScatterPoint(
            v.Real / scale, v.Imaginary / scale, $"{head} {circuit} λ = {Numbers.General(v.Real)}{(v.Imaginary < 0 ? "-" : "+")}{Numbers.General(Math.Abs(v.Imaginary))}i"))]);
    }

    private static Complex[] Values(EigenvalueTable table, HeadId h) =>
        [.. table.Real[h.Layer][h.Head].Zip(table.Imag[h.Layer][h.Head], (re, im) => new Complex(re, im))];

    private static string Tip(CircuitReport report, HeadId h) =>
        $"{h}: OV {Numbers.Signed(report.OvCopyingScores[h.Layer][h.Head])}, full OV {Numbers.Signed(report.FullOvCopyingScores[h.Layer][h.Head])}, " +
        $"QK {Numbers.Signed(report.QkCopyingScores[h.Layer][h.Head])}, |OV| {Numbers.General(report.OvNorms[h.Layer][h.Head])}";

    private static string[][] Grid(int layers, int heads, Func<HeadId, string> text) =>
        [.. Enumerable.Range(0, layers).Select(layer => Enumerable.Range(0, heads).Select(head => text(new HeadId(layer, head))).ToArray())];

    private static double[][] Grid<T>(StridedTensor<T> scores)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Rank != 2)
        {
            throw new ArgumentException($"Scores per head need a [layer, head] tensor; got shape {Shapes(scores)}.", nameof(scores));
        }

        T[] values = scores.ToArray();
        int heads = scores.Dim(1);
        return [.. Enumerable.Range(0, scores.Dim(0)).Select(layer => values.AsSpan(layer * heads, heads).ToArray().Select(v => double.CreateChecked(v)).ToArray())];
    }

    private static string Shapes<T>(StridedTensor<T> tensor)
        where T : unmanaged, IFloatingPointIeee754<T> => $"[{string.Join(", ", tensor.Shape.ToArray())}]";

    private static string[] Indices(int count) => [.. Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture))];
}
