namespace FactoredGpu.Models;

/// <summary>
/// GPT-NeoX and Pythia (<c>GPTNeoXForCausalLM</c>), as TransformerLens's <c>convert_neox_weights</c>: the fused
/// <c>attention.query_key_value</c> rows are interleaved per head (head, q|k|v, dh), so query head <c>h</c> starts at row
/// <c>h·3·dh</c>; LayerNorm with biases; untied <c>embed_out</c>; rotary on <c>rotary_pct</c> of each head.
/// </summary>
internal sealed class GptNeoXFamily : IModelFamily
{
    /// <inheritdoc/>
    public IReadOnlyList<string> Architectures { get; } = ["GPTNeoXForCausalLM"];

    /// <inheritdoc/>
    public IReadOnlyList<string> ModelTypes { get; } = ["gpt_neox"];

    /// <inheritdoc/>
    public ModelConfig ReadConfig(ConfigJson? config, CheckpointFiles files, int? heads)
    {
        ArgumentNullException.ThrowIfNull(config);
        int d = config.Int("hidden_size"), h = config.Int("num_attention_heads"), dh = h > 0 ? d / h : 0;
        double rotaryPct = config.OptionalDouble("rotary_pct", "rope_parameters.partial_rotary_factor") ?? 0.25;
        return new ModelConfig(
            Architectures[0], config.Int("num_hidden_layers"), h, h, d, dh, config.Int("vocab_size"), config.Int("max_position_embeddings"),
            config.Int("intermediate_size"), NormKind.LayerNorm, config.OptionalDouble("layer_norm_eps") ?? 1e-5,
            (int)(rotaryPct * dh), config.OptionalDouble("rotary_emb_base", "rope_parameters.rope_theta", "rope_theta") ?? 10000,
            config.Bool("tie_word_embeddings", false));
    }

    /// <inheritdoc/>
    public FamilyLayout Layout(ModelConfig config, CheckpointFiles files)
    {
        const string Block = "gpt_neox.layers.{0}.";
        int d = config.DModel, h = config.NHeads, dh = config.DHead, m = config.DMlp, v = config.DVocab;
        LayerSource Layer(string name, TensorView view) => new(Block + name, view);
        LayerSource Qkv(int part) => Layer("attention.query_key_value.weight", TensorView.LinearHeads(3 * h * dh, d, h, dh, part * dh, 3 * dh));
        LayerSource QkvBias(int part) => Layer("attention.query_key_value.bias", TensorView.BiasHeads(3 * h * dh, h, dh, part * dh, 3 * dh));
        return new FamilyLayout
        {
            LayerPrefix = Block,
            Embedding = new("gpt_neox.embed_in.weight", TensorView.Whole(v, d)),
            Query = Qkv(0),
            Key = Qkv(1),
            Value = Qkv(2),
            Output = Layer("attention.dense.weight", TensorView.LinearOutput(d, h, dh)),
            QueryBias = QkvBias(0),
            KeyBias = QkvBias(1),
            ValueBias = QkvBias(2),
            OutputBias = Layer("attention.dense.bias", TensorView.Whole(d)),
            Norm1Weight = Layer("input_layernorm.weight", TensorView.Whole(d)),
            Norm1Bias = Layer("input_layernorm.bias", TensorView.Whole(d)),
            Norm2Weight = Layer("post_attention_layernorm.weight", TensorView.Whole(d)),
            Norm2Bias = Layer("post_attention_layernorm.bias", TensorView.Whole(d)),
            FinalNormWeight = new("gpt_neox.final_layer_norm.weight", TensorView.Whole(d)),
            FinalNormBias = new("gpt_neox.final_layer_norm.bias", TensorView.Whole(d)),
            Unembedding = config.TieWordEmbeddings && !files.Has("embed_out.weight") ? null : new("embed_out.weight", TensorView.Transposed(v, d)),
            MlpIn = Layer("mlp.dense_h_to_4h.weight", TensorView.Transposed(m, d)),
            MlpInBias = Layer("mlp.dense_h_to_4h.bias", TensorView.Whole(m)),
            MlpOut = Layer("mlp.dense_4h_to_h.weight", TensorView.Transposed(d, m)),
            MlpOutBias = Layer("mlp.dense_4h_to_h.bias", TensorView.Whole(d)),
        };
    }
}
