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

    /// <summary>W_V [L, H, d, dh] and W_O [L, H, dh, d], entries N(0, 0.02²), fixed seed.</summary>
    public (StridedTensor<float> WV, StridedTensor<float> WO) CreateOv(IKernels backend) => (
        Random(backend, 1, Layers, Heads, DModel, DHead),
        Random(backend, 2, Layers, Heads, DHead, DModel));

    /// <summary>W_E [V, d] and W_U [d, V], entries N(0, 0.02²), fixed seed.</summary>
    public (StridedTensor<float> WE, StridedTensor<float> WU) CreateEmbeddings(IKernels backend) => (
        Random(backend, 3, Vocabulary, DModel),
        Random(backend, 4, DModel, Vocabulary));

    private static StridedTensor<float> Random(IKernels backend, int seed, params int[] shape) =>
        StridedTensor<float>.FromArray(backend, RandomData.Normal(seed, shape.Aggregate(1L, (n, d) => n * d), Sigma), shape);
}
