using FactoredGpu;
using FactoredGpu.Kernels;

namespace FactoredGpu.Bench.Workloads;

/// <summary>The shapes of a GPT-2-family model's OV weights, and random weights of those shapes.</summary>
/// <param name="Name">The parameter value naming it, e.g. <c>gpt2-small</c>.</param>
internal sealed record ModelShape(string Name, int Layers, int Heads, int DModel, int DHead, int Vocabulary)
{
    public const double Sigma = 0.02;

    public static ModelShape Gpt2Small { get; } = new("gpt2-small", 12, 12, 768, 64, 50257);

    public static ModelShape Gpt2Xl { get; } = new("gpt2-xl", 48, 25, 1600, 64, 50257);

    public static ModelShape Parse(string name) =>
        name == Gpt2Small.Name ? Gpt2Small : name == Gpt2Xl.Name ? Gpt2Xl : throw new ArgumentException($"Unknown model shape '{name}'.");

    public int HeadCount => Layers * Heads;

    /// <summary>The shape of W_V: <c>[L, H, d, dh]</c>; W_O's is <c>[L, H, dh, d]</c>.</summary>
    public int[] WVShape => [Layers, Heads, DModel, DHead];

    /// <summary>The shape of W_O: <c>[L, H, dh, d]</c>.</summary>
    public int[] WOShape => [Layers, Heads, DHead, DModel];

    /// <summary>The shape of W_E: <c>[V, d]</c>.</summary>
    public int[] WEShape => [Vocabulary, DModel];

    /// <summary>The shape of W_U: <c>[d, V]</c>.</summary>
    public int[] WUShape => [DModel, Vocabulary];

    /// <summary>The data of W_V and W_O (shapes <see cref="WVShape"/>, <see cref="WOShape"/>), row-major, entries N(0, 0.02²), fixed seed.</summary>
    public (float[] WV, float[] WO) OvData() => (Normal(1, WVShape), Normal(2, WOShape));

    /// <summary>The data of W_E and W_U (shapes <see cref="WEShape"/>, <see cref="WUShape"/>), row-major, entries N(0, 0.02²), fixed seed.</summary>
    public (float[] WE, float[] WU) EmbeddingData() => (Normal(3, WEShape), Normal(4, WUShape));

    /// <summary>W_V [L, H, d, dh] and W_O [L, H, dh, d]: <see cref="OvData"/> on <paramref name="backend"/>.</summary>
    public (StridedTensor<float> WV, StridedTensor<float> WO) CreateOv(IKernels backend)
    {
        var (wv, wo) = OvData();
        return (StridedTensor<float>.FromArray(backend, wv, WVShape), StridedTensor<float>.FromArray(backend, wo, WOShape));
    }

    /// <summary>W_E [V, d] and W_U [d, V]: <see cref="EmbeddingData"/> on <paramref name="backend"/>.</summary>
    public (StridedTensor<float> WE, StridedTensor<float> WU) CreateEmbeddings(IKernels backend)
    {
        var (we, wu) = EmbeddingData();
        return (StridedTensor<float>.FromArray(backend, we, WEShape), StridedTensor<float>.FromArray(backend, wu, WUShape));
    }

    private static float[] Normal(int seed, int[] shape) => RandomData.Normal(seed, shape.Aggregate(1L, (n, d) => n * d), Sigma);
}
