using System.Numerics;
using System.Text.Json;
using FactoredGpu.Models;
using FactoredGpu.Tests.Support;

namespace FactoredGpu.Tests.Parity;

/// <summary>
/// The dev GPT-2 checkpoint's TransformerLens outputs (<c>dev_gpt2_reference.json</c>) as <see cref="Gpt2Weights{TScalar}"/>
/// and back: state-dict key ↔ the stacked tensors of the weights.
/// </summary>
internal static class DevGpt2
{
    private static readonly Lazy<JsonDocument> Reference = new(() => ReferenceFiles.Load("dev_gpt2_reference.json"));

    public static JsonElement Variant(string precision, string state) =>
        Reference.Value.RootElement.GetProperty("variants").GetProperty(precision).GetProperty(state);

    public static JsonElement Circuits(string precision) => Variant(precision, "processed").GetProperty("circuits");

    /// <summary>The state dict of a variant: TransformerLens key → values.</summary>
    public static Dictionary<string, double[]> StateDict(string precision, string state) =>
        Variant(precision, state).GetProperty("state_dict").EnumerateObject().ToDictionary(p => p.Name, p => ReferenceFiles.Real(p.Value).Data);

    /// <summary>A variant's state dict as weights (<c>config</c>: 3 layers, 2 heads, d 16, dh 8, V 40, n_ctx 8, d_mlp 64).</summary>
    public static Gpt2Weights<T> Weights<T>(string precision, string state)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sd = StateDict(precision, state);
        const int L = 3, H = 2, D = 16, Dh = 8, V = 40, P = 8, M = 64;
        StridedTensor<T> One(string key, params int[] shape) => StridedTensor<T>.FromArray([.. sd[key].Select(T.CreateTruncating)], shape);
        StridedTensor<T> Stacked(string suffix, params int[] shape) =>
            StridedTensor<T>.FromArray([.. Enumerable.Range(0, L).SelectMany(l => sd[$"blocks.{l}.{suffix}"]).Select(T.CreateTruncating)], [L, .. shape]);
        return new Gpt2Weights<T>(
            One("embed.W_E", V, D), One("pos_embed.W_pos", P, D),
            Stacked("attn.W_Q", H, D, Dh), Stacked("attn.W_K", H, D, Dh), Stacked("attn.W_V", H, D, Dh), Stacked("attn.W_O", H, Dh, D),
            Stacked("attn.b_Q", H, Dh), Stacked("attn.b_K", H, Dh), Stacked("attn.b_V", H, Dh), Stacked("attn.b_O", D),
            Stacked("ln1.w", D), Stacked("ln1.b", D), Stacked("ln2.w", D), Stacked("ln2.b", D),
            One("ln_final.w", D), One("ln_final.b", D), One("unembed.W_U", D, V), One("unembed.b_U", V),
            new Gpt2Mlp<T>(Stacked("mlp.W_in", D, M), Stacked("mlp.b_in", M), Stacked("mlp.W_out", M, D), Stacked("mlp.b_out", D)));
    }

    /// <summary>Weights as a TransformerLens state dict (the keys of <c>dev_gpt2_reference.json</c>).</summary>
    public static Dictionary<string, double[]> ToStateDict<T>(Gpt2Weights<T> weights)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
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
            ["pos_embed.W_pos"] = Data(weights.WPos),
            ["unembed.W_U"] = Data(weights.WU),
            ["unembed.b_U"] = Data(weights.BU),
            ["ln_final.w"] = Data(weights.LnFinalW),
            ["ln_final.b"] = Data(weights.LnFinalB),
        };
        for (int l = 0; l < weights.NLayers; l++)
        {
            var tensors = new (string Key, StridedTensor<T>? Tensor)[]
            {
                ("ln1.w", weights.Ln1W), ("ln1.b", weights.Ln1B), ("ln2.w", weights.Ln2W), ("ln2.b", weights.Ln2B),
                ("attn.W_Q", weights.WQ), ("attn.W_K", weights.WK), ("attn.W_V", weights.WV), ("attn.W_O", weights.WO),
                ("attn.b_Q", weights.BQ), ("attn.b_K", weights.BK), ("attn.b_V", weights.BV), ("attn.b_O", weights.BO),
                ("mlp.W_in", weights.Mlp?.WIn), ("mlp.b_in", weights.Mlp?.BIn), ("mlp.W_out", weights.Mlp?.WOut), ("mlp.b_out", weights.Mlp?.BOut),
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
