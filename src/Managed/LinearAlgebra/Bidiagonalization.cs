namespace FactoredGpu.LinearAlgebra;

/// <summary>
/// Householder bidiagonalization A = Q·B·Pᵀ of an m×n matrix with m ≥ n, B upper bidiagonal
/// (Golub &amp; Van Loan Algorithm 5.4.2; LAPACK dgebd2), and the explicit Qᵀ, Pᵀ it implies (LAPACK dorgbr).
/// </summary>
internal static class Bidiagonalization
{
    /// <summary>Reduces <paramref name="a"/> in place; the right reflectors stay in its rows above the superdiagonal.</summary>
    /// <param name="a">Row-major m×n, m ≥ n ≥ 1.</param>
    /// <param name="m">Rows.</param>
    /// <param name="n">Columns.</param>
    /// <param name="d">Receives the diagonal of B (n).</param>
    /// <param name="e">Receives the superdiagonal of B (n − 1).</param>
    /// <param name="tauq">Receives τ of the left reflectors (n).</param>
    /// <param name="taup">Receives τ of the right reflectors (n − 1).</param>
    /// <param name="leftReflectors">
    /// Receives left reflector j at [j·stride + j, j·stride + m); with stride 0 a single buffer of length m is
    /// reused and the reflectors are lost (singular values only).
    /// </param>
    /// <param name="reflectorStride">m to keep the left reflectors, 0 to discard them.</param>
    /// <param name="work">Scratch of length ≥ n.</param>
    public static void Reduce(
        Span<double> a, int m, int n, Span<double> d, Span<double> e, Span<double> tauq, Span<double> taup,
        Span<double> leftReflectors, int reflectorStride, Span<double> work)
    {
        for (int j = 0; j < n; j++)
        {
            tauq[j] = Householder.ReflectColumn(a, m, n, j, leftReflectors[(j * reflectorStride + j)..], work);
            d[j] = a[j * n + j];
            if (j < n - 1)
            {
                Span<double> row = a.Slice(j * n + j + 1, n - j - 1);
                taup[j] = Householder.Generate(row, out e[j]);
                Householder.ApplyRight(a[((j + 1) * n + j + 1)..], n, m - j - 1, n - j - 1, row, taup[j]);
            }
        }
    }

    /// <summary>Forms Qᵀ (first n rows, n×m) and Pᵀ (n×n) from the output of <see cref="Reduce"/>.</summary>
    /// <param name="a">The reduced matrix holding the right reflectors.</param>
    /// <param name="m">Rows of the original matrix.</param>
    /// <param name="n">Columns of the original matrix.</param>
    /// <param name="tauq">τ of the left reflectors.</param>
    /// <param name="taup">τ of the right reflectors.</param>
    /// <param name="leftReflectors">Left reflectors stored with stride m.</param>
    /// <param name="qt">Receives Qᵀ, n×m.</param>
    /// <param name="pt">Receives Pᵀ, n×n.</param>
    /// <param name="scratch">Scratch of length ≥ m·n.</param>
    /// <param name="work">Scratch of length ≥ n.</param>
    public static void FormTransposedFactors(
        ReadOnlySpan<double> a, int m, int n, ReadOnlySpan<double> tauq, ReadOnlySpan<double> taup,
        ReadOnlySpan<double> leftReflectors, Span<double> qt, Span<double> pt, Span<double> scratch, Span<double> work)
    {
        Householder.FormQ(scratch, n, m, n, leftReflectors, m, tauq, work);
        MatrixLayout.Transpose(scratch[..(m * n)], m, n, qt);

        // P = diag(1, G₀⋯G_{n−2}): right reflector j acts on coordinates j+1…n−1 and sits in row j of a.
        Span<double> p = scratch[..(n * n)];
        p[..n].Clear();
        p[0] = 1;
        for (int i = 1; i < n; i++)
        {
            p[i * n] = 0;
        }

        if (n > 1)
        {
            Householder.FormQ(p[(n + 1)..], n, n - 1, n - 1, a[1..], n, taup, work);
        }

        MatrixLayout.Transpose(p, n, n, pt);
    }
}
