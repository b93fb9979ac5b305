namespace FactoredGpu.LinearAlgebra;

/// <summary>Cholesky factorizations of a batch of symmetric positive definite matrices on the host.</summary>
public static class BatchedCholesky
{
    /// <summary>A = L·Lᵀ for each symmetric positive definite n×n matrix A in a batch.</summary>
    /// <param name="matrices">count row-major n×n matrices, back to back; only the lower triangle is read.</param>
    /// <param name="n">Order of each matrix.</param>
    /// <param name="count">Matrices in the batch.</param>
    /// <param name="lower">Receives count row-major lower triangular L with the upper triangle zeroed.</param>
    /// <param name="positiveDefinite">
    /// Receives, per matrix, whether it is numerically positive definite; where false, that L is all NaN.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative.</exception>
    /// <exception cref="ArgumentException">A span does not hold exactly the values the sizes imply.</exception>
    /// <remarks>
    /// <para>
    /// A matrix counts as numerically positive definite when every pivot exceeds 4·n·ε·max(diag A), ε = 2⁻⁵³;
    /// below that a pivot is indistinguishable from rounding noise (singular positive semidefinite matrices land
    /// there). A matrix holding a NaN or an infinity is reported as not positive definite.
    /// </para>
    /// <para>
    /// Precision: backward stable, L·Lᵀ = A + E with ‖E‖ a small multiple of n·ε·‖A‖ (Golub &amp; Van Loan §4.2.7).
    /// </para>
    /// <para>Thread-safe; results are bit-identical from run to run whatever the number of cores.</para>
    /// </remarks>
    public static void Decompose(ReadOnlySpan<double> matrices, int n, int count, Span<double> lower, Span<bool> positiveDefinite)
    {
        const string Operation = nameof(BatchedCholesky) + "." + nameof(Decompose);
        BatchChecks.NonNegative(n, nameof(n));
        BatchChecks.NonNegative(count, nameof(count));
        BatchChecks.Length(Operation, nameof(matrices), matrices.Length, count, n, n);
        BatchChecks.Length(Operation, nameof(lower), lower.Length, count, n, n);
        BatchChecks.Length(Operation, nameof(positiveDefinite), positiveDefinite.Length, count, 1, 1);
        unsafe
        {
            fixed (double* input = matrices, output = lower)
            fixed (bool* flags = positiveDefinite)
            {
                nint inputAddress = (nint)input, outputAddress = (nint)output, flagsAddress = (nint)flags;
                BatchParallel.For(
                    count,
                    n * (double)n * n / 3,
                    () => 0,
                    (i, _) =>
                    {
                        var l = new Span<double>((double*)outputAddress + (long)i * n * n, n * n);
                        bool success = Core(new ReadOnlySpan<double>((double*)inputAddress + (long)i * n * n, n * n), n, l);
                        if (!success)
                        {
                            l.Fill(double.NaN);
                        }

                        ((bool*)flagsAddress)[i] = success;
                        return true;
                    });
            }
        }
    }

    /// <summary>
    /// Row-oriented Cholesky–Crout (Golub &amp; Van Loan Algorithm 4.2.1, the dot-product form of LAPACK dpotf2 for
    /// the lower triangle): each entry is the input minus a dot product of two contiguous row prefixes of L.
    /// </summary>
    private static bool Core(ReadOnlySpan<double> a, int n, Span<double> l)
    {
        double largestDiagonal = 0;
        for (int i = 0; i < n; i++)
        {
            largestDiagonal = Math.Max(largestDiagonal, a[i * n + i]);
        }

        double pivotFloor = 4 * n * 1.1102230246251565e-16 * largestDiagonal;
        for (int i = 0; i < n; i++)
        {
            Span<double> li = l.Slice(i * n, n);
            for (int j = 0; j < i; j++)
            {
                ReadOnlySpan<double> lj = l.Slice(j * n, j);
                li[j] = (a[i * n + j] - VectorKernels.Dot(li[..j], lj)) / l[j * n + j];
            }

            double pivot = a[i * n + i] - VectorKernels.Dot(li[..i], li[..i]);
            if (!(pivot > pivotFloor))
            {
                return false;
            }

            li[i] = Math.Sqrt(pivot);
            li[(i + 1)..].Clear();
        }

        return true;
    }
}
