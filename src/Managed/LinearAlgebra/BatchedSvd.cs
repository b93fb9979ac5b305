namespace FactoredGpu.LinearAlgebra;

/// <summary>
/// Singular value decompositions of a batch of small dense matrices on the host: Householder bidiagonalization
/// (LAPACK dgebd2) followed by implicit bidiagonal QR (LAPACK dbdsqr), one matrix per thread.
/// </summary>
public static class BatchedSvd
{
    /// <summary>Singular values of each matrix in a batch, in descending order.</summary>
    /// <param name="matrices">count row-major rows×cols matrices, back to back.</param>
    /// <param name="rows">Rows of each matrix.</param>
    /// <param name="cols">Columns of each matrix.</param>
    /// <param name="count">Matrices in the batch.</param>
    /// <param name="s">Receives count·k values, k = min(rows, cols), each matrix's in descending order.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative.</exception>
    /// <exception cref="ArgumentException">A span does not hold exactly the values the sizes imply.</exception>
    /// <exception cref="ArithmeticException">The bidiagonal QR iteration did not converge for a matrix (named in the message).</exception>
    /// <remarks>
    /// <para>A matrix holding a NaN or an infinity gets NaN singular values; the others are unaffected.</para>
    /// <para>
    /// Precision: backward stable, so each singular value is within a small multiple of ε·S_max of the exact one
    /// (about 1e-15·S_max for 64×64); the bidiagonal phase is relatively accurate, as in LAPACK dbdsqr. The input
    /// is first scaled by a power of two, so results do not overflow or underflow for any finite input.
    /// </para>
    /// <para>Thread-safe; results are bit-identical from run to run whatever the number of cores.</para>
    /// </remarks>
    public static void SingularValues(ReadOnlySpan<double> matrices, int rows, int cols, int count, Span<double> s)
    {
        const string Operation = nameof(BatchedSvd) + "." + nameof(SingularValues);
        CheckSizes(rows, cols, count);
        int k = Math.Min(rows, cols);
        BatchChecks.Length(Operation, nameof(matrices), matrices.Length, count, rows, cols);
        BatchChecks.Length(Operation, nameof(s), s.Length, count, k, 1);
        if (k == 0)
        {
            return;
        }

        unsafe
        {
            fixed (double* input = matrices, output = s)
            {
                nint inputAddress = (nint)input, outputAddress = (nint)output;
                int m = Math.Max(rows, cols);
                int failure = BatchParallel.For(
                    count,
                    Work(m, k),
                    () => new Scratch(m, k, vectors: false),
                    (i, scratch) => ValuesCore(
                        new ReadOnlySpan<double>((double*)inputAddress + (long)i * rows * cols, rows * cols),
                        rows,
                        cols,
                        new Span<double>((double*)outputAddress + (long)i * k, k),
                        scratch));
                ThrowIfFailed(Operation, failure);
            }
        }
    }

    /// <summary>Thin SVD of each matrix in a batch: M = U·diag(S)·Vᵀ.</summary>
    /// <param name="matrices">count row-major rows×cols matrices, back to back.</param>
    /// <param name="rows">Rows of each matrix.</param>
    /// <param name="cols">Columns of each matrix.</param>
    /// <param name="count">Matrices in the batch.</param>
    /// <param name="u">Receives count row-major rows×k matrices U with orthonormal columns, k = min(rows, cols).</param>
    /// <param name="s">Receives count·k singular values, each matrix's in descending order.</param>
    /// <param name="v">Receives count row-major cols×k matrices V (not Vᵀ) with orthonormal columns.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative.</exception>
    /// <exception cref="ArgumentException">A span does not hold exactly the values the sizes imply.</exception>
    /// <exception cref="ArithmeticException">The bidiagonal QR iteration did not converge for a matrix (named in the message).</exception>
    /// <remarks>
    /// <para>
    /// Sign convention: in each column of U the entry of largest magnitude (the first such, on ties) is positive;
    /// the matching column of V carries the compensating sign. Singular vectors of repeated singular values are
    /// determined only up to a rotation within their subspace.
    /// </para>
    /// <para>A matrix holding a NaN or an infinity gets NaN in U, S and V; the others are unaffected.</para>
    /// <para>
    /// Precision: backward stable; ‖U·diag(S)·Vᵀ − M‖ and the departure of U, V from orthonormality are small
    /// multiples of ε·S_max and ε. The singular values are those of <see cref="SingularValues"/>, bit for bit.
    /// </para>
    /// <para>Thread-safe; results are bit-identical from run to run whatever the number of cores.</para>
    /// </remarks>
    public static void Decompose(ReadOnlySpan<double> matrices, int rows, int cols, int count, Span<double> u, Span<double> s, Span<double> v)
    {
        const string Operation = nameof(BatchedSvd) + "." + nameof(Decompose);
        CheckSizes(rows, cols, count);
        int k = Math.Min(rows, cols);
        BatchChecks.Length(Operation, nameof(matrices), matrices.Length, count, rows, cols);
        BatchChecks.Length(Operation, nameof(u), u.Length, count, rows, k);
        BatchChecks.Length(Operation, nameof(s), s.Length, count, k, 1);
        BatchChecks.Length(Operation, nameof(v), v.Length, count, cols, k);
        if (k == 0)
        {
            return;
        }

        unsafe
        {
            fixed (double* input = matrices, uOut = u, sOut = s, vOut = v)
            {
                nint inputAddress = (nint)input, uAddress = (nint)uOut, sAddress = (nint)sOut, vAddress = (nint)vOut;
                int m = Math.Max(rows, cols);
                int failure = BatchParallel.For(
                    count,
                    3 * Work(m, k),
                    () => new Scratch(m, k, vectors: true),
                    (i, scratch) => DecomposeCore(
                        new ReadOnlySpan<double>((double*)inputAddress + (long)i * rows * cols, rows * cols),
                        rows,
                        cols,
                        new Span<double>((double*)uAddress + (long)i * rows * k, rows * k),
                        new Span<double>((double*)sAddress + (long)i * k, k),
                        new Span<double>((double*)vAddress + (long)i * cols * k, cols * k),
                        scratch));
                ThrowIfFailed(Operation, failure);
            }
        }
    }

    private static bool ValuesCore(ReadOnlySpan<double> matrix, int rows, int cols, Span<double> s, Scratch scratch)
    {
        int n = Math.Min(rows, cols);
        double scale = Reduce(matrix, rows, cols, scratch, reflectorStride: 0);
        if (double.IsNaN(scale))
        {
            s.Fill(double.NaN);
            return true;
        }

        Span<double> d = scratch.D.AsSpan(0, n);
        if (!BidiagonalQr.Diagonalize(d, scratch.E.AsSpan(0, n - 1), default, default))
        {
            return false;
        }

        for (int j = 0; j < n; j++)
        {
            s[j] = d[j] * scale;
        }

        return true;
    }

    private static bool DecomposeCore(ReadOnlySpan<double> matrix, int rows, int cols, Span<double> u, Span<double> s, Span<double> v, Scratch scratch)
    {
        int m = Math.Max(rows, cols), n = Math.Min(rows, cols);
        double scale = Reduce(matrix, rows, cols, scratch, reflectorStride: m);
        if (double.IsNaN(scale))
        {
            u.Fill(double.NaN);
            s.Fill(double.NaN);
            v.Fill(double.NaN);
            return true;
        }

        // Rows of qt are left singular vectors of the working matrix, rows of pt right ones.
        Span<double> qt = scratch.Qt.AsSpan(0, n * m), pt = scratch.Pt.AsSpan(0, n * n);
        Bidiagonalization.FormTransposedFactors(
            scratch.A, m, n, scratch.TauQ, scratch.TauP, scratch.Reflectors, qt, pt, scratch.Formed, scratch.Work);
        Span<double> d = scratch.D.AsSpan(0, n);
        if (!BidiagonalQr.Diagonalize(d, scratch.E.AsSpan(0, n - 1), pt, qt))
        {
            return false;
        }

        for (int j = 0; j < n; j++)
        {
            s[j] = d[j] * scale;
        }

        // The working matrix is Mᵀ when M is wide, which swaps the roles of U and V.
        bool transposed = rows < cols;
        Span<double> uRows = transposed ? pt : qt, vRows = transposed ? qt : pt;
        int uLength = transposed ? n : m, vLength = transposed ? m : n;
        for (int j = 0; j < n; j++)
        {
            Span<double> uj = uRows.Slice(j * uLength, uLength);
            int largest = 0;
            for (int i = 1; i < uLength; i++)
            {
                if (Math.Abs(uj[i]) > Math.Abs(uj[largest]))
                {
                    largest = i;
                }
            }

            if (uj[largest] < 0)
            {
                VectorKernels.Scale(-1, uj);
                VectorKernels.Scale(-1, vRows.Slice(j * vLength, vLength));
            }
        }

        MatrixLayout.Transpose(uRows, n, rows, u);
        MatrixLayout.Transpose(vRows, n, cols, v);
        return true;
    }

    /// <summary>Copies the matrix (transposed when wide, so m ≥ n), scales it and bidiagonalizes it.</summary>
    /// <returns>The scale factor of the singular values, NaN for a non-finite matrix.</returns>
    private static double Reduce(ReadOnlySpan<double> matrix, int rows, int cols, Scratch scratch, int reflectorStride)
    {
        int m = Math.Max(rows, cols), n = Math.Min(rows, cols);
        Span<double> a = scratch.A.AsSpan(0, m * n);
        if (rows >= cols)
        {
            matrix.CopyTo(a);
        }
        else
        {
            MatrixLayout.Transpose(matrix, rows, cols, a);
        }

        double scale = MatrixScaling.Normalize(a);
        if (!double.IsNaN(scale))
        {
            Bidiagonalization.Reduce(a, m, n, scratch.D, scratch.E, scratch.TauQ, scratch.TauP, scratch.Reflectors, reflectorStride, scratch.Work);
        }

        return scale;
    }

    private static void CheckSizes(int rows, int cols, int count)
    {
        BatchChecks.NonNegative(rows, nameof(rows));
        BatchChecks.NonNegative(cols, nameof(cols));
        BatchChecks.NonNegative(count, nameof(count));
    }

    private static void ThrowIfFailed(string operation, int failure)
    {
        if (failure >= 0)
        {
            throw new ArithmeticException($"{operation}: the bidiagonal QR iteration did not converge for matrix {failure}.");
        }
    }

    /// <summary>Flops of the bidiagonalization, 4mn² − 4n³/3 (Golub &amp; Van Loan §5.4.3).</summary>
    private static double Work(int m, int n) => 4.0 * m * n * n - 4.0 * n * n * n / 3;

    /// <summary>One thread's buffers for m×n working matrices (m ≥ n).</summary>
    private sealed class Scratch(int m, int n, bool vectors)
    {
        public double[] A { get; } = new double[m * n];
        public double[] D { get; } = new double[n];
        public double[] E { get; } = new double[n];
        public double[] TauQ { get; } = new double[n];
        public double[] TauP { get; } = new double[n];
        public double[] Work { get; } = new double[n];
        public double[] Reflectors { get; } = new double[vectors ? m * n : m];
        public double[] Qt { get; } = vectors ? new double[n * m] : [];
        public double[] Pt { get; } = vectors ? new double[n * n] : [];
        public double[] Formed { get; } = vectors ? new double[m * n] : [];
    }
}
