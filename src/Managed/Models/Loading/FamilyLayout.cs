namespace FactoredGpu.Models;

/// <summary>
/// A family's table from Hugging Face tensors to TransformerLens's: what each TransformerLens weight is cut from. A
/// <see langword="null"/> bias is zero (the family has none); a <see langword="null"/> unembedding is tied (<c>W_U = W_Eᵀ</c>).
/// </summary>
internal sealed record FamilyLayout
{
    /// <summary>The name prefix of every block tensor, <c>{0}</c> standing for the layer (e.g. <c>model.layers.{0}.</c>).</summary>
    public required string LayerPrefix { get; init; }

    /// <summary><c>W_E [V, d]</c>.</summary>
    public required TensorSource Embedding { get; init; }

    /// <summary><c>W_pos [P, d]</c>, or <see langword="null"/> (rotary).</summary>
    public TensorSource? Position { get; init; }

    /// <summary><c>W_Q [H, d, dh]</c> of a layer.</summary>
    public required LayerSource Query { get; init; }

    /// <summary><c>_W_K [KV, d, dh]</c> of a layer.</summary>
    public required LayerSource Key { get; init; }

    /// <summary><c>_W_V [KV, d, dh]</c> of a layer.</summary>
    public required LayerSource Value { get; init; }

    /// <summary><c>W_O [H, dh, d]</c> of a layer.</summary>
    public required LayerSource Output { get; init; }

    /// <summary><c>b_Q [H, dh]</c>, or zero.</summary>
    public LayerSource? QueryBias { get; init; }

    /// <summary><c>_b_K [KV, dh]</c>, or zero.</summary>
    public LayerSource? KeyBias { get; init; }

    /// <summary><c>_b_V [KV, dh]</c>, or zero.</summary>
    public LayerSource? ValueBias { get; init; }

    /// <summary><c>b_O [d]</c>, or zero.</summary>
    public LayerSource? OutputBias { get; init; }

    /// <summary><c>ln1.w [d]</c>.</summary>
    public required LayerSource Norm1Weight { get; init; }

    /// <summary><c>ln1.b [d]</c> (LayerNorm only).</summary>
    public LayerSource? Norm1Bias { get; init; }

    /// <summary><c>ln2.w [d]</c>.</summary>
    public required LayerSource Norm2Weight { get; init; }

    /// <summary><c>ln2.b [d]</c> (LayerNorm only).</summary>
    public LayerSource? Norm2Bias { get; init; }

    /// <summary><c>ln_final.w [d]</c>.</summary>
    public required TensorSource FinalNormWeight { get; init; }

    /// <summary><c>ln_final.b [d]</c> (LayerNorm only).</summary>
    public TensorSource? FinalNormBias { get; init; }

    /// <summary><c>W_U [d, V]</c>, or <see langword="null"/> when tied to the embedding.</summary>
    public TensorSource? Unembedding { get; init; }

    /// <summary><c>W_in [d, d_mlp]</c>.</summary>
    public required LayerSource MlpIn { get; init; }

    /// <summary><c>W_gate [d, d_mlp]</c> of a gated MLP, else <see langword="null"/>.</summary>
    public LayerSource? MlpGate { get; init; }

    /// <summary><c>W_out [d_mlp, d]</c>.</summary>
    public required LayerSource MlpOut { get; init; }

    /// <summary><c>b_in [d_mlp]</c>, or zero.</summary>
    public LayerSource? MlpInBias { get; init; }

    /// <summary><c>b_out [d]</c>, or zero.</summary>
    public LayerSource? MlpOutBias { get; init; }
}
