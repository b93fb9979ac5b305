using FactoredGpu;
using MathNet.Numerics.LinearAlgebra;

namespace FactoredGpu.Bench.Workloads;

/// <summary>
/// The naive dense route: form each head's <c>l×r</c> product <c>A·B</c> with our GEMM, then reduce it with MathNet's
/// managed dense solvers (<c>Evd</c> with eigenvectors, <c>Svd</c> values only) or the Frobenius norm as
/// <c>√Σx²</c> over the product's entries (<c>torch.linalg.norm</c>; MathNet's <c>FrobeniusNorm</c> forms <c>A·Aᵀ</c>).
/// </summary>
internal static class DenseRoute
{
    public static float[] EigenCopyingScores(StridedTensor<float> a, StridedTensor<float> b)
    {
        var heads = PerHead(a, b, product => product.Evd().EigenValues);
        int l = a.Dim(-2);
        var real = heads.SelectMany(v => v.Select(z => (float)z.Real)).ToArray();
        var imaginary = heads.SelectMany(v => v.Select(z => (float)z.Imaginary)).ToArray();
        return CopyingScores.Compute(real, imaginary, l);
    }

    public static float[] SingularValues(StridedTensor<float> a, StridedTensor<float> b) =>
        [.. PerHead(a, b, product => product.Svd(computeVectors: false).S).SelectMany(s => s)];

    public static float[] Norms(StridedTensor<float> a, StridedTensor<float> b) =>
        [.. PerHead(a, b, SumOfSquares.Norm)];

    /// <summary>Forms <c>A·B</c> on the backend, copies it to the host and applies <paramref name="reduce"/> to each head's matrix.</summary>
    private static TResult[] PerHead<TResult>(StridedTensor<float> a, StridedTensor<float> b, Func<Matrix<float>, TResult> reduce)
    {
        using var product = StridedTensor<float>.Matmul(a, b);
        float[] data = product.ToArray();
        int l = product.Dim(-2), r = product.Dim(-1), count = data.Length / (l * r);
        var results = new TResult[count];
        for (int h = 0; h < count; h++)
        {
            results[h] = reduce(Matrix<float>.Build.DenseOfRowMajor(l, r, data.AsSpan(h * l * r, l * r).ToArray()));
        }

        return results;
    }
}
