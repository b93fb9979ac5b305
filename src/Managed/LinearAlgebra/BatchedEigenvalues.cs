using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FactoredGpu.LinearAlgebra;

/// <summary>
/// Eigenvalues (no eigenvectors) of batches of small real, generally non-symmetric, square matrices.
/// </summary>
/// <remarks>
/// Each matrix is balanced (LAPACK dgebal), reduced to upper Hessenberg form by Householder reflections
/// (Golub &amp; Van Loan §7.4, dgehd2) and iterated to real Schur form by the Francis implicit double-shift QR
/// algorithm (Golub &amp; Van Loan §7.5, LAPACK dlahqr) without accumulating any orthogonal factor. Matrices run
/// several at a time in the lanes of one SIMD register (8 with AVX-512, else 4, 2 or 1), each lane with its own
/// active window, shifts and deflation; groups of lanes run in parallel on all cores.
/// </remarks>
public static class BatchedEigenvalues
{
    /// <summary>Computes the eigenvalues of <paramref name="count"/> real <paramref name="n"/>×<paramref name="n"/> matrices.</summary>
    /// <param name="matrices">The matrices, row-major, one after another: <c>count·n·n</c> values.</param>
    /// <param name="n">The order of every matrix.</param>
    /// <param name="count">The number of matrices.</param>
    /// <param name="real">Receives the real parts, <c>n</c> per matrix: <c>count·n</c> values.</param>
    /// <param name="imag">Receives the imaginary parts, laid out as <paramref name="real"/>.</param>
    /// <remarks>
    /// <para>
    /// Within a matrix the eigenvalues are ordered by descending real part, then descending imaginary part, so a
    /// complex conjugate pair appears with its positive imaginary part first; both members carry the same real part.
    /// </para>
    /// <para>
    /// Precision: backward stable — the computed eigenvalues are exact for a matrix within a few multiples of
    /// n·ε·‖A‖ of the input (ε = 2⁻⁵²), like LAPACK dgeev. Well-separated eigenvalues are therefore accurate to about
    /// that absolute size; ill-conditioned ones (defective or nearly so) lose accuracy as their condition number says:
    /// a Jordan block of size k perturbs by about (ε·‖A‖)^(1/k).
    /// </para>
    /// <para>
    /// A matrix with a NaN or infinite entry gets NaN for all its eigenvalues; the other matrices are unaffected.
    /// The results are bit-identical from run to run and independent of the number of cores.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> or <paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException">A span's length is not the one that <paramref name="n"/> and <paramref name="count"/> call for.</exception>
    /// <exception cref="ArithmeticException">
    /// The QR iteration did not converge for a matrix within 30·max(10, n) iterations of one active block (dlahqr's
    /// limit); the message names the lowest such matrix index. Outputs are then incomplete.
    /// </exception>
    public static void Compute(ReadOnlySpan<double> matrices, int n, int count, Span<double> real, Span<double> imag)
    {
        Validate(matrices.Length, n, count, real.Length, imag.Length);
        Dispatch(matrices, n, count, real, imag, LaneHessenbergEigenvalues.DefaultIterationLimit(n));
    }

    /// <summary>Computes the eigenvalues of <paramref name="count"/> real single-precision matrices, working in double precision.</summary>
    /// <param name="matrices">The matrices, row-major, one after another: <c>count·n·n</c> values.</param>
    /// <param name="n">The order of every matrix.</param>
    /// <param name="count">The number of matrices.</param>
    /// <param name="real">Receives the real parts, <c>n</c> per matrix: <c>count·n</c> values.</param>
    /// <param name="imag">Receives the imaginary parts, laid out as <paramref name="real"/>.</param>
    /// <remarks>
    /// The input is widened to double exactly and the eigenvalues of the widened matrices are rounded once to float,
    /// so they are as accurate as the float input determines them. Ordering and NaN handling are those of
    /// <see cref="Compute(ReadOnlySpan{double}, int, int, Span{double}, Span{double})"/>.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> or <paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException">A span's length is not the one that <paramref name="n"/> and <paramref name="count"/> call for.</exception>
    /// <exception cref="ArithmeticException">The QR iteration did not converge for a matrix (see the double overload).</exception>
    public static void Compute(ReadOnlySpan<float> matrices, int n, int count, Span<float> real, Span<float> imag)
    {
        Validate(matrices.Length, n, count, real.Length, imag.Length);
        int values = count * n;
        double[] buffer = ArrayPool<double>.Shared.Rent(matrices.Length + (2 * values));
        try
        {
            Span<double> wide = buffer.AsSpan(0, matrices.Length);
            Span<double> wideReal = buffer.AsSpan(matrices.Length, values);
            Span<double> wideImag = buffer.AsSpan(matrices.Length + values, values);
            for (int i = 0; i < matrices.Length; i++)
            {
                wide[i] = matrices[i];
            }

            Dispatch(wide, n, count, wideReal, wideImag, LaneHessenbergEigenvalues.DefaultIterationLimit(n));
            for (int i = 0; i < values; i++)
            {
                real[i] = (float)wideReal[i];
                imag[i] = (float)wideImag[i];
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    private static void Validate(int matricesLength, int n, int count, int realLength, int imagLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        long expectedMatrices = (long)count * n * n;
        long expectedValues = (long)count * n;
        if (matricesLength != expectedMatrices)
        {
            throw new ArgumentException($"matrices must hold count·n·n = {count}·{n}·{n} = {expectedMatrices} values, not {matricesLength}.", "matrices");
        }

        if (realLength != expectedValues)
        {
            throw new ArgumentException($"real must hold count·n = {count}·{n} = {expectedValues} values, not {realLength}.", "real");
        }

        if (imagLength != expectedValues)
        {
            throw new ArgumentException($"imag must hold count·n = {count}·{n} = {expectedValues} values, not {imagLength}.", "imag");
        }
    }

    /// <summary>Runs the widest lane count the hardware accelerates.</summary>
    private static void Dispatch(ReadOnlySpan<double> matrices, int n, int count, Span<double> real, Span<double> imag, int iterationLimit)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Compute<Vector512<double>, Vector512Lanes>(matrices, n, count, real, imag, iterationLimit);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Compute<Vector256<double>, Vector256Lanes>(matrices, n, count, real, imag, iterationLimit);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Compute<Vector128<double>, Vector128Lanes>(matrices, n, count, real, imag, iterationLimit);
        }
        else
        {
            Compute<double, ScalarLane>(matrices, n, count, real, imag, iterationLimit);
        }
    }

    /// <summary>The whole computation for one lane width, with an explicit iteration limit (tests use both).</summary>
    internal static unsafe void Compute<TVec, TOps>(ReadOnlySpan<double> matrices, int n, int count, Span<double> real, Span<double> imag, int iterationLimit)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        if (n == 0 || count == 0)
        {
            return;
        }

        int lanes = TOps.Count;
        int groups = (count + lanes - 1) / lanes;
        int[] failures = new int[groups];
        var layout = new GroupLayout(n, lanes);
        fixed (double* matricesAt = matrices, realAt = real, imagAt = imag)
        {
            // Spans cannot enter the lambda; the buffers stay pinned until Parallel.For returns.
            nint input = (nint)matricesAt, realOutput = (nint)realAt, imagOutput = (nint)imagAt;
            int inputLength = matrices.Length, outputLength = real.Length;
            Parallel.For(
                0,
                groups,
                () => ArrayPool<double>.Shared.Rent(layout.WorkspaceLength),
                (group, _, workspace) =>
                {
                    failures[group] = ComputeGroup<TVec, TOps>(
                        new ReadOnlySpan<double>((void*)input, inputLength), count, group, layout, workspace, iterationLimit,
                        new Span<double>((void*)realOutput, outputLength), new Span<double>((void*)imagOutput, outputLength));
                    return workspace;
                },
                workspace => ArrayPool<double>.Shared.Return(workspace));
        }

        foreach (int failure in failures)
        {
            if (failure >= 0)
            {
                throw new ArithmeticException(
                    $"The QR iteration did not converge for matrix {failure} within {iterationLimit} iterations of one active block.");
            }
        }
    }

    /// <summary>
    /// Eigenvalues of the matrices <c>group·lanes …</c> (lanes past <paramref name="count"/> hold zero matrices).
    /// Returns the first matrix index that did not converge, or −1.
    /// </summary>
    private static int ComputeGroup<TVec, TOps>(ReadOnlySpan<double> matrices, int count, int group, GroupLayout layout, double[] workspace,
        int iterationLimit, Span<double> real, Span<double> imag)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        int n = layout.Order, lanes = layout.Lanes, stride = layout.Stride;
        Span<double> h = workspace.AsSpan(0, layout.MatrixLength);
        Span<double> scratch1 = workspace.AsSpan(layout.MatrixLength, n * lanes);
        Span<double> scratch2 = workspace.AsSpan(layout.MatrixLength + (n * lanes), n * lanes);
        Span<double> scratch3 = workspace.AsSpan(layout.MatrixLength + (2 * n * lanes), n * lanes);
        Span<double> laneReal = workspace.AsSpan(layout.MatrixLength + (3 * n * lanes), n * lanes);
        Span<double> laneImag = workspace.AsSpan(layout.MatrixLength + (4 * n * lanes), n * lanes);
        Span<double> laneValues = stackalloc double[lanes];
        Span<int> exponents = stackalloc int[lanes];

        // Interleave: element (i, j) of lane ℓ at (i·stride + j)·lanes + ℓ, the padding rows and columns zero.
        h.Clear();
        int first = group * lanes;
        int active = Math.Min(lanes, count - first);
        for (int lane = 0; lane < active; lane++)
        {
            ReadOnlySpan<double> source = matrices.Slice((first + lane) * n * n, n * n);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    h[(((i * stride) + j) * lanes) + lane] = source[(i * n) + j];
                }
            }
        }

        int finiteLanes = ClearNonFiniteLanes<TVec, TOps>(h, n, stride, laneValues);
        ScaleToUnitMaximum<TVec, TOps>(h, n, stride, laneValues, exponents);
        LaneBalancing.Balance<TVec, TOps>(h, n, stride, scratch1);
        LaneHessenbergReduction.Reduce<TVec, TOps>(h, n, stride, scratch1, scratch2, scratch3);
        int failed = LaneHessenbergEigenvalues.Compute<TVec, TOps>(h, n, stride, laneReal, laneImag, iterationLimit);

        int firstFailure = -1;
        for (int lane = 0; lane < active; lane++)
        {
            Span<double> re = real.Slice((first + lane) * n, n);
            Span<double> im = imag.Slice((first + lane) * n, n);
            if ((finiteLanes & (1 << lane)) == 0)
            {
                re.Fill(double.NaN);
                im.Fill(double.NaN);
                continue;
            }

            if ((failed & (1 << lane)) != 0 && firstFailure < 0)
            {
                firstFailure = first + lane;
            }

            for (int i = 0; i < n; i++)
            {
                re[i] = Math.ScaleB(laneReal[(lane * n) + i], exponents[lane]);
                im[i] = Math.ScaleB(laneImag[(lane * n) + i], exponents[lane]);
            }

            SortDescending(re, im);
        }

        return firstFailure;
    }

    /// <summary>Zeroes every lane that holds a NaN or an infinity; returns a bit mask of the finite lanes.</summary>
    private static int ClearNonFiniteLanes<TVec, TOps>(Span<double> h, int n, int stride, Span<double> laneValues)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        nuint lanes = (nuint)TOps.Count;
        ref double h0 = ref MemoryMarshal.GetReference(h);
        TVec zero = TOps.Create(0.0);

        // x − x is 0 for finite x and NaN otherwise.
        TVec finite = TOps.Equals(zero, zero);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                TVec x = TOps.Load(ref h0, (nuint)((i * stride) + j) * lanes);
                finite = TOps.And(finite, TOps.Equals(TOps.Subtract(x, x), zero));
            }
        }

        TOps.Store(finite, ref MemoryMarshal.GetReference(laneValues), 0);
        int mask = 0;
        for (int lane = 0; lane < laneValues.Length; lane++)
        {
            mask |= BitConverter.DoubleToInt64Bits(laneValues[lane]) != 0 ? 1 << lane : 0;
        }

        if (mask != (1 << laneValues.Length) - 1)
        {
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    nuint at = (nuint)((i * stride) + j) * lanes;
                    TOps.Store(TOps.And(TOps.Load(ref h0, at), finite), ref h0, at);
                }
            }
        }

        return mask;
    }

    /// <summary>
    /// Scales each lane by a power of two so that its largest magnitude lies in [1, 2): exact, and it keeps the
    /// squared norms of the Householder reflections far from overflow and underflow. Returns the exponents that undo it.
    /// </summary>
    private static void ScaleToUnitMaximum<TVec, TOps>(Span<double> h, int n, int stride, Span<double> laneValues, Span<int> exponents)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        nuint lanes = (nuint)TOps.Count;
        ref double h0 = ref MemoryMarshal.GetReference(h);
        TVec maximum = TOps.Create(0.0);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                maximum = TOps.Max(maximum, TOps.Abs(TOps.Load(ref h0, (nuint)((i * stride) + j) * lanes)));
            }
        }

        TOps.Store(maximum, ref MemoryMarshal.GetReference(laneValues), 0);
        for (int lane = 0; lane < laneValues.Length; lane++)
        {
            exponents[lane] = laneValues[lane] > 0.0 ? Math.ILogB(laneValues[lane]) : 0;
            laneValues[lane] = Math.ScaleB(1.0, -exponents[lane]);
        }

        TVec factor = TOps.Load(ref MemoryMarshal.GetReference(laneValues), 0);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                nuint at = (nuint)((i * stride) + j) * lanes;
                TOps.Store(TOps.Multiply(TOps.Load(ref h0, at), factor), ref h0, at);
            }
        }
    }

    /// <summary>Insertion sort by descending real part, then descending imaginary part (n is small).</summary>
    private static void SortDescending(Span<double> real, Span<double> imag)
    {
        for (int i = 1; i < real.Length; i++)
        {
            double re = real[i], im = imag[i];
            int j = i - 1;
            while (j >= 0 && (real[j] < re || (real[j] == re && imag[j] < im)))
            {
                real[j + 1] = real[j];
                imag[j + 1] = imag[j];
                j--;
            }

            real[j + 1] = re;
            imag[j + 1] = im;
        }
    }

    /// <summary>Sizes of one group's workspace: interleaved matrices with the padding the QR sweep needs, and lane vectors.</summary>
    private readonly record struct GroupLayout(int Order, int Lanes)
    {
        public int Stride => Order + LaneHessenbergEigenvalues.ChunkSteps;

        public int MatrixLength => Stride * Stride * Lanes;

        public int WorkspaceLength => MatrixLength + (5 * Order * Lanes);
    }
}
