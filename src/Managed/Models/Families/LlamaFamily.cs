namespace FactoredGpu.Models;

/// <summary>
/// Llama and Mistral (<c>LlamaForCausalLM</c>, <c>MistralForCausalLM</c>: the same layout), as TransformerLens's
/// <c>convert_llama_weights</c>: separate <c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c> Linear weights with
/// <c>num_key_value_heads</c> key/value heads (grouped-query attention, kept un-repeated), RMSNorm, a gated MLP, untied
/// <c>lm_head</c> unless <c>tie_word_embeddings</c> and the file has none. Attention biases are read where the file has
/// them (<c>attention_bias</c>; TransformerLens leaves them zero), which is how <see cref="Qwen2Family"/> reuses this table.
/// </summary>
internal sealed class LlamaFamily : IModelFamily
{
    /// <inheritdoc/>
    public IReadOnlyList<string> Architectures { get; } = ["LlamaForCausalLM", "MistralForCausalLM"];

    /// <inheritdoc/>
    public IReadOnlyList<string> ModelTypes { get; } = ["llama", "mistral"];

    /// <inheritdoc/>
    public ModelConfig ReadConfig(ConfigJson? config, CheckpointFiles files, int? heads) => Read(config, "LlamaForCausalLM");

    /// <inheritdoc/>
    public FamilyLayout Layout(ModelConfig config, CheckpointFiles files)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(files);
        const string Block = "model.layers.{0}.";
        int d = config.DModel, h = config.NHeads, kv = config.NKeyValueHeads, dh = config.DHead, m = config.DMlp, v = config.DVocab;
        LayerSource Layer(string name, TensorView view) => new(Block + name, view);
        LayerSource? Bias(string name, int count) =>
            files.Has(string.Format(System.Globalization.CultureInfo.InvariantCulture, Block, 0) + name) ? Layer(name, TensorView.BiasHeads(count * dh, count, dh, 0, dh)) : null;
        return new FamilyLayout
        {
            LayerPrefix = Block,
            Embedding = new("model.embed_tokens.weight", TensorView.Whole(v, d)),
            Query = Layer("self_attn.q_proj.weight", TensorView.LinearHeads(h * dh, d, h, dh, 0, dh)),
            Key = Layer("self_attn.k_proj.weight", TensorView.LinearHeads(kv * dh, d, kv, dh, 0, dh)),
            Value = Layer("self_attn.v_proj.weight", TensorView.LinearHeads(kv * dh, d, kv, dh, 0, dh)),
            Output = Layer("self_attn.o_proj.weight", TensorView.LinearOutput(d, h, dh)),
            QueryBias = Bias("self_attn.q_proj.bias", h),
            KeyBias = Bias("self_attn.k_proj.bias", kv),
            ValueBias = Bias("self_attn.v_proj.bias", kv),
            Norm1Weight = Layer("input_layernorm.weight", TensorView.Whole(d)),
            Norm2Weight = Layer("post_attention_layernorm.weight", TensorView.Whole(d)),
            FinalNormWeight = new("model.norm.weight", TensorView.Whole(d)),
            Unembedding = config.TieWordEmbeddings && !files.Has("lm_head.weight") ? null : new("lm_head.weight", TensorView.Transposed(v, d)),
            MlpIn = Layer("mlp.up_proj.weight", TensorView.Transposed(m, d)),
            MlpGate = Layer("mlp.gate_proj.weight", TensorView.Transposed(m, d)),
            MlpOut = Layer("mlp.down_proj.weight", TensorView.Transposed(d, m)),
        };
    }

    /// <summary>
    /// The configuration of a Llama-layout model: <c>d_head</c> is <c>head_dim</c> when given (TransformerLens takes
    /// <c>hidden_size / num_attention_heads</c>, the same for every model it supports), <c>KV</c> defaults to <c>H</c>.
    /// </summary>
    internal static ModelConfig Read(ConfigJson? config, string architecture)
    {
        ArgumentNullException.ThrowIfNull(config);
        int d = config.Int("hidden_size"), h = config.Int("num_attention_heads");
        int dh = config.OptionalInt("head_dim") ?? (h > 0 ? d / h : 0);
        return new ModelConfig(
            config.Architecture ?? architecture, config.Int("num_hidden_layers"), h, config.OptionalInt("num_key_value_heads") ?? h, d, dh,
            config.Int("vocab_size"), config.OptionalInt("max_position_embeddings") ?? 2048, config.Int("intermediate_size"), NormKind.RmsNorm,
            config.OptionalDouble("rms_norm_eps") ?? 1e-6, dh, config.OptionalDouble("rope_theta", "rope_parameters.rope_theta") ?? 10000,
            config.Bool("tie_word_embeddings", false));
    }
}
