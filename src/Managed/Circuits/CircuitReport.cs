namespace FactoredGpu.Circuits;

/// <summary>
/// Everything a circuit analysis found about a model's attention heads, as plain arrays indexed
/// <c>[layer][head]</c> (layer 0 first), ready to print, serialize or plot.
/// </summary>
/// <remarks>
/// Copying scores are TransformerLens's <c>Σλ.real / Σ|λ|</c> over the eigenvalues of the circuit; a head whose weights
/// gave no finite answer reports <see cref="double.NaN"/> there.
/// </remarks>
public sealed class CircuitReport
{
    /// <summary>The model the report describes.</summary>
    public required ModelSummary Model { get; init; }

    /// <summary>The OV circuit's (<c>W_V·W_O</c>) eigenvalue copying score of each head, <c>[L][H]</c>.</summary>
    public required double[][] OvCopyingScores { get; init; }

    /// <summary>The QK circuit's (<c>W_Q·W_Kᵀ</c>) eigenvalue copying score of each head, <c>[L][H]</c>.</summary>
    public required double[][] QkCopyingScores { get; init; }

    /// <summary>The full OV circuit's (<c>W_E·W_V·W_O·W_U</c>) eigenvalue copying score of each head, <c>[L][H]</c>.</summary>
    public required double[][] FullOvCopyingScores { get; init; }

    /// <summary>The OV circuit's eigenvalues, <c>[L][H][d_head]</c>, each head's sorted by descending real part, then imaginary part.</summary>
    public required EigenvalueTable OvEigenvalues { get; init; }

    /// <summary>The full OV circuit's non-zero eigenvalues, <c>[L][H][d_head]</c>, sorted as <see cref="OvEigenvalues"/>.</summary>
    public required EigenvalueTable FullOvEigenvalues { get; init; }

    /// <summary>The OV circuit's singular values, <c>[L][H][d_head]</c>, descending.</summary>
    public required double[][][] OvSingularValues { get; init; }

    /// <summary>The OV circuit's Frobenius norm of each head, <c>[L][H]</c>.</summary>
    public required double[][] OvNorms { get; init; }

    /// <summary>
    /// TransformerLens's <c>all_composition_scores</c> for Q, K and V composition, <c>[L][H][L][H]</c>, zero where the
    /// second head's layer is not after the first's; null when <see cref="CircuitAnalysisOptions.Composition"/> was false.
    /// </summary>
    public CompositionTable? CompositionScores { get; init; }

    /// <summary>For the strongest copying heads, the tokens the full OV circuit maps most strongly to themselves.</summary>
    public required IReadOnlyList<HeadTokens> TopTokens { get; init; }

    /// <summary>Wall-clock milliseconds per stage, in the order the stages ran (for example <c>ov</c>, <c>qk</c>, <c>full_ov</c>).</summary>
    public required IReadOnlyList<KeyValuePair<string, double>> TimingsMs { get; init; }
}
