using FactoredGpu.Tokens;

namespace FactoredGpu.Circuits;

/// <summary>What <see cref="CircuitAnalysis.Run"/> reports beyond the per-head scores.</summary>
public sealed record CircuitAnalysisOptions
{
    /// <summary>How many heads, those with the highest full OV copying scores, get their top tokens listed (default 5; 0 for none).</summary>
    public int TopTokenHeads { get; init; } = 5;

    /// <summary>How many tokens to list per such head: the largest diagonal entries of its full OV circuit (default 10).</summary>
    public int TopK { get; init; } = 10;

    /// <summary>The model's vocabulary, to report the top tokens' text beside their ids; <see langword="null"/> (the default) for ids only.</summary>
    public TokenVocabulary? Vocabulary { get; init; }

    /// <summary>
    /// Whether to compute the Q-, K- and V-composition tables (default true). Their cost grows as <c>(L·H)²·d²</c>: seconds
    /// for GPT-2 small, about 51 TFLOP and a 67 GB intermediate for Llama-3-8B, so an 8B-sized run turns them off
    /// (<c>factored circuits --no-composition</c>) and <see cref="CircuitReport.CompositionScores"/> is then null.
    /// </summary>
    public bool Composition { get; init; } = true;
}
