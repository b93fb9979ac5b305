namespace FactoredGpu.Models;

/// <summary>
/// Qwen2 (<c>Qwen2ForCausalLM</c>), as TransformerLens's <c>convert_qwen2_weights</c>: Llama's layout (see
/// <see cref="LlamaFamily"/>) with q/k/v biases, grouped-query attention and usually tied embeddings (no
/// <c>lm_head.weight</c> in the file: <c>W_U = W_Eᵀ</c>).
/// </summary>
internal sealed class Qwen2Family : IModelFamily
{
    private readonly LlamaFamily _llama = new();

    /// <inheritdoc/>
    public IReadOnlyList<string> Architectures { get; } = ["Qwen2ForCausalLM"];

    /// <inheritdoc/>
    public IReadOnlyList<string> ModelTypes { get; } = ["qwen2"];

    /// <inheritdoc/>
    public ModelConfig ReadConfig(ConfigJson? config, CheckpointFiles files, int? heads) => LlamaFamily.Read(config, Architectures[0]);

    /// <inheritdoc/>
    public FamilyLayout Layout(ModelConfig config, CheckpointFiles files)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string Block = "model.layers.{0}.self_attn.";
        int h = config.NHeads, kv = config.NKeyValueHeads, dh = config.DHead;
        LayerSource Bias(string name, int count) => new(Block + name, TensorView.BiasHeads(count * dh, count, dh, 0, dh));
        return _llama.Layout(config, files) with
        {
            QueryBias = Bias("q_proj.bias", h),
            KeyBias = Bias("k_proj.bias", kv),
            ValueBias = Bias("v_proj.bias", kv),
        };
    }
}
