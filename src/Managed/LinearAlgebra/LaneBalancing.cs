using System.Runtime.InteropServices;

namespace FactoredGpu.LinearAlgebra;

/// <summary>
/// Diagonal similarity scaling of lane-interleaved matrices by powers of two so that each row and column have
/// comparable norms (Parlett &amp; Reinsch; LAPACK dgebal with job 'S', no permutations).
/// </summary>
/// <remarks>
/// Powers of two scale exactly, so balancing changes no eigenvalue; it shrinks the norm that bounds the rounding
/// errors of the QR iteration. Norms and the scaling sweep run across all lanes; only the choice of each lane's
/// power of two is scalar. Every lane must be finite.
/// </remarks>
internal static class LaneBalancing
{
    private const double Radix = 2.0;

    /// <summary>Converged when a scaling would shrink ‖row‖ + ‖column‖ by less than this factor (dgebal's 0.95).</summary>
    private const double Factor = 0.95;

    /// <summary>Balances every lane of <paramref name="a"/> in place.</summary>
    /// <param name="a">The interleaved matrices, <c>n·stride·Count</c> doubles (layout of <see cref="LaneHessenbergReduction"/>).</param>
    /// <param name="n">The order of the matrices.</param>
    /// <param name="stride">The leading dimension (row length in elements), at least n.</param>
    /// <param name="scaling">Scratch for the accumulated scale factors, <c>n·Count</c> doubles.</param>
    public static void Balance<TVec, TOps>(Span<double> a, int n, int stride, Span<double> scaling)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        int lanes = TOps.Count;
        nuint rowStride = (nuint)(stride * lanes);
        ref double a0 = ref MemoryMarshal.GetReference(a);
        Span<double> laneValues = stackalloc double[5 * lanes];
        Span<double> columnNorm = laneValues[..lanes];
        Span<double> rowNorm = laneValues.Slice(lanes, lanes);
        Span<double> columnMax = laneValues.Slice(2 * lanes, lanes);
        Span<double> rowMax = laneValues.Slice(3 * lanes, lanes);
        Span<double> factor = laneValues.Slice(4 * lanes, lanes);
        ref double factor0 = ref MemoryMarshal.GetReference(factor);
        scaling.Fill(1.0);

        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int i = 0; i < n; i++)
            {
                TVec columnSquares = TOps.Create(0.0), rowSquares = columnSquares, columnAbsMax = columnSquares, rowAbsMax = columnSquares;
                nuint row = (nuint)i * rowStride, column = (nuint)(i * lanes);
                for (int j = 0; j < n; j++)
                {
                    TVec c = TOps.Load(ref a0, (nuint)j * rowStride + column);
                    TVec r = TOps.Load(ref a0, row + (nuint)(j * lanes));
                    columnSquares = TOps.MultiplyAdd(c, c, columnSquares);
                    rowSquares = TOps.MultiplyAdd(r, r, rowSquares);
                    columnAbsMax = TOps.Max(columnAbsMax, TOps.Abs(c));
                    rowAbsMax = TOps.Max(rowAbsMax, TOps.Abs(r));
                }

                TOps.Store(TOps.Sqrt(columnSquares), ref MemoryMarshal.GetReference(columnNorm), 0);
                TOps.Store(TOps.Sqrt(rowSquares), ref MemoryMarshal.GetReference(rowNorm), 0);
                TOps.Store(columnAbsMax, ref MemoryMarshal.GetReference(columnMax), 0);
                TOps.Store(rowAbsMax, ref MemoryMarshal.GetReference(rowMax), 0);

                bool anyLane = false;
                for (int lane = 0; lane < lanes; lane++)
                {
                    ref double accumulated = ref scaling[i * lanes + lane];
                    double power = ChooseFactor(columnNorm[lane], rowNorm[lane], columnMax[lane], rowMax[lane], accumulated);
                    factor[lane] = power;
                    if (power != 1.0)
                    {
                        accumulated *= power;
                        anyLane = true;
                    }
                }

                if (!anyLane)
                {
                    continue;
                }

                // Row i by 1/f, column i by f: a similarity D⁻¹·A·D, exact in binary floating point.
                changed = true;
                TVec f = TOps.Load(ref factor0, 0);
                TVec g = TOps.Divide(TOps.Create(1.0), f);
                for (int j = 0; j < n; j++)
                {
                    nuint rowAt = row + (nuint)(j * lanes), columnAt = (nuint)j * rowStride + column;
                    TOps.Store(TOps.Multiply(TOps.Load(ref a0, rowAt), g), ref a0, rowAt);
                    TOps.Store(TOps.Multiply(TOps.Load(ref a0, columnAt), f), ref a0, columnAt);
                }
            }
        }
    }

    /// <summary>dgebal's choice of the power of two for one row/column pair; 1 when no scaling pays off.</summary>
    private static double ChooseFactor(double c, double r, double ca, double ra, double accumulated)
    {
        const double SafeMinimum = MachineParameters.SafeMinimum / MachineParameters.Precision;
        const double SafeMaximum = 1.0 / SafeMinimum;
        const double SafeMinimum2 = SafeMinimum * Radix;
        const double SafeMaximum2 = 1.0 / SafeMinimum2;

        // Guards against zero norms through underflow (and against an isolated row or column).
        if (c == 0.0 || r == 0.0)
        {
            return 1.0;
        }

        double g = r / Radix;
        double f = 1.0;
        double s = c + r;
        while (c < g && Math.Max(f, Math.Max(c, ca)) < SafeMaximum2 && Math.Min(r, Math.Min(g, ra)) > SafeMinimum2)
        {
            f *= Radix;
            c *= Radix;
            ca *= Radix;
            r /= Radix;
            g /= Radix;
            ra /= Radix;
        }

        g = c / Radix;
        while (g >= r && Math.Max(r, ra) < SafeMaximum2 && Math.Min(Math.Min(f, c), Math.Min(g, ca)) > SafeMinimum2)
        {
            f /= Radix;
            c /= Radix;
            g /= Radix;
            ca /= Radix;
            r *= Radix;
            ra *= Radix;
        }

        if (c + r >= Factor * s
            || (f < 1.0 && accumulated < 1.0 && f * accumulated <= SafeMinimum)
            || (f > 1.0 && accumulated > 1.0 && accumulated >= SafeMaximum / f))
        {
            return 1.0;
        }

        return f;
    }
}
