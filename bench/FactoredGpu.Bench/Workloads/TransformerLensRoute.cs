using FactoredGpu;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace FactoredGpu.Bench.Workloads;

/// <summary>
/// TransformerLens's FactoredMatrix algorithms, step for step, with every product on our kernels
/// (<see cref="StridedTensor{T}.Matmul"/> on the chosen accelerator) and MathNet's managed LAPACK-style solvers
/// standing in for libtorch's: the ratio to our route isolates the algorithmic gain.
/// </summary>
internal static class TransformerLensRoute
{
    /// <summary>
    /// <c>eigenvalues</c>: <c>torch.linalg.eig(B @ A)</c>, eigenvectors included (MathNet <c>Evd</c>), then the copying
    /// scores. <paramref name="a"/> <c>[..., l, m]</c> and <paramref name="b"/> <c>[..., m, l]</c> are the eager factors.
    /// </summary>
    public static float[] EigenCopyingScores(StridedTensor<float> a, StridedTensor<float> b)
    {
        using var ba = StridedTensor<float>.Matmul(b, a);
        float[] data = ba.ToArray();
        int m = ba.Dim(-1), count = data.Length / (m * m);
        var real = new float[count * m];
        var imaginary = new float[count * m];
        for (int h = 0; h < count; h++)
        {
            var values = Matrix<float>.Build.DenseOfRowMajor(m, m, data.AsSpan(h * m * m, m * m).ToArray()).Evd().EigenValues;
            for (int i = 0; i < m; i++)
            {
                real[(h * m) + i] = (float)values[i].Real;
                imaginary[(h * m) + i] = (float)values[i].Imaginary;
            }
        }

        return CopyingScores.Compute(real, imaginary, m);
    }

    /// <summary>
    /// <c>svd()</c>: thin SVDs of A and of Bᵀ (LAPACK's route for tall matrices: QR, then the SVD of R), then the SVD of
    /// the m×m middle <c>diag(S_A)·V_Aᵀ·U_B·diag(S_B)</c>; returns its singular values, <c>m</c> per head.
    /// </summary>
    public static float[] SingularValues(StridedTensor<float> a, StridedTensor<float> b)
    {
        float[] left = a.ToArray(), right = b.ToArray();
        int l = a.Dim(-2), m = a.Dim(-1), count = left.Length / (l * m);
        var s = new float[count * m];
        for (int h = 0; h < count; h++)
        {
            var (sa, va) = ThinSvd(Matrix<float>.Build.DenseOfRowMajor(l, m, left.AsSpan(h * l * m, l * m).ToArray()));
            var (sb, ub) = ThinSvd(Matrix<float>.Build.DenseOfRowMajor(m, l, right.AsSpan(h * l * m, l * m).ToArray()).Transpose());
            var middle = Matrix<float>.Build.DiagonalOfDiagonalVector(sa) * va.Transpose() * ub * Matrix<float>.Build.DiagonalOfDiagonalVector(sb);
            middle.Svd(computeVectors: true).S.AsArray().CopyTo(s, h * m);
        }

        return s;
    }

    /// <summary><c>norm()</c>: <c>sqrt(Σ S²)</c> over the singular values from <see cref="SingularValues"/>.</summary>
    public static float[] Norms(StridedTensor<float> a, StridedTensor<float> b)
    {
        float[] s = SingularValues(a, b);
        int m = a.Dim(-1);
        var norms = new float[s.Length / m];
        for (int h = 0; h < norms.Length; h++)
        {
            double sum = 0;
            foreach (float x in s.AsSpan(h * m, m))
            {
                sum += (double)x * x;
            }

            norms[h] = (float)Math.Sqrt(sum);
        }

        return norms;
    }

    private static (MathNet.Numerics.LinearAlgebra.Vector<float> S, Matrix<float> V) ThinSvd(Matrix<float> tall)
    {
        var svd = tall.QR(QRMethod.Thin).R.Svd(computeVectors: true);
        return (svd.S, svd.VT.Transpose());
    }
}
