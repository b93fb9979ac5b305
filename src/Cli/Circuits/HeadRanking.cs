using FactoredGpu.Circuits;

namespace FactoredGpu.Cli.Circuits;

/// <summary>Orders heads by their full OV copying score, the tool's headline number.</summary>
internal static class HeadRanking
{
    /// <summary>Heads with a finite full OV copying score, most positive (copying) first, most negative (anti-copying) last.</summary>
    public static IReadOnlyList<HeadId> ByFullOvCopyingScore(CircuitReport report) =>
        [.. AllHeads(report)
            .Where(h => double.IsFinite(report.FullOvCopyingScores[h.Layer][h.Head]))
            .OrderByDescending(h => report.FullOvCopyingScores[h.Layer][h.Head])
            .ThenBy(h => h.Layer)
            .ThenBy(h => h.Head)];

    /// <summary>
    /// The heads whose eigenvalues are plotted by default: the strongest copying head (highest full OV copying score)
    /// and the strongest anti-copying head (lowest); one head when only one has a finite score, <c>L0H0</c> when none has.
    /// </summary>
    public static IReadOnlyList<HeadId> DefaultPlotHeads(CircuitReport report) =>
        ByFullOvCopyingScore(report) switch
        {
            [] => [new HeadId(0, 0)],
            [var only] => [only],
            [var first, .., var last] => [first, last],
        };

    /// <summary>Every head, layer by layer.</summary>
    public static IEnumerable<HeadId> AllHeads(CircuitReport report) =>
        Enumerable.Range(0, report.Model.NLayers).SelectMany(layer => Enumerable.Range(0, report.Model.NHeads).Select(head => new HeadId(layer, head)));
}
