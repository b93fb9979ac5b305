using FactoredGpu.Circuits;

namespace FactoredGpu.Cli.Circuits;

/// <summary>One attention head, named as TransformerLens's notebooks name it: <c>L{layer}H{head}</c>.</summary>
/// <param name="Layer">The head's layer, 0 first.</param>
/// <param name="Head">The head's index in its layer.</param>
internal readonly record struct HeadId(int Layer, int Head)
{
    /// <inheritdoc/>
    public override string ToString() => $"L{Layer}H{Head}";
}

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

    /// <summary>The strongest copying head (highest full OV copying score); <c>L0H0</c> when no head has a finite score.</summary>
    public static HeadId StrongestCopyingHead(CircuitReport report) =>
        ByFullOvCopyingScore(report) is [var first, ..] ? first : new HeadId(0, 0);

    /// <summary>Every head, layer by layer.</summary>
    public static IEnumerable<HeadId> AllHeads(CircuitReport report) =>
        Enumerable.Range(0, report.Model.NLayers).SelectMany(layer => Enumerable.Range(0, report.Model.NHeads).Select(head => new HeadId(layer, head)));
}
