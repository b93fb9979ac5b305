using BenchmarkDotNet.Attributes;
using FactoredGpu;
using FactoredGpu.Bench.Infrastructure;

namespace FactoredGpu.Bench.Workloads;

/// <summary>
/// W3: copying scores of every head's full OV circuit <c>W_E·W_V·W_O·W_U</c> ([L, H, 50257, 50257]): GPT-2 small
/// (12 × 12 heads, d 768) and GPT-2-XL shapes (48 × 25 heads, d 1600), d_head 64. Ours is a lazy
/// <see cref="MatrixChain{TScalar}"/> whose eigenvalues need only <c>W_O·((W_U·W_E)·W_V)</c>, 64×64 per head, with
/// <c>W_U·W_E</c> once for all heads. The baseline is TransformerLens's <c>W_E @ OV @ W_U</c>: it materializes
/// <c>A = W_E·W_V</c> [L,H,V,64] and <c>B = W_O·W_U</c> [L,H,64,V] (3.7 GB for GPT-2 small, 30.9 GB for XL),
/// then <c>eig(B·A)</c> with eigenvectors.
/// </summary>
/// <remarks>The naive dense route (the V×V product per head, 10 GB each) fits nowhere and has no row.</remarks>
[MemoryDiagnoser]
public class FullOvBenchmarks : Suite
{
    private StridedTensor<float> _we = null!, _wu = null!, _wv = null!, _wo = null!, _wvLayer = null!, _woLayer = null!;

    [Params("gpt2-small", "gpt2-xl")]
    public string Model { get; set; } = "gpt2-small";

    private ModelShape Shape => ModelShape.Parse(Model);

    [Benchmark(Description = "W3 ours: chain Eigenvalues() via W_O·((W_U·W_E)·W_V)")]
    [Route(Route.Ours)]
    public float[] W3()
    {
        ThrowIfSkipped();
        using var fullOv = MatrixChain<float>.Of(_we, _wv, _wo, _wu);
        using var eigen = fullOv.Eigenvalues();
        return CopyingScores.Of(eigen, Shape.DHead);
    }

    [Benchmark(Baseline = true, Description = "W3 TransformerLens: A = W_E·W_V, B = W_O·W_U, eig(B·A) with vectors")]
    [Route(Route.TransformerLens)]
    public float[] W3TransformerLens()
    {
        ThrowIfSkipped();
        bool layer = Work(nameof(W3TransformerLens)).Fraction < 1;
        using var a = StridedTensor<float>.Matmul(_we, layer ? _wvLayer : _wv);
        using var b = StridedTensor<float>.Matmul(layer ? _woLayer : _wo, _wu);
        return TransformerLensRoute.EigenCopyingScores(a, b);
    }

    internal override Work Work(string method)
    {
        ModelShape s = Shape;
        double v = s.Vocabulary, d = s.DModel, m = s.DHead, embeddingBytes = 4 * 2 * v * d;
        if (Size == RunSize.Tiny)
        {
            return Infrastructure.Work.Skip($"{2 * d * v * d / 1e9:0} GFLOP for W_U·W_E alone: tens of minutes at ILGPU-CPU's ~0.1 GFLOP/s");
        }

        if (method == nameof(W3))
        {
            double flops = (2 * d * v * d) + (s.HeadCount * ((2 * d * d * m) + (2 * m * d * m) + (10 * m * m * m)));
            return new Work(flops, embeddingBytes + (s.HeadCount * 4 * 2 * d * m));
        }

        // Whether TransformerLens's factors fit is decided at full size; quick mode then runs one layer (~8 s otherwise).
        double heads = Size == RunSize.Full ? s.HeadCount : s.Heads, factorBytes = 4 * 2 * v * m;
        string? tooBig = BackendMemory.DoesNotFit(Accelerator, s.HeadCount * factorBytes);
        return tooBig is not null ? Infrastructure.Work.Skip(tooBig) : new Work(
            heads * ((2 * v * d * m * 2) + (2 * m * v * m) + (25 * m * m * m)),
            embeddingBytes + (heads * 3 * factorBytes),
            heads / s.HeadCount);
    }

    protected override void Prepare()
    {
        (_we, _wu) = Shape.CreateEmbeddings(Backend);
        (_wv, _wo) = Shape.CreateOv(Backend);
        (_wvLayer, _woLayer) = (HeadSubset.Take(_wv, Shape.Heads), HeadSubset.Take(_wo, Shape.Heads));
    }

    protected override void Release()
    {
        foreach (var tensor in new[] { _wvLayer, _woLayer, _we, _wu, _wv, _wo })
        {
            tensor.Dispose();
        }
    }
}
