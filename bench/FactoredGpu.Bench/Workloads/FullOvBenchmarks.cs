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
/// <remarks>
/// <para>GPT-2 ties its embeddings, and TransformerLens's processing makes <c>W_E = X·P_d</c>, <c>W_U = P_d·diag(g)·Xᵀ·P_V</c>
/// over the raw embedding <c>X</c>: <see cref="W3Tied"/> runs that model as the library holds it (the chain factors
/// <c>X, P_d, W_V, W_O, P_d, diag(g), Xᵀ, P_V</c>, as for the synthetic default model), so <c>W_U·W_E</c> is a Gram product
/// at half a GEMM's FLOPs. <see cref="W3"/> keeps the untied variant (two independent embeddings, one GEMM).</para>
/// <para>The naive dense route (the V×V product per head, 10 GB each) fits nowhere and has no row.</para>
/// </remarks>
[MemoryDiagnoser]
public class FullOvBenchmarks : Suite
{
    private StridedTensor<float> _we = null!, _wu = null!, _wv = null!, _wo = null!, _wvLayer = null!, _woLayer = null!, _weT = null!, _scale = null!;

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

    [BenchmarkCategory("FullOv tied")]
    [Benchmark(Description = "W3 ours, tied GPT-2: X·P_d·W_V·W_O·P_d·diag(g)·Xᵀ·P_V, W_U·W_E as a Gram product")]
    [Route(Route.Ours)]
    public float[] W3Tied()
    {
        ThrowIfSkipped();
        ModelShape s = Shape;
        using ChainFactor<float> x = _we, xT = _weT, v = _wv, o = _wo, g = ChainFactor<float>.Diagonal(_scale);
        using ChainFactor<float> pd = ChainFactor<float>.Centring(s.DModel), pv = ChainFactor<float>.Centring(s.Vocabulary);
        using var fullOv = MatrixChain<float>.Of(x, pd, v, o, pd, g, xT, pv);
        using var eigen = fullOv.Eigenvalues();
        return CopyingScores.Of(eigen, s.DHead);
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

        if (method is nameof(W3) or nameof(W3Tied))
        {
            // Tied: the Gram product X^T X (half the GEMM), the column sums and O(d²) corrections; one embedding read.
            double shared = method == nameof(W3) ? 2 * d * v * d : (v * d * (d + 1)) + (2 * v * d) + (8 * d * d);
            double flops = shared + (s.HeadCount * ((2 * d * d * m) + (2 * m * d * m) + (10 * m * m * m)));
            return new Work(flops, (method == nameof(W3) ? embeddingBytes : embeddingBytes / 2) + (s.HeadCount * 4 * 2 * d * m));
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
        _weT = _we.Transpose();
        _scale = StridedTensor<float>.FromArray(Backend, [.. RandomData.Normal(5, Shape.DModel, ModelShape.Sigma).Select(x => 1 + x)], Shape.DModel);
        (_wv, _wo) = Shape.CreateOv(Backend);
        (_wvLayer, _woLayer) = (HeadSubset.Take(_wv, Shape.Heads), HeadSubset.Take(_wo, Shape.Heads));
    }

    protected override void Release()
    {
        foreach (var tensor in new[] { _wvLayer, _woLayer, _weT, _scale, _we, _wu, _wv, _wo })
        {
            tensor.Dispose();
        }
    }
}
