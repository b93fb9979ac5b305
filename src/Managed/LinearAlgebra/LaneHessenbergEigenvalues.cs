using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FactoredGpu.LinearAlgebra;

/// <summary>
/// Eigenvalues of lane-interleaved upper Hessenberg matrices by the Francis implicit double-shift QR iteration,
/// values only (Golub &amp; Van Loan, Algorithm 7.5.2 with the deflation and shift strategy of LAPACK dlahqr).
/// </summary>
/// <remarks>
/// <para>
/// Each lane keeps its own active window <c>[top, bottom]</c> (dlahqr's L and I), its own deflation and its own
/// shifts; the bookkeeping is scalar. The bulge chase is vectorized across lanes: step <c>k</c> runs over the union
/// of the windows, and a lane whose window does not contain <c>k</c> gets the identity reflector (τ = 0, v = 0),
/// which leaves its entries unchanged bit for bit.
/// </para>
/// <para>
/// Without eigenvectors only the active block matters (dlahqr with WANTT = false), and touching more than it is
/// harmless: the union ranges reach only rows above a lane's window and columns right of it (blocks that do not
/// change its eigenvalues), and rows below it whose entries in the window's columns are exact zeros — every
/// deflated subdiagonal is set to zero, as dlahqr does. Each matrix needs <see cref="ChunkSteps"/> zero rows and
/// columns of padding, so that the last 2×2 reflector of a sweep can be applied as a 3×3 one with v₃ = 0 and a
/// short chunk as a full one with identity reflectors.
/// </para>
/// </remarks>
internal static class LaneHessenbergEigenvalues
{
    /// <summary>Iterations without deflation between exceptional shifts (dlahqr's KEXSH).</summary>
    private const int ExceptionalShiftPeriod = 10;

    /// <summary>dlahqr's DAT1 and DAT2, the ad hoc exceptional shift.</summary>
    private const double ExceptionalDiagonal = 0.75, ExceptionalOffDiagonal = -0.4375;

    /// <summary>Bulge-chasing steps whose updates away from the diagonal are applied together (see <see cref="Sweep"/>).</summary>
    public const int ChunkSteps = 4;

    /// <summary>Values stored per reflector of a chunk: v₂, v₃, −τ, −τv₂, −τv₃.</summary>
    private const int ReflectorValues = 5;

    /// <summary>dlahqr's ITMAX: iterations allowed for one active block before giving up.</summary>
    public static int DefaultIterationLimit(int n) => 30 * Math.Max(10, n);

    /// <summary>Computes all eigenvalues of every lane.</summary>
    /// <param name="h">The interleaved Hessenberg matrices, <c>stride·stride·Count</c> doubles with zero padding; destroyed.</param>
    /// <param name="n">The order of the matrices.</param>
    /// <param name="stride">The leading dimension, at least <c>n + ChunkSteps</c>.</param>
    /// <param name="real">Receives the real parts, lane after lane (<c>real[lane·n + i]</c>).</param>
    /// <param name="imaginary">Receives the imaginary parts, laid out as <paramref name="real"/>.</param>
    /// <param name="iterationLimit">The iterations allowed per active block.</param>
    /// <returns>A bit mask of the lanes that did not converge; their eigenvalues are incomplete.</returns>
    public static int Compute<TVec, TOps>(Span<double> h, int n, int stride, Span<double> real, Span<double> imaginary, int iterationLimit)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        int lanes = TOps.Count;
        Span<int> bottom = stackalloc int[lanes];
        Span<int> top = stackalloc int[lanes];
        Span<int> iterations = stackalloc int[lanes];
        Span<double> window = stackalloc double[5 * lanes];
        bottom.Fill(n - 1);
        top.Clear();
        iterations.Clear();
        int failed = 0;

        while (true)
        {
            Deflate<TVec, TOps>(h, n, stride, top, bottom, iterations, real, imaginary, window);
            int first = n, last = -1;
            for (int lane = 0; lane < lanes; lane++)
            {
                if (bottom[lane] >= 0 && iterations[lane] == iterationLimit)
                {
                    failed |= 1 << lane;
                    bottom[lane] = -1;
                }

                if (bottom[lane] < 0)
                {
                    // Finished (or failed): an empty window, so every step of the sweep is the identity here.
                    window[lane] = -1.0;
                    window[lanes + lane] = -1.0;
                    continue;
                }

                iterations[lane]++;
                window[lane] = top[lane];
                window[lanes + lane] = bottom[lane];
                FirstColumnOfShiftPolynomial(new LaneMatrix(h, stride, lanes, lane), top[lane], bottom[lane], iterations[lane],
                    out window[(2 * lanes) + lane], out window[(3 * lanes) + lane], out window[(4 * lanes) + lane]);
                first = Math.Min(first, top[lane]);
                last = Math.Max(last, bottom[lane]);
            }

            if (last < 0)
            {
                return failed;
            }

            Sweep<TVec, TOps>(h, stride, first, last, window);
        }
    }

    /// <summary>
    /// Deflates every lane as far as possible: dlahqr's search for the lowest negligible subdiagonal in each window
    /// (vectorized across lanes), then the 1×1 and 2×2 cases (scalar), until each window is empty or at least 3×3.
    /// Iteration counts restart at each deflation, as in dlahqr.
    /// </summary>
    private static void Deflate<TVec, TOps>(Span<double> h, int n, int stride, Span<int> top, Span<int> bottom, Span<int> iterations,
        Span<double> real, Span<double> imaginary, Span<double> scratch)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        int lanes = TOps.Count;
        Span<double> topValues = scratch[..lanes];
        Span<double> bottomValues = scratch.Slice(lanes, lanes);
        Span<double> split = scratch.Slice(2 * lanes, lanes);
        bool deflated = true;
        while (deflated)
        {
            int scanTop = n, scanBottom = -1;
            for (int lane = 0; lane < lanes; lane++)
            {
                topValues[lane] = bottom[lane] < 0 ? -1.0 : top[lane];
                bottomValues[lane] = bottom[lane];
                if (bottom[lane] >= 0)
                {
                    scanTop = Math.Min(scanTop, top[lane]);
                    scanBottom = Math.Max(scanBottom, bottom[lane]);
                }
            }

            FindSplits<TVec, TOps>(h, n, stride, scanTop, scanBottom, topValues, bottomValues, split);
            deflated = false;
            for (int lane = 0; lane < lanes; lane++)
            {
                int i = bottom[lane];
                if (i < 0)
                {
                    continue;
                }

                var matrix = new LaneMatrix(h, stride, lanes, lane);
                int l = (int)split[lane];
                top[lane] = l;
                if (l > 0)
                {
                    matrix[l, l - 1] = 0.0;
                }

                if (l < i - 1)
                {
                    continue;
                }

                if (l == i)
                {
                    real[(lane * n) + i] = matrix[i, i];
                    imaginary[(lane * n) + i] = 0.0;
                }
                else
                {
                    TwoByTwoEigenvalues.Compute(matrix[i - 1, i - 1], matrix[i - 1, i], matrix[i, i - 1], matrix[i, i],
                        out real[(lane * n) + i - 1], out imaginary[(lane * n) + i - 1], out real[(lane * n) + i], out imaginary[(lane * n) + i]);
                }

                bottom[lane] = l - 1;
                top[lane] = 0;
                iterations[lane] = 0;
                deflated = true;
            }
        }
    }

    /// <summary>
    /// For each lane, the largest k in <c>(top, bottom]</c> whose subdiagonal H(k, k−1) is negligible, else top
    /// (lanes with an empty window get top). The test is dlahqr's: negligible against the diagonal neighbours, then
    /// the conservative criterion of Ahues &amp; Tisseur (LAWN 122), which keeps small eigenvalues relatively accurate.
    /// </summary>
    private static void FindSplits<TVec, TOps>(Span<double> h, int n, int stride, int scanTop, int scanBottom,
        ReadOnlySpan<double> topValues, ReadOnlySpan<double> bottomValues, Span<double> split)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        nuint width = (nuint)TOps.Count;
        nuint rowStride = (nuint)stride * width;
        ref double h0 = ref MemoryMarshal.GetReference(h);
        TVec zero = TOps.Create(0.0);
        TVec precision = TOps.Create(MachineParameters.Precision);
        TVec safeSmall = TOps.Create(MachineParameters.SafeMinimum * (n / MachineParameters.Precision));
        TVec top = TOps.Load(ref MemoryMarshal.GetReference(topValues), 0);
        TVec bottom = TOps.Load(ref MemoryMarshal.GetReference(bottomValues), 0);
        TVec found = top;
        TVec searching = TOps.Equals(zero, zero);
        for (int k = scanBottom; k > scanTop; k--)
        {
            nuint row = (nuint)k * rowStride, above = row - rowStride;
            nuint column = (nuint)k * width, left = column - width;
            TVec subdiagonal = TOps.Abs(TOps.Load(ref h0, row + left));
            TVec diagonal = TOps.Load(ref h0, row + column);
            TVec previousDiagonal = TOps.Load(ref h0, above + left);
            TVec neighbours = TOps.Add(TOps.Abs(previousDiagonal), TOps.Abs(diagonal));
            TVec outer = zero;
            if (k >= 2)
            {
                outer = TOps.Abs(TOps.Load(ref h0, above + left - width));
            }

            if (k + 1 < n)
            {
                outer = TOps.Add(outer, TOps.Abs(TOps.Load(ref h0, row + rowStride + column)));
            }

            neighbours = TOps.Select(TOps.Equals(neighbours, zero), TOps.Add(neighbours, outer), neighbours);

            TVec step = TOps.Create(k);
            TVec open = TOps.And(TOps.AndNot(TOps.LessThanOrEqual(step, bottom), TOps.LessThanOrEqual(step, top)), searching);
            TVec negligible = TOps.LessThanOrEqual(subdiagonal, safeSmall);
            TVec candidate = TOps.And(TOps.AndNot(TOps.LessThanOrEqual(subdiagonal, TOps.Multiply(precision, neighbours)), negligible), open);

            // The conservative test (two divisions) only where the first one passed, which is rare: near a deflation.
            if (TOps.Any(candidate))
            {
                TVec superdiagonal = TOps.Abs(TOps.Load(ref h0, above + column));
                TVec ab = TOps.Max(subdiagonal, superdiagonal), ba = TOps.Min(subdiagonal, superdiagonal);
                TVec difference = TOps.Abs(TOps.Subtract(previousDiagonal, diagonal));
                TVec aa = TOps.Max(TOps.Abs(diagonal), difference), bb = TOps.Min(TOps.Abs(diagonal), difference);
                TVec s = TOps.Add(aa, ab);
                TVec conservative = TOps.LessThanOrEqual(
                    TOps.Multiply(ba, TOps.Divide(ab, s)),
                    TOps.Max(safeSmall, TOps.Multiply(precision, TOps.Multiply(bb, TOps.Divide(aa, s)))));
                negligible = TOps.Or(negligible, TOps.And(candidate, conservative));
            }

            TVec hit = TOps.And(negligible, open);
            found = TOps.Select(hit, step, found);
            searching = TOps.AndNot(searching, hit);
        }

        TOps.Store(found, ref MemoryMarshal.GetReference(split), 0);
    }

    /// <summary>
    /// The Wilkinson double shift from the trailing 2×2 block (an exceptional shift every tenth iteration without
    /// deflation), and the first column of <c>(H − σ₁I)(H − σ₂I)</c> at the top of the window, scaled to avoid
    /// overflow (dlahqr; two real shifts are replaced by the one closer to H(i, i), twice).
    /// </summary>
    private static void FirstColumnOfShiftPolynomial(LaneMatrix h, int l, int i, int iteration, out double v1, out double v2, out double v3)
    {
        double h11, h12, h21, h22;
        if (iteration % (2 * ExceptionalShiftPeriod) == 0)
        {
            double s = Math.Abs(h[i, i - 1]) + Math.Abs(h[i - 1, i - 2]);
            h11 = (ExceptionalDiagonal * s) + h[i, i];
            h12 = ExceptionalOffDiagonal * s;
            h21 = s;
            h22 = h11;
        }
        else if (iteration % ExceptionalShiftPeriod == 0)
        {
            double s = Math.Abs(h[l + 1, l]) + Math.Abs(h[l + 2, l + 1]);
            h11 = (ExceptionalDiagonal * s) + h[l, l];
            h12 = ExceptionalOffDiagonal * s;
            h21 = s;
            h22 = h11;
        }
        else
        {
            h11 = h[i - 1, i - 1];
            h21 = h[i, i - 1];
            h12 = h[i - 1, i];
            h22 = h[i, i];
        }

        double rt1r = 0.0, rt1i = 0.0, rt2r = 0.0, rt2i = 0.0;
        double scale = Math.Abs(h11) + Math.Abs(h12) + Math.Abs(h21) + Math.Abs(h22);
        if (scale != 0.0)
        {
            h11 /= scale;
            h21 /= scale;
            h12 /= scale;
            h22 /= scale;
            double trace = (h11 + h22) / 2.0;
            double det = ((h11 - trace) * (h22 - trace)) - (h12 * h21);
            double discriminant = Math.Sqrt(Math.Abs(det));
            if (det >= 0.0)
            {
                rt1r = trace * scale;
                rt2r = rt1r;
                rt1i = discriminant * scale;
                rt2i = -rt1i;
            }
            else
            {
                rt1r = trace + discriminant;
                rt2r = trace - discriminant;
                rt1r = Math.Abs(rt1r - h22) <= Math.Abs(rt2r - h22) ? rt1r * scale : rt2r * scale;
                rt2r = rt1r;
            }
        }

        double hll = h[l, l];
        double s1 = Math.Abs(hll - rt2r) + Math.Abs(rt2i) + Math.Abs(h[l + 1, l]);
        double h21s = h[l + 1, l] / s1;
        v1 = (h21s * h[l, l + 1]) + ((hll - rt1r) * ((hll - rt2r) / s1)) - (rt1i * (rt2i / s1));
        v2 = h21s * (hll + h[l + 1, l + 1] - rt1r - rt2r);
        v3 = h21s * h[l + 2, l + 1];
        double s2 = Math.Abs(v1) + Math.Abs(v2) + Math.Abs(v3);
        if (s2 == 0.0)
        {
            // Every product underflowed: an identity first reflector (no NaN); the next shift differs.
            (v1, s2) = (1.0, 1.0);
        }

        v1 /= s2;
        v2 /= s2;
        v3 /= s2;
    }

    /// <summary>
    /// One implicit double-shift sweep (Golub &amp; Van Loan, Algorithm 7.5.1) for every lane at once, over steps
    /// <c>first … last − 1</c>. <paramref name="window"/> holds, per lane, top, bottom (−1 for idle lanes) and the
    /// first column of the shift polynomial.
    /// </summary>
    /// <remarks>
    /// The steps run in chunks of <see cref="ChunkSteps"/> (the delayed update of LAPACK dlaqr5, kept in registers
    /// instead of a GEMM): each reflector is applied at once only to the small block near the diagonal that the next
    /// reflectors read, and the whole chunk is applied afterwards to the rows above it and the columns right of it,
    /// one strip at a time, so those entries make one trip through memory per chunk instead of one per step.
    /// </remarks>
    private static void Sweep<TVec, TOps>(Span<double> h, int stride, int first, int last, ReadOnlySpan<double> window)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        int lanes = TOps.Count;
        nuint width = (nuint)lanes;
        nuint rowStride = (nuint)stride * width;
        ref double h0 = ref MemoryMarshal.GetReference(h);
        ref double w0 = ref MemoryMarshal.GetReference(window);
        Span<double> chunk = stackalloc double[ReflectorValues * ChunkSteps * lanes];
        ref double c0 = ref MemoryMarshal.GetReference(chunk);
        TVec zero = TOps.Create(0.0);
        TVec top = TOps.Load(ref w0, 0);
        TVec bottom = TOps.Load(ref w0, width);
        TVec start1 = TOps.Load(ref w0, 2 * width);
        TVec start2 = TOps.Load(ref w0, 3 * width);
        TVec start3 = TOps.Load(ref w0, 4 * width);
        TVec lastStep = TOps.Subtract(bottom, TOps.Create(1.0));

        for (int chunkStart = first; chunkStart < last; chunkStart += ChunkSteps)
        {
            int chunkEnd = Math.Min(chunkStart + ChunkSteps, last);
            int nearEnd = Math.Min(chunkEnd + 1, last);
            chunk.Clear();
            for (int k = chunkStart; k < chunkEnd; k++)
            {
                TVec step = TOps.Create(k);
                TVec isStart = TOps.Equals(step, top);
                TVec inWindow = TOps.AndNot(TOps.LessThan(step, bottom), TOps.LessThan(step, top));
                TVec isLast = TOps.Equals(step, lastStep);
                nuint row1 = (nuint)k * rowStride, row2 = row1 + rowStride, row3 = row2 + rowStride;

                // The reflector's vector: the shift polynomial's column at the top of a window, else the bulge in
                // column k − 1; on a window's last step the reflector is 2×2 (v₃ = 0).
                TVec v1 = start1, v2 = start2, v3 = start3;
                TVec bulge1 = zero, bulge2 = zero, bulge3 = zero;
                nuint previous = (nuint)Math.Max(k - 1, 0) * width;
                if (k > 0)
                {
                    bulge1 = TOps.Load(ref h0, row1 + previous);
                    bulge2 = TOps.Load(ref h0, row2 + previous);
                    bulge3 = TOps.Load(ref h0, row3 + previous);
                    v1 = TOps.Select(isStart, start1, bulge1);
                    v2 = TOps.Select(isStart, start2, bulge2);
                    v3 = TOps.Select(isStart, start3, bulge3);
                }

                v3 = TOps.AndNot(v3, isLast);
                TVec s = LaneHouseholder.Scale<TVec, TOps>(TOps.Max(TOps.Abs(v1), TOps.Max(TOps.Abs(v2), TOps.Abs(v3))), out TVec inverse);
                TVec w2 = TOps.Multiply(v2, inverse), w3 = TOps.Multiply(v3, inverse);
                LaneHouseholder.Generate<TVec, TOps>(v1, TOps.MultiplyAdd(w2, w2, TOps.Multiply(w3, w3)), s, inverse, out TVec beta, out TVec tau, out TVec scale);
                if (k > 0)
                {
                    TVec interior = TOps.AndNot(inWindow, isStart);
                    TOps.Store(TOps.Select(interior, beta, bulge1), ref h0, row1 + previous);
                    TOps.Store(TOps.Select(interior, zero, bulge2), ref h0, row2 + previous);
                    TOps.Store(TOps.Select(TOps.AndNot(interior, isLast), zero, bulge3), ref h0, row3 + previous);
                }

                // Lanes outside their window get τ = 0 and v = 0: the identity, exactly.
                tau = TOps.And(tau, inWindow);
                v2 = TOps.And(TOps.Multiply(w2, scale), inWindow);
                v3 = TOps.And(TOps.Multiply(w3, scale), inWindow);
                TVec minusTau = TOps.Negate(tau);
                nuint slot = (nuint)((k - chunkStart) * ReflectorValues) * width;
                TOps.Store(v2, ref c0, slot);
                TOps.Store(v3, ref c0, slot + width);
                TOps.Store(minusTau, ref c0, slot + (2 * width));
                TOps.Store(TOps.Multiply(minusTau, v2), ref c0, slot + (3 * width));
                TOps.Store(TOps.Multiply(minusTau, v3), ref c0, slot + (4 * width));

                // Near the diagonal now: P·H on rows k … k+2, columns k … nearEnd; H·P on columns k … k+2, rows chunkStart … k+3.
                ReflectStrips<TVec, TOps>(ref h0, row1 + ((nuint)k * width), rowStride, width, nearEnd - k + 1, ref c0, slot);
                ReflectStrips<TVec, TOps>(ref h0, ((nuint)chunkStart * rowStride) + ((nuint)k * width), width, rowStride,
                    Math.Min(k + 3, last) - chunkStart + 1, ref c0, slot);
            }

            // Delayed: the chunk's reflectors (unused slots are the identity) on columns nearEnd+1 … last and rows first … chunkStart−1.
            ReflectChunkStrips<TVec, TOps>(ref h0, ((nuint)chunkStart * rowStride) + ((nuint)(nearEnd + 1) * width), rowStride, width, last - nearEnd, ref c0);
            ReflectChunkStrips<TVec, TOps>(ref h0, ((nuint)first * rowStride) + ((nuint)chunkStart * width), width, rowStride, chunkStart - first, ref c0);
        }
    }

    /// <summary>
    /// Applies one 3×3 reflector to <paramref name="strips"/> strips of three elements (<paramref name="elementStride"/>
    /// apart; a column strip for P·H, a row strip for H·P).
    /// </summary>
    private static void ReflectStrips<TVec, TOps>(ref double h0, nuint start, nuint elementStride, nuint stripStride, int strips, ref double reflectors, nuint slot)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        nuint width = (nuint)TOps.Count;
        TVec v2 = TOps.Load(ref reflectors, slot), v3 = TOps.Load(ref reflectors, slot + width);
        TVec t1 = TOps.Load(ref reflectors, slot + (2 * width)), t2 = TOps.Load(ref reflectors, slot + (3 * width)), t3 = TOps.Load(ref reflectors, slot + (4 * width));
        for (int s = 0; s < strips; s++)
        {
            nuint at = start + ((nuint)s * stripStride);
            TVec x1 = TOps.Load(ref h0, at), x2 = TOps.Load(ref h0, at + elementStride), x3 = TOps.Load(ref h0, at + (2 * elementStride));
            Reflect<TVec, TOps>(ref x1, ref x2, ref x3, v2, v3, t1, t2, t3);
            TOps.Store(x1, ref h0, at);
            TOps.Store(x2, ref h0, at + elementStride);
            TOps.Store(x3, ref h0, at + (2 * elementStride));
        }
    }

    /// <summary>
    /// Applies the <see cref="ChunkSteps"/> reflectors of a chunk, in order, to strips of <c>ChunkSteps + 2</c>
    /// elements held in registers (reflector r acts on elements r … r+2).
    /// </summary>
    /// <remarks>
    /// The 20 reflector values are loaded into registers once, before the strips: inside the loop the JIT would reload
    /// them for every strip (the stores to H may alias them), and 26 loads per 20 multiply-adds made the loop
    /// load-bound; now a strip costs 6 loads and 6 stores.
    /// </remarks>
    private static void ReflectChunkStrips<TVec, TOps>(ref double h0, nuint start, nuint elementStride, nuint stripStride, int strips, ref double reflectors)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        nuint width = (nuint)TOps.Count;
        TVec a2 = TOps.Load(ref reflectors, 0), a3 = TOps.Load(ref reflectors, width);
        TVec aT1 = TOps.Load(ref reflectors, 2 * width), aT2 = TOps.Load(ref reflectors, 3 * width), aT3 = TOps.Load(ref reflectors, 4 * width);
        TVec b2 = TOps.Load(ref reflectors, 5 * width), b3 = TOps.Load(ref reflectors, 6 * width);
        TVec bT1 = TOps.Load(ref reflectors, 7 * width), bT2 = TOps.Load(ref reflectors, 8 * width), bT3 = TOps.Load(ref reflectors, 9 * width);
        TVec c2 = TOps.Load(ref reflectors, 10 * width), c3 = TOps.Load(ref reflectors, 11 * width);
        TVec cT1 = TOps.Load(ref reflectors, 12 * width), cT2 = TOps.Load(ref reflectors, 13 * width), cT3 = TOps.Load(ref reflectors, 14 * width);
        TVec d2 = TOps.Load(ref reflectors, 15 * width), d3 = TOps.Load(ref reflectors, 16 * width);
        TVec dT1 = TOps.Load(ref reflectors, 17 * width), dT2 = TOps.Load(ref reflectors, 18 * width), dT3 = TOps.Load(ref reflectors, 19 * width);
        for (int s = 0; s < strips; s++)
        {
            nuint at = start + ((nuint)s * stripStride);
            TVec x0 = TOps.Load(ref h0, at);
            TVec x1 = TOps.Load(ref h0, at + elementStride);
            TVec x2 = TOps.Load(ref h0, at + (2 * elementStride));
            TVec x3 = TOps.Load(ref h0, at + (3 * elementStride));
            TVec x4 = TOps.Load(ref h0, at + (4 * elementStride));
            TVec x5 = TOps.Load(ref h0, at + (5 * elementStride));
            Reflect<TVec, TOps>(ref x0, ref x1, ref x2, a2, a3, aT1, aT2, aT3);
            Reflect<TVec, TOps>(ref x1, ref x2, ref x3, b2, b3, bT1, bT2, bT3);
            Reflect<TVec, TOps>(ref x2, ref x3, ref x4, c2, c3, cT1, cT2, cT3);
            Reflect<TVec, TOps>(ref x3, ref x4, ref x5, d2, d3, dT1, dT2, dT3);
            TOps.Store(x0, ref h0, at);
            TOps.Store(x1, ref h0, at + elementStride);
            TOps.Store(x2, ref h0, at + (2 * elementStride));
            TOps.Store(x3, ref h0, at + (3 * elementStride));
            TOps.Store(x4, ref h0, at + (4 * elementStride));
            TOps.Store(x5, ref h0, at + (5 * elementStride));
        }
    }

    /// <summary>(x₁, x₂, x₃) −= τ·(x·v)·v with v = (1, v₂, v₃); the arguments are v₂, v₃, −τ, −τv₂, −τv₃.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Reflect<TVec, TOps>(ref TVec x1, ref TVec x2, ref TVec x3, TVec v2, TVec v3, TVec minusT1, TVec minusT2, TVec minusT3)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        TVec sum = TOps.MultiplyAdd(v3, x3, TOps.MultiplyAdd(v2, x2, x1));
        x1 = TOps.MultiplyAdd(sum, minusT1, x1);
        x2 = TOps.MultiplyAdd(sum, minusT2, x2);
        x3 = TOps.MultiplyAdd(sum, minusT3, x3);
    }

    /// <summary>One lane of the interleaved storage, indexed as a matrix.</summary>
    private readonly ref struct LaneMatrix(Span<double> storage, int stride, int lanes, int lane)
    {
        private readonly Span<double> _storage = storage;

        public ref double this[int row, int column] => ref _storage[(((row * stride) + column) * lanes) + lane];
    }
}
