namespace FactoredGpu.Circuits;

/// <summary>The shape and provenance of an analysed model.</summary>
/// <param name="NLayers">Number of transformer blocks <c>L</c>.</param>
/// <param name="NHeads">Attention heads per block <c>H</c>.</param>
/// <param name="DModel">Residual stream width <c>d</c>.</param>
/// <param name="DHead">Width of one head <c>dh</c>.</param>
/// <param name="DVocab">Vocabulary size <c>V</c>.</param>
/// <param name="Synthetic"><see langword="true"/> for the embedded synthetic model, not trained weights.</param>
/// <param name="Processing"><see langword="true"/> when TransformerLens's default weight processing was applied.</param>
/// <param name="Source">Where the weights came from: a checkpoint path, or a description of the synthetic model.</param>
/// <param name="Architecture">The Hugging Face architecture the weights were read as, e.g. <c>LlamaForCausalLM</c>.</param>
/// <param name="NKeyValueHeads">Key/value heads per block <c>KV</c>: <c>H</c> without grouped-query attention.</param>
public sealed record ModelSummary(
    int NLayers, int NHeads, int DModel, int DHead, int DVocab, bool Synthetic, bool Processing, string Source, string Architecture, int NKeyValueHeads);
