using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FactoredGpu;
using FactoredGpu.Kernels;
using MathNet.Numerics.LinearAlgebra;

namespace FactoredGpu.Bench.Workloads;

/// <summary>
/// W1: eigenvalues and copying scores of the 144 GPT-2-small OV circuits; W2: their singular values and norms.
/// Each baseline is TransformerLens's algorithm on the same data: <c>torch.linalg.eig(B·A)</c> (eigenvectors included)
/// and the three-SVD <c>svd()</c> / <c>norm()</c>, with MathNet's LAPACK-style managed solvers standing in for libtorch.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OvCircuitBenchmarks
{
    private IKernels _backend = null!;
    private StridedTensor<float> _wv = null!, _wo = null!;
    private FactoredMatrix<float> _ov = null!;

    [GlobalSetup]
    public void Setup()
    {
        _backend = Accelerators.Create(Accelerators.Resolve(null));
        (_wv, _wo) = Gpt2Heads.Create(_backend);
        _ov = new FactoredMatrix<float>(_wv, _wo);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ov.Dispose();
        _wv.Dispose();
        _wo.Dispose();
        _backend.Dispose();
    }

    [Benchmark(Baseline = true, Description = "W1 TransformerLens algorithm: B·A then eig with vectors")]
    [BenchmarkCategory("W1")]
    public float[] W1Baseline()
    {
        using var ba = _ov.BA();
        float[] data = ba.ToArray();
        int m = Gpt2Heads.DHead, count = data.Length / (m * m);
        var real = new float[count * m];
        var imaginary = new float[count * m];
        for (int h = 0; h < count; h++)
        {
            var evd = Matrix<float>.Build.DenseOfRowMajor(m, m, data.AsSpan(h * m * m, m * m).ToArray()).Evd();
            for (int i = 0; i < m; i++)
            {
                real[h * m + i] = (float)evd.EigenValues[i].Real;
                imaginary[h * m + i] = (float)evd.EigenValues[i].Imaginary;
            }
        }

        return Gpt2Heads.CopyingScores(real, imaginary, m);
    }

    [Benchmark(Description = "W1 ours: Eigenvalues() (values only) + copying scores")]
    [BenchmarkCategory("W1")]
    public float[] W1()
    {
        using var eigen = _ov.Eigenvalues();
        return Gpt2Heads.CopyingScores(eigen.Real.ToArray(), eigen.Imaginary.ToArray(), Gpt2Heads.DHead);
    }

    [Benchmark(Baseline = true, Description = "W2 TransformerLens algorithm: SVD(A), SVD(B), SVD(middle)")]
    [BenchmarkCategory("W2 singular values")]
    public float[] W2Baseline()
    {
        float[] a = _wv.ToArray(), b = _wo.ToArray();
        int d = Gpt2Heads.DModel, m = Gpt2Heads.DHead, count = a.Length / (d * m);
        var s = new float[count * m];
        for (int h = 0; h < count; h++)
        {
            var (sa, va) = ThinSvd(Matrix<float>.Build.DenseOfRowMajor(d, m, a.AsSpan(h * d * m, d * m).ToArray()));
            var (sb, ub) = ThinSvd(Matrix<float>.Build.DenseOfRowMajor(m, d, b.AsSpan(h * d * m, d * m).ToArray()).Transpose());
            var middle = Matrix<float>.Build.DiagonalOfDiagonalVector(sa) * va.Transpose() * ub * Matrix<float>.Build.DiagonalOfDiagonalVector(sb);
            middle.Svd(true).S.AsArray().CopyTo(s, h * m);
        }

        return s;
    }

    /// <summary>LAPACK's thin SVD of a tall matrix (QR, then the SVD of R): its singular values and right singular vectors.</summary>
    private static (MathNet.Numerics.LinearAlgebra.Vector<float> S, Matrix<float> V) ThinSvd(Matrix<float> tall)
    {
        var svd = tall.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin).R.Svd(true);
        return (svd.S, svd.VT.Transpose());
    }

    [Benchmark(Description = "W2 ours: SingularValues() via eig((AᵀA)(BBᵀ)), m×m")]
    [BenchmarkCategory("W2 singular values")]
    public float[] W2()
    {
        using var s = _ov.SingularValues();
        return s.ToArray();
    }

    [Benchmark(Baseline = true, Description = "W2 TransformerLens norm(): sqrt(ΣS²) from the three SVDs")]
    [BenchmarkCategory("W2 norms")]
    public float[] W2NormBaseline()
    {
        float[] s = W2Baseline();
        int m = Gpt2Heads.DHead;
        return Enumerable.Range(0, s.Length / m).Select(h => MathF.Sqrt(s.AsSpan(h * m, m).ToArray().Sum(x => x * x))).ToArray();
    }

    [Benchmark(Description = "W2 ours: Norm() via Σ (AᵀA)∘(BBᵀ)")]
    [BenchmarkCategory("W2 norms")]
    public float[] W2Norm()
    {
        using var norm = _ov.Norm();
        return norm.ToArray();
    }
}
