using FactoredGpu.Circuits;

namespace FactoredGpu.Cli.Circuits;

/// <summary>The report's charts: both copying-score heatmaps, full OV against OV per head, and the strongest head's eigenvalues.</summary>
internal static class Charts
{
    /// <summary>Colours of the two series that compare OV with full OV.</summary>
    public const string OvColor = "#2166ac", FullOvColor = "#b2182b";

    /// <summary>The four charts of <paramref name="report"/>, in the order the report shows them.</summary>
    public static IReadOnlyList<Chart> For(CircuitReport report)
    {
        string model = ModelLabel.Short(report.Model);
        var strongest = HeadRanking.StrongestCopyingHead(report);
        return
        [
            new HeatmapChart("ov_copying_scores", $"OV copying score per head ({model})", report.OvCopyingScores, Tips(report)),
            new HeatmapChart("full_ov_copying_scores", $"Full OV copying score per head ({model})", report.FullOvCopyingScores, Tips(report)),
            new ScatterChart(
                "copying_scores_scatter",
                $"Full OV vs OV copying score ({model})",
                "OV copying score",
                "full OV copying score",
                [new ScatterSeries("heads", "#444444", [.. HeadRanking.AllHeads(report).Select(h => new ScatterPoint(Score(report.OvCopyingScores, h), Score(report.FullOvCopyingScores, h), Tip(report, h)))])],
                -1.05,
                1.05),
            new ScatterChart(
                "strongest_head_eigenvalues",
                $"{strongest} eigenvalues, each circuit scaled by its largest |λ| ({model})",
                "Re λ / max |λ|",
                "Im λ / max |λ|",
                [Eigenvalues("OV", OvColor, report.OvEigenvalues, strongest), Eigenvalues("full OV", FullOvColor, report.FullOvEigenvalues, strongest)],
                -1.1,
                1.1),
        ];
    }

    private static double Score(double[][] scores, HeadId h) => scores[h.Layer][h.Head];

    private static string[][] Tips(CircuitReport report) =>
        [.. Enumerable.Range(0, report.Model.NLayers).Select(layer => Enumerable.Range(0, report.Model.NHeads).Select(head => Tip(report, new HeadId(layer, head))).ToArray())];

    private static string Tip(CircuitReport report, HeadId h) =>
        $"{h}: OV {Numbers.Signed(Score(report.OvCopyingScores, h))}, full OV {Numbers.Signed(Score(report.FullOvCopyingScores, h))}, QK {Numbers.Signed(Score(report.QkCopyingScores, h))}, |OV| {Numbers.General(Score(report.OvNorms, h))}";

    private static ScatterSeries Eigenvalues(string circuit, string color, EigenvalueTable table, HeadId h)
    {
        double[] real = table.Real[h.Layer][h.Head], imag = table.Imag[h.Layer][h.Head];
        double scale = real.Zip(imag, (re, im) => Math.Sqrt(re * re + im * im)).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        scale = scale > 0 ? scale : 1;
        return new ScatterSeries(circuit, color, [.. real.Select((re, i) => new ScatterPoint(re / scale, imag[i] / scale, $"{h} {circuit} λ = {Numbers.General(re)}{(imag[i] < 0 ? "-" : "+")}{Numbers.General(Math.Abs(imag[i]))}i"))]);
    }
}
