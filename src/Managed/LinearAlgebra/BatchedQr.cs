namespace FactoredGpu.LinearAlgebra;

/// <summary>Thin Householder QR factorizations of a batch of dense matrices on the host (LAPACK dgeqr2 + dorg2r).</summary>
public static class BatchedQr
{
    /// <summary>Thin QR of each matrix in a batch: M = Q·R.</summary>
    /// <param name="matrices">count row-major rows×cols matrices, back to back.</param>
    /// <param name="rows">Rows of each matrix.</param>
    /// <param name="cols">Columns of each matrix.</param>
    /// <param name="count">Matrices in the batch.</param>
    /// <param name="q">Receives count row-major rows×k matrices Q with orthonormal columns, k = min(rows, cols).</param>
    /// <param name="r">Receives count row-major k×cols upper trapezoidal matrices R.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative.</exception>
    /// <exception cref="ArgumentException">A span does not hold exactly the values the sizes imply.</exception>
    /// <remarks>
    /// <para>
    /// Sign convention: the diagonal of R is non-negative (columns of Q are negated with the rows of R where
    /// Householder's choice left it negative), which makes the factorization unique for full column rank.
    /// </para>
    /// <para>A matrix holding a NaN or an infinity gets NaN in Q and R; the others are unaffected.</para>
    /// <para>
    /// Precision: backward stable; ‖Q·R − M‖ is a small multiple of ε·‖M‖ and ‖QᵀQ − I‖ of ε. The input is first
    /// scaled by a power of two, so intermediate sums of squares do not overflow for any finite input.
    /// </para>
    /// <para>Thread-safe; results are bit-identical from run to run whatever the number of cores.</para>
    /// </remarks>
    public static void Decompose(ReadOnlySpan<double> matrices, int rows, int cols, int count, Span<double> q, Span<double> r)
    {
        const string Operation = nameof(BatchedQr) + "." + nameof(Decompose);
        BatchChecks.NonNegative(rows, nameof(rows));
        BatchChecks.NonNegative(cols, nameof(cols));
        BatchChecks.NonNegative(count, nameof(count));
        int k = Math.Min(rows, cols);
        BatchChecks.Length(Operation, nameof(matrices), matrices.Length, count, rows, cols);
        BatchChecks.Length(Operation, nameof(q), q.Length, count, rows, k);
        BatchChecks.Length(Operation, nameof(r), r.Length, count, k, cols);
        if (k == 0)
        {
            return;
        }

        unsafe
        {
            fixed (double* input = matrices, qOut = q, rOut = r)
            {
                nint inputAddress = (nint)input, qAddress = (nint)qOut, rAddress = (nint)rOut;

                // dgeqr2 2mn² − 2n³/3 plus dorg2r as much again (Golub & Van Loan §5.2.2).
                double work = 4.0 * rows * cols * k - 4.0 * k * k * k / 3;
                BatchParallel.For(
                    count,
                    work,
                    () => new Scratch(rows, cols),
                    (i, scratch) =>
                    {
                        Core(
                            new ReadOnlySpan<double>((double*)inputAddress + (long)i * rows * cols, rows * cols),
                            rows,
                            cols,
                            new Span<double>((double*)qAddress + (long)i * rows * k, rows * k),
                            new Span<double>((double*)rAddress + (long)i * k * cols, k * cols),
                            scratch);
                        return true;
                    });
            }
        }
    }

    private static void Core(ReadOnlySpan<double> matrix, int rows, int cols, Span<double> q, Span<double> r, Scratch scratch)
    {
        int k = Math.Min(rows, cols);
        Span<double> a = scratch.A;
        matrix.CopyTo(a);
        double scale = MatrixScaling.Normalize(a);
        if (double.IsNaN(scale))
        {
            q.Fill(double.NaN);
            r.Fill(double.NaN);
            return;
        }

        // Reflector j is stored at [j·rows + j, (j + 1)·rows), the layout Householder.FormQ reads.
        for (int j = 0; j < k; j++)
        {
            scratch.Taus[j] = Householder.ReflectColumn(a, rows, cols, j, scratch.Reflectors.AsSpan(j * rows + j), scratch.Work);
        }

        Householder.FormQ(q, k, rows, k, scratch.Reflectors, rows, scratch.Taus, scratch.Work);
        for (int i = 0; i < k; i++)
        {
            Span<double> rRow = r.Slice(i * cols, cols);
            rRow[..i].Clear();
            for (int j = i; j < cols; j++)
            {
                rRow[j] = a[i * cols + j] * scale;
            }

            if (rRow[i] < 0)
            {
                VectorKernels.Scale(-1, rRow[i..]);
                for (int row = 0; row < rows; row++)
                {
                    q[row * k + i] = -q[row * k + i];
                }
            }
        }
    }

    /// <summary>One thread's buffers for rows×cols matrices.</summary>
    private sealed class Scratch(int rows, int cols)
    {
        public double[] A { get; } = new double[rows * cols];
        public double[] Reflectors { get; } = new double[rows * Math.Min(rows, cols)];
        public double[] Taus { get; } = new double[Math.Min(rows, cols)];
        public double[] Work { get; } = new double[Math.Max(rows, cols)];
    }
}
