namespace FactoredGpu.Models;

/// <summary>The normalization a model family applies before attention, the MLP and the unembedding.</summary>
public enum NormKind
{
    /// <summary>LayerNorm (GPT-2, GPT-NeoX): subtracts the mean, divides by the standard deviation, then scales and shifts.</summary>
    LayerNorm,

    /// <summary>RMSNorm (Llama, Mistral, Qwen2): divides by the root mean square and scales; no mean, no bias.</summary>
    RmsNorm,
}
