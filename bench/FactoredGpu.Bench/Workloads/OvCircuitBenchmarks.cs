using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FactoredGpu;
using FactoredGpu.Bench.Infrastructure;

namespace FactoredGpu.Bench.Workloads;

/// <summary>
/// W1: eigenvalues and copying scores of GPT-2 small's 144 OV circuits <c>W_V·W_O</c> (W_V [12,12,768,64], W_O
/// [12,12,64,768]); W2: their singular values and norms. Per group: ours, TransformerLens's algorithm (the baseline) on
/// our kernels, and the naive dense route through the 768×768 product.
/// </summary>
/// <remarks>
/// Routes too slow to run on 144 heads run on fewer (see <see cref="Heads"/>) and say so: the full-size time column
/// scales them. MathNet's dense <c>Evd</c> of one 768×768 matrix takes ~6.5 s on the 2-core box, so the dense
/// eigenvalue and SVD routes always run on one head.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OvCircuitBenchmarks : Suite
{
    private static readonly ModelShape Model = ModelShape.Gpt2Small;

    private StridedTensor<float> _wv = null!, _wo = null!;
    private readonly Dictionary<int, (StridedTensor<float> WV, StridedTensor<float> WO)> _subsets = [];

    [Benchmark(Description = "W1 ours: Eigenvalues() (values only) + copying scores")]
    [BenchmarkCategory("W1 eigenvalues"), Route(Route.Ours)]
    public float[] W1()
    {
        var (wv, wo) = Weights();
        using var ov = new FactoredMatrix<float>(wv, wo);
        using var eigen = ov.Eigenvalues();
        return CopyingScores.Of(eigen, Model.DHead);
    }

    [Benchmark(Baseline = true, Description = "W1 TransformerLens: B·A, eig with vectors")]
    [BenchmarkCategory("W1 eigenvalues"), Route(Route.TransformerLens)]
    public float[] W1TransformerLens()
    {
        var (wv, wo) = Weights();
        return TransformerLensRoute.EigenCopyingScores(wv, wo);
    }

    [Benchmark(Description = "W1 dense: A·B 768², eig with vectors")]
    [BenchmarkCategory("W1 eigenvalues"), Route(Route.Dense)]
    public float[] W1Dense()
    {
        var (wv, wo) = Weights();
        return DenseRoute.EigenCopyingScores(wv, wo);
    }

    [Benchmark(Description = "W2 ours: SingularValues() via eig((AᵀA)(BBᵀ))")]
    [BenchmarkCategory("W2 singular values"), Route(Route.Ours)]
    public float[] W2()
    {
        var (wv, wo) = Weights();
        using var ov = new FactoredMatrix<float>(wv, wo);
        using var s = ov.SingularValues();
        return s.ToArray();
    }

    [Benchmark(Baseline = true, Description = "W2 TransformerLens: QR+SVD of A and Bᵀ, SVD of middle")]
    [BenchmarkCategory("W2 singular values"), Route(Route.TransformerLens)]
    public float[] W2TransformerLens()
    {
        var (wv, wo) = Weights();
        return TransformerLensRoute.SingularValues(wv, wo);
    }

    [Benchmark(Description = "W2 dense: A·B 768², SVD values")]
    [BenchmarkCategory("W2 singular values"), Route(Route.Dense)]
    public float[] W2Dense()
    {
        var (wv, wo) = Weights();
        return DenseRoute.SingularValues(wv, wo);
    }

    [Benchmark(Description = "W2 ours: Norm() via Σ (AᵀA)∘(BBᵀ)")]
    [BenchmarkCategory("W2 norms"), Route(Route.Ours)]
    public float[] W2Norm()
    {
        var (wv, wo) = Weights();
        using var ov = new FactoredMatrix<float>(wv, wo);
        using var norm = ov.Norm();
        return norm.ToArray();
    }

    [Benchmark(Baseline = true, Description = "W2 TransformerLens norm(): √ΣS² of the three-SVD svd()")]
    [BenchmarkCategory("W2 norms"), Route(Route.TransformerLens)]
    public float[] W2NormTransformerLens()
    {
        var (wv, wo) = Weights();
        return TransformerLensRoute.Norms(wv, wo);
    }

    [Benchmark(Description = "W2 dense: A·B 768², Frobenius norm")]
    [BenchmarkCategory("W2 norms"), Route(Route.Dense)]
    public float[] W2NormDense()
    {
        var (wv, wo) = Weights();
        return DenseRoute.Norms(wv, wo);
    }

    internal override Work Work(string method)
    {
        double d = Model.DModel, m = Model.DHead, heads = Heads(method);
        double factorBytes = 4 * 2 * d * m, denseBytes = factorBytes + (4 * 2 * d * d);
        double gram = 2 * m * (m + 1) * d, thinSvd = (2 * m * m * (d - (m / 3))) + (21 * m * m * m);
        double perHead = method switch
        {
            nameof(W1) => (2 * m * d * m) + (10 * m * m * m),
            nameof(W1TransformerLens) => (2 * m * d * m) + (25 * m * m * m),
            nameof(W1Dense) => (2 * d * m * d) + (25 * d * d * d),
            nameof(W2) => gram + (2 * m * m * m) + (10 * m * m * m),
            nameof(W2TransformerLens) or nameof(W2NormTransformerLens) => (2 * thinSvd) + (4 * m * m * m) + (21 * m * m * m),
            nameof(W2Dense) => (2 * d * m * d) + (8.0 / 3 * d * d * d),
            nameof(W2Norm) => gram + (2 * m * m),
            nameof(W2NormDense) => (2 * d * m * d) + (2 * d * d),
            _ => throw new ArgumentException($"No work declared for {method}.", nameof(method)),
        };
        bool dense = method is nameof(W1Dense) or nameof(W2Dense) or nameof(W2NormDense);
        return new Work(heads * perHead, heads * (dense ? denseBytes : factorBytes), heads / Model.HeadCount);
    }

    protected override void Prepare()
    {
        (_wv, _wo) = Model.CreateOv(Backend);
        foreach (int heads in new[] { Model.HeadCount, Model.Heads, 1 })
        {
            _subsets[heads] = (HeadSubset.Take(_wv, heads), HeadSubset.Take(_wo, heads));
        }
    }

    protected override void Release()
    {
        foreach (var (wv, wo) in _subsets.Values)
        {
            wv.Dispose();
            wo.Dispose();
        }

        _subsets.Clear();
        _wv.Dispose();
        _wo.Dispose();
    }

    /// <summary>
    /// How many heads <paramref name="method"/> runs on: all 144, except the dense eig and SVD (one head: minutes
    /// otherwise), the TransformerLens SVD routes in quick mode (one layer: 3.7 s otherwise), and everything on
    /// ILGPU's CPU accelerator (one head: one layer takes 4–12 s per route there).
    /// </summary>
    private int Heads(string method) => method switch
    {
        nameof(W1Dense) or nameof(W2Dense) => 1,
        _ when Size == RunSize.Tiny => 1,
        nameof(W2TransformerLens) or nameof(W2NormTransformerLens) when Size == RunSize.Quick => Model.Heads,
        _ => Model.HeadCount,
    };

    private (StridedTensor<float> WV, StridedTensor<float> WO) Weights([System.Runtime.CompilerServices.CallerMemberName] string method = "") =>
        _subsets[Heads(method)];
}
