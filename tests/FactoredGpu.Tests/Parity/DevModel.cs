using System.Numerics;
using System.Text.Json;
using FactoredGpu.Models;
using FactoredGpu.Tests.Support;

namespace FactoredGpu.Tests.Parity;

/// <summary>
/// A dev checkpoint's TransformerLens outputs (<c>dev_*_reference.json</c>) as <see cref="TransformerWeights{TScalar}"/>
/// and back: state-dict key ↔ the stacked tensors of the weights. The key names follow the reference: the
/// grouped-query families store <c>attn._W_K</c>, <c>attn._W_V</c>, <c>attn._b_K</c>, <c>attn._b_V</c> un-repeated.
/// </summary>
internal sealed class DevModel
{
    private readonly Lazy<JsonDocument> _reference;

    private DevModel(string checkpoint, string reference)
    {
        Checkpoint = checkpoint;
        _reference = new(() => ReferenceFiles.Load(reference));
    }

    /// <summary>GPT-2: <c>dev_gpt2.safetensors</c> (3 layers, 2 heads, d 16, dh 8, V 40, n_ctx 8, d_mlp 64).</summary>
    public static DevModel Gpt2 { get; } = new("dev_gpt2.safetensors", "dev_gpt2_reference.json");

    /// <summary>GPT-NeoX: <c>dev_neox/</c> (LayerNorm, fused per-head interleaved QKV).</summary>
    public static DevModel NeoX { get; } = new("dev_neox", "dev_neox_reference.json");

    /// <summary>Llama with grouped-query attention: <c>dev_llama_gqa/</c> (two bf16 shards).</summary>
    public static DevModel Llama { get; } = new("dev_llama_gqa", "dev_llama_gqa_reference.json");

    /// <summary>Qwen2: <c>dev_qwen2/</c> (bf16, tied, q/k/v biases, grouped-query attention).</summary>
    public static DevModel Qwen2 { get; } = new("dev_qwen2", "dev_qwen2_reference.json");

    /// <summary>The checkpoint's path relative to the reference folder.</summary>
    public string Checkpoint { get; }

    /// <summary>The checkpoint's full path.</summary>
    public string CheckpointPath => ReferenceFiles.PathOf(Checkpoint);

    /// <summary>The model's configuration, from the reference's <c>config</c> and <c>tl_config</c>.</summary>
    public ModelConfig Config
    {
        get
        {
            var root = _reference.Value.RootElement;
            var c = root.GetProperty("config");
            int Int(string name) => c.GetProperty(name).GetInt32();
            int heads = Int("n_heads");
            bool rms = root.TryGetProperty("tl_config", out var tl) && tl.GetProperty("unprocessed").GetProperty("normalization_type").GetString() == "RMS";
            return new ModelConfig(
                root.TryGetProperty("hf_architecture", out var a) ? a.GetString()! : "GPT2LMHeadModel",
                Int("n_layers"), heads, c.TryGetProperty("n_key_value_heads", out var kv) ? kv.GetInt32() : heads, Int("d_model"), Int("d_head"), Int("d_vocab"),
                Int("n_ctx"), Int("d_mlp"), rms ? NormKind.RmsNorm : NormKind.LayerNorm, 1e-5, null, null,
                c.TryGetProperty("tie_word_embeddings", out var tie) ? tie.GetBoolean() : !root.TryGetProperty("hf_architecture", out _));
        }
    }

    public JsonElement Root => _reference.Value.RootElement;

    public JsonElement Variant(string precision, string state) => Root.GetProperty("variants").GetProperty(precision).GetProperty(state);

    public JsonElement Circuits(string precision, string state = "processed") => Variant(precision, state).GetProperty("circuits");

    /// <summary>The state dict of a variant: TransformerLens key → values.</summary>
    public Dictionary<string, double[]> StateDict(string precision, string state) =>
        Variant(precision, state).GetProperty("state_dict").EnumerateObject().ToDictionary(p => p.Name, p => ReferenceFiles.Real(p.Value).Data);

    /// <summary>A variant's state dict as weights, with or without the MLPs (and <c>ln2</c>).</summary>
    public TransformerWeights<T> Weights<T>(string precision, string state, bool mlp = true)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sd = StateDict(precision, state);
        var config = Config;
        int l = config.NLayers, h = config.NHeads, kv = config.NKeyValueHeads, d = config.DModel, dh = config.DHead, v = config.DVocab, m = config.DMlp;
        string k = sd.ContainsKey("blocks.0.attn._W_K") ? "_" : "";
        StridedTensor<T> One(string key, params int[] shape) => StridedTensor<T>.FromArray([.. sd[key].Select(T.CreateTruncating)], shape);
        StridedTensor<T> Stacked(string suffix, params int[] shape) =>
            StridedTensor<T>.FromArray([.. Enumerable.Range(0, l).SelectMany(i => sd[$"blocks.{i}.{suffix}"]).Select(T.CreateTruncating)], [l, .. shape]);
        StridedTensor<T>? Maybe(bool present, Func<StridedTensor<T>> make) => present ? make() : null;
        bool ln = config.Norm == NormKind.LayerNorm;
        return new TransformerWeights<T>(
            config,
            One("embed.W_E", v, d), Maybe(sd.ContainsKey("pos_embed.W_pos"), () => One("pos_embed.W_pos", config.NCtx, d)),
            Stacked("attn.W_Q", h, d, dh), Stacked($"attn.{k}W_K", kv, d, dh), Stacked($"attn.{k}W_V", kv, d, dh), Stacked("attn.W_O", h, dh, d),
            Stacked("attn.b_Q", h, dh), Stacked($"attn.{k}b_K", kv, dh), Stacked($"attn.{k}b_V", kv, dh), Stacked("attn.b_O", d),
            Stacked("ln1.w", d), Maybe(ln, () => Stacked("ln1.b", d)),
            Maybe(mlp, () => Stacked("ln2.w", d)), Maybe(mlp && ln, () => Stacked("ln2.b", d)),
            One("ln_final.w", d), Maybe(ln, () => One("ln_final.b", d)), One("unembed.W_U", d, v), One("unembed.b_U", v),
            mlp
                ? new MlpWeights<T>(Stacked("mlp.W_in", d, m), Stacked("mlp.b_in", m), Stacked("mlp.W_out", m, d), Stacked("mlp.b_out", d),
                    Maybe(sd.ContainsKey("blocks.0.mlp.W_gate"), () => Stacked("mlp.W_gate", d, m)))
                : null);
    }

    /// <summary>Weights as a TransformerLens state dict, with this reference's key names (only the tensors the weights hold).</summary>
    public Dictionary<string, double[]> ToStateDict<T>(TransformerWeights<T> weights)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string k = Root.GetProperty("variants").GetProperty("float64").GetProperty("unprocessed").GetProperty("state_dict").TryGetProperty("blocks.0.attn._W_K", out _) ? "_" : "";
        double[] Data(StridedTensor<T> t) => [.. t.ToArray().Select(x => double.CreateTruncating(x))];
        double[] Layer(StridedTensor<T> t, int l)
        {
            double[] all = Data(t);
            int size = all.Length / weights.NLayers;
            return all[(l * size)..((l + 1) * size)];
        }

        var sd = new Dictionary<string, double[]>
        {
            ["embed.W_E"] = Data(weights.WE),
            ["unembed.W_U"] = Data(weights.WU),
            ["unembed.b_U"] = Data(weights.BU),
            ["ln_final.w"] = Data(weights.LnFinalW),
        };
        foreach (var (key, tensor) in new[] { ("pos_embed.W_pos", weights.WPos), ("ln_final.b", weights.LnFinalB) })
        {
            if (tensor is not null)
            {
                sd[key] = Data(tensor);
            }
        }

        for (int l = 0; l < weights.NLayers; l++)
        {
            var tensors = new (string Key, StridedTensor<T>? Tensor)[]
            {
                ("ln1.w", weights.Ln1W), ("ln1.b", weights.Ln1B), ("ln2.w", weights.Ln2W), ("ln2.b", weights.Ln2B),
                ("attn.W_Q", weights.WQ), ($"attn.{k}W_K", weights.WK), ($"attn.{k}W_V", weights.WV), ("attn.W_O", weights.WO),
                ("attn.b_Q", weights.BQ), ($"attn.{k}b_K", weights.BK), ($"attn.{k}b_V", weights.BV), ("attn.b_O", weights.BO),
                ("mlp.W_in", weights.Mlp?.WIn), ("mlp.b_in", weights.Mlp?.BIn), ("mlp.W_out", weights.Mlp?.WOut), ("mlp.b_out", weights.Mlp?.BOut),
                ("mlp.W_gate", weights.Mlp?.WGate),
            };
            foreach (var (key, tensor) in tensors)
            {
                if (tensor is not null)
                {
                    sd[$"blocks.{l}.{key}"] = Layer(tensor, l);
                }
            }
        }

        return sd;
    }
}
