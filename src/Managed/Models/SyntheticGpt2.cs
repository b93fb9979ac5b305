using System.Numerics;
using FactoredGpu.Circuits;
using FactoredGpu.Kernels.Host;

namespace FactoredGpu.Models;

/// <summary>
/// The embedded default model of <c>factored circuits</c>: random float32 weights with GPT-2 small's shapes and
/// plausible scales, and a few planted copying and anti-copying heads so that an analysis has something to find.
/// It is not a trained model, and every report built from it says so.
/// </summary>
/// <remarks>
/// <para>Shapes: 12 layers of 12 heads, <c>d</c> = 768, <c>dh</c> = 64, <c>V</c> = 50257, <c>n_ctx</c> = 1024; no MLP.
/// Scales: <c>W_E</c> ~ N(0, 0.1²); <c>W_pos</c> ~ N(0, 0.01²); <c>W_Q</c>, <c>W_K</c>, <c>W_V</c>, <c>W_O</c> ~
/// N(0, 0.02²) (GPT-2's initialisation); biases 0; layer norms the identity (weights 1, biases 0). The unembedding is
/// tied, <c>W_U = W_Eᵀ</c> (a transposed view of the same memory), and <c>b_U</c> = 0, as in GPT-2.</para>
/// <para>Planted heads (<see cref="PlantedHeads"/>): copying L1H4, L5H1, L9H7 with <c>W_O = +W_Vᵀ</c>; anti-copying
/// L3H2, L7H10 with <c>W_O = −W_Vᵀ</c>. Their OV circuits <c>±W_V·W_Vᵀ</c> are (negative) semi-definite, so their OV
/// copying score is ±1, and with the tied unembedding so is the full OV circuit <c>±(W_E·W_V)(W_E·W_V)ᵀ</c>; weight
/// processing moves them only slightly.</para>
/// <para>Reproducible: the values depend only on the seed (see <c>GaussianFill</c>: xoshiro256** and a ziggurat in fixed
/// chunks), not on the runtime's <see cref="Random"/> or the number of threads.</para>
/// </remarks>
public static class SyntheticGpt2
{
    /// <summary>The seed <c>factored circuits</c> uses when none is given.</summary>
    public const int DefaultSeed = 2019;

    private const int Layers = 12, Heads = 12, DModel = 768, DHead = 64, Vocab = 50257, Context = 1024;

    /// <summary>The planted heads: copying L1H4, L5H1, L9H7; anti-copying L3H2, L7H10.</summary>
    public static IReadOnlyList<PlantedHead> PlantedHeads { get; } =
    [
        new(1, 4, true), new(5, 1, true), new(9, 7, true), new(3, 2, false), new(7, 10, false),
    ];

    /// <summary>The synthetic model's configuration: GPT-2 small's sizes, no MLP weights.</summary>
    public static ModelConfig Config { get; } = new(
        "GPT2LMHeadModel", Layers, Heads, Heads, DModel, DHead, Vocab, Context, 4 * DModel, NormKind.LayerNorm, 1e-5,
        RotaryDim: null, RotaryBase: null, TieWordEmbeddings: true);

    /// <summary>Generates the synthetic model's weights (about 270 MB of float32, under a second on two cores).</summary>
    /// <typeparam name="TScalar">The element type; the values are drawn in float32 and widened for float64.</typeparam>
    /// <param name="seed">The seed; the same seed gives bit-identical weights.</param>
    /// <returns>Unprocessed host weights, owned by the caller.</returns>
    public static TransformerWeights<TScalar> Create<TScalar>(int seed = DefaultSeed)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        ulong key = (ulong)(uint)seed;
        float[] Normal(ulong stream, double std, int length)
        {
            var data = new float[length];
            GaussianFill.Fill(data, std, key, stream);
            return data;
        }

        int perHead = DModel * DHead, attention = Layers * Heads * perHead;
        float[] wV = Normal(4, 0.02, attention), wO = Normal(5, 0.02, attention);
        foreach (var planted in PlantedHeads)
        {
            int at = (planted.Layer * Heads + planted.Head) * perHead;
            float sign = planted.Copying ? 1 : -1;
            for (int i = 0; i < DModel; i++)
            {
                for (int e = 0; e < DHead; e++)
                {
                    wO[at + e * DModel + i] = sign * wV[at + i * DHead + e];
                }
            }
        }

        var host = HostKernels.Shared;
        StridedTensor<TScalar> T(float[] data, params int[] shape) =>
            typeof(TScalar) == typeof(float)
                ? StridedTensor<TScalar>.FromArray(host, System.Runtime.InteropServices.MemoryMarshal.Cast<float, TScalar>(data.AsSpan()), shape)
                : StridedTensor<TScalar>.FromArray(host, [.. data.Select(TScalar.CreateTruncating)], shape);
        StridedTensor<TScalar> Constant(float value, params int[] shape) => T([.. Enumerable.Repeat(value, (int)Shapes.Product(shape))], shape);
        var wE = T(Normal(1, 0.1, Vocab * DModel), Vocab, DModel);
        return new TransformerWeights<TScalar>(
            Config,
            wE,
            T(Normal(2, 0.01, Context * DModel), Context, DModel),
            T(Normal(3, 0.02, attention), Layers, Heads, DModel, DHead),
            T(Normal(6, 0.02, attention), Layers, Heads, DModel, DHead),
            T(wV, Layers, Heads, DModel, DHead),
            T(wO, Layers, Heads, DHead, DModel),
            Constant(0, Layers, Heads, DHead), Constant(0, Layers, Heads, DHead), Constant(0, Layers, Heads, DHead), Constant(0, Layers, DModel),
            Constant(1, Layers, DModel), Constant(0, Layers, DModel), ln2W: null, ln2B: null,
            Constant(1, DModel), Constant(0, DModel),
            wE.Transpose(),
            Constant(0, Vocab),
            mlp: null);
    }

    /// <summary>The summary a report of the synthetic model carries: GPT-2 small's shape, labelled synthetic with its seed.</summary>
    /// <param name="seed">The seed the weights were made with.</param>
    /// <param name="processing">Whether TransformerLens's default weight processing was applied before the analysis.</param>
    /// <returns>The summary, <c>Source</c> = <c>synthetic GPT-2-small (seed N)</c>.</returns>
    public static ModelSummary Summary(int seed, bool processing) =>
        new(Layers, Heads, DModel, DHead, Vocab, Synthetic: true, processing, $"synthetic GPT-2-small (seed {seed})", "GPT2LMHeadModel", Heads);
}
