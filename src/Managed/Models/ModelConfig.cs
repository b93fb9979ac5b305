namespace FactoredGpu.Models;

/// <summary>
/// The sizes and settings of a transformer, as TransformerLens's <c>HookedTransformerConfig</c> holds them, read from a
/// Hugging Face <c>config.json</c> by the model's family adapter (or inferred from a GPT-2 checkpoint without one).
/// </summary>
/// <param name="Architecture">The Hugging Face architecture, e.g. <c>GPT2LMHeadModel</c> or <c>LlamaForCausalLM</c>.</param>
/// <param name="NLayers">Transformer blocks <c>L</c>.</param>
/// <param name="NHeads">Query heads per block <c>H</c>.</param>
/// <param name="NKeyValueHeads">Key/value heads per block <c>KV</c> (grouped-query attention when less than <c>H</c>); it divides <c>H</c>.</param>
/// <param name="DModel">Residual stream width <c>d</c>.</param>
/// <param name="DHead">Width of one head <c>dh</c>.</param>
/// <param name="DVocab">Vocabulary size <c>V</c>.</param>
/// <param name="NCtx">Context length: rows of <c>W_pos</c>, or the maximum position of a rotary model.</param>
/// <param name="DMlp">Hidden width of the MLP.</param>
/// <param name="Norm">The normalization kind, which decides the weight processing.</param>
/// <param name="Eps">The normalization's epsilon.</param>
/// <param name="RotaryDim">Dimensions of each head rotated by rotary embeddings, or <see langword="null"/> for learned positions (GPT-2).</param>
/// <param name="RotaryBase">The rotary base (θ), or <see langword="null"/> without rotary embeddings.</param>
/// <param name="TieWordEmbeddings">Whether the unembedding is the transposed embedding.</param>
public sealed record ModelConfig(
    string Architecture,
    int NLayers,
    int NHeads,
    int NKeyValueHeads,
    int DModel,
    int DHead,
    int DVocab,
    int NCtx,
    int DMlp,
    NormKind Norm,
    double Eps,
    int? RotaryDim,
    double? RotaryBase,
    bool TieWordEmbeddings)
{
    /// <summary>Query heads that share one key/value head: <c>H / KV</c>. Query head <c>h</c> uses key/value head <c>h / QueryGroup</c>.</summary>
    public int QueryGroup => NHeads / NKeyValueHeads;

    /// <summary>Throws unless every size is positive and <c>KV</c> divides <c>H</c>.</summary>
    /// <param name="source">What the configuration was read from, for the message.</param>
    /// <returns>This configuration.</returns>
    /// <exception cref="InvalidDataException">A size is zero or negative (an empty vocabulary, say), or <c>KV</c> does not divide <c>H</c>; the message names the field and <paramref name="source"/>.</exception>
    public ModelConfig Validated(string source)
    {
        foreach (var (name, value) in new[] { ("n_layers", NLayers), ("n_heads", NHeads), ("n_key_value_heads", NKeyValueHeads), ("d_model", DModel), ("d_head", DHead), ("d_vocab", DVocab) })
        {
            if (value <= 0)
            {
                throw new InvalidDataException($"{source}: {name} = {value}; it must be positive{(name == "d_vocab" ? " (the vocabulary is empty)" : "")}.");
            }
        }

        if (NHeads % NKeyValueHeads != 0)
        {
            throw new InvalidDataException($"{source}: num_key_value_heads = {NKeyValueHeads} does not divide num_attention_heads = {NHeads}.");
        }

        return this;
    }
}
