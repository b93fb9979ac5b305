namespace FactoredGpu.LinearAlgebra;

/// <summary>
/// Householder reflectors H = I − τ·v·vᵀ with v₀ = 1 on row-major storage (Golub &amp; Van Loan §5.1; LAPACK
/// dlarfg, dlarf, dorg2r). Shared by the QR factorization and the bidiagonalization of the SVD.
/// </summary>
/// <remarks>
/// Applying H from the left to a row-major block is a sum of scaled rows (w = vᵀA, A −= τ·v·w) and applying it
/// from the right is a dot product and an axpy per row, so every inner loop runs over contiguous memory.
/// Callers keep entries within a safe exponent range (see <see cref="MatrixScaling"/>), so plain sums of squares
/// neither overflow nor lose significant bits to underflow.
/// </remarks>
internal static class Householder
{
    /// <summary>
    /// LAPACK dlarfg: on entry x = [α, x₁…]; on exit x = v = [1, v₁…] with H·[α, x₁…]ᵀ = [β, 0…]ᵀ.
    /// </summary>
    /// <returns>τ, zero when x₁… is already zero (H = I).</returns>
    public static double Generate(Span<double> x, out double beta)
    {
        double alpha = x[0];
        Span<double> tail = x[1..];
        double tailNorm = Math.Sqrt(VectorKernels.Dot(tail, tail));
        x[0] = 1;
        if (tailNorm == 0)
        {
            beta = alpha;
            return 0;
        }

        beta = -Math.CopySign(double.Hypot(alpha, tailNorm), alpha);
        VectorKernels.Scale(1 / (alpha - beta), tail);
        return (beta - alpha) / beta;
    }

    /// <summary>
    /// Reflects column <paramref name="j"/> of the row-major m×n matrix <paramref name="a"/> below its diagonal
    /// and applies the reflector to columns j+1…n−1 (one step of LAPACK dgeqr2 / dgebd2).
    /// </summary>
    /// <param name="a">The matrix, row-major with leading dimension n.</param>
    /// <param name="m">Rows.</param>
    /// <param name="n">Columns.</param>
    /// <param name="j">The column, j &lt; m.</param>
    /// <param name="v">Receives v (length m − j).</param>
    /// <param name="work">Scratch of length ≥ n − j − 1.</param>
    /// <returns>τ; a[j, j] holds β on exit and the entries below it are left stale.</returns>
    public static double ReflectColumn(Span<double> a, int m, int n, int j, Span<double> v, Span<double> work)
    {
        int length = m - j;
        for (int i = 0; i < length; i++)
        {
            v[i] = a[(j + i) * n + j];
        }

        double tau = Generate(v[..length], out double beta);
        a[j * n + j] = beta;
        ApplyLeft(a[(j * n + j + 1)..], n, length, n - j - 1, v[..length], tau, work);
        return tau;
    }

    /// <summary>A ← H·A for the rows×cols block of <paramref name="a"/> with leading dimension ld (LAPACK dlarf, side L).</summary>
    public static void ApplyLeft(Span<double> a, int ld, int rows, int cols, ReadOnlySpan<double> v, double tau, Span<double> work)
    {
        if (tau == 0 || cols == 0)
        {
            return;
        }

        Span<double> w = work[..cols];
        w.Clear();
        int i = 0;
        for (; i <= rows - 4; i += 4)
        {
            VectorKernels.Axpy4(
                v[i], v[i + 1], v[i + 2], v[i + 3],
                a.Slice(i * ld, cols), a.Slice((i + 1) * ld, cols), a.Slice((i + 2) * ld, cols), a.Slice((i + 3) * ld, cols),
                w);
        }

        for (; i < rows; i++)
        {
            VectorKernels.Axpy(v[i], a.Slice(i * ld, cols), w);
        }

        for (i = 0; i < rows; i++)
        {
            VectorKernels.Axpy(-tau * v[i], w, a.Slice(i * ld, cols));
        }
    }

    /// <summary>A ← A·H for the rows×cols block of <paramref name="a"/> with leading dimension ld (LAPACK dlarf, side R).</summary>
    public static void ApplyRight(Span<double> a, int ld, int rows, int cols, ReadOnlySpan<double> v, double tau)
    {
        if (tau == 0)
        {
            return;
        }

        for (int i = 0; i < rows; i++)
        {
            Span<double> row = a.Slice(i * ld, cols);
            VectorKernels.Axpy(-tau * VectorKernels.Dot(row, v), v, row);
        }
    }

    /// <summary>
    /// LAPACK dorg2r: forms the m×k matrix Q = H₀·H₁⋯H_{k−1}·[I; 0] in <paramref name="q"/> (leading dimension ld),
    /// accumulating backwards so that each reflector touches only the trailing block.
    /// </summary>
    /// <param name="q">Receives Q.</param>
    /// <param name="ld">Leading dimension of q.</param>
    /// <param name="m">Rows of Q.</param>
    /// <param name="k">Columns of Q and number of reflectors, k ≤ m.</param>
    /// <param name="reflectors">Reflector j's v starts at reflectors[j·stride + j] and has length m − j.</param>
    /// <param name="stride">Distance between consecutive reflectors.</param>
    /// <param name="taus">τ of each reflector.</param>
    /// <param name="work">Scratch of length ≥ k.</param>
    public static void FormQ(Span<double> q, int ld, int m, int k, ReadOnlySpan<double> reflectors, int stride, ReadOnlySpan<double> taus, Span<double> work)
    {
        for (int i = 0; i < m; i++)
        {
            Span<double> row = q.Slice(i * ld, k);
            row.Clear();
            if (i < k)
            {
                row[i] = 1;
            }
        }

        for (int j = k - 1; j >= 0; j--)
        {
            ApplyLeft(q[(j * ld + j)..], ld, m - j, k - j, reflectors.Slice(j * stride + j, m - j), taus[j], work);
        }
    }
}
