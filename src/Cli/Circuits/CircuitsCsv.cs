using FactoredGpu.Plots;

namespace FactoredGpu.Cli.Circuits;

/// <summary>
/// Writes <c>circuits.csv</c>: one row per head, layer by layer, with its scalar findings; culture-invariant,
/// round-trip precision, <c>NaN</c> where a head gave no finite answer.
/// </summary>
internal static class CircuitsCsv
{
    /// <summary>The header row's columns.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["layer", "head", "ov_copying_score", "qk_copying_score", "full_ov_copying_score", "ov_norm", "ov_top_singular_value"];

    /// <summary>Writes the header and one row per head of <paramref name="output"/>'s report.</summary>
    public static void Write(CircuitsOutput output, TextWriter writer)
    {
        var report = output.Report;
        writer.Write(string.Join(',', Columns) + "\n");
        foreach (var (layer, head) in HeadRanking.AllHeads(report))
        {
            double[] singular = report.OvSingularValues[layer][head];
            writer.Write(string.Join(',',
                layer.ToString(System.Globalization.CultureInfo.InvariantCulture),
                head.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Numbers.RoundTrip(report.OvCopyingScores[layer][head]),
                Numbers.RoundTrip(report.QkCopyingScores[layer][head]),
                Numbers.RoundTrip(report.FullOvCopyingScores[layer][head]),
                Numbers.RoundTrip(report.OvNorms[layer][head]),
                Numbers.RoundTrip(singular.Length > 0 ? singular[0] : double.NaN)) + "\n");
        }
    }
}
