using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FactoredGpu.LinearAlgebra;

/// <summary>
/// Householder reduction to upper Hessenberg form of lane-interleaved matrices, without accumulating the
/// orthogonal factor (Golub &amp; Van Loan, Algorithm 7.4.2; LAPACK dgehd2).
/// </summary>
/// <remarks>
/// The matrices are stored row-major with the lanes innermost: element (i, j) of lane ℓ is at
/// <c>(i·stride + j)·Count + ℓ</c>. Every lane takes the same branch-free path; signs are chosen by masks.
/// </remarks>
internal static class LaneHessenbergReduction
{
    /// <summary>Overwrites <paramref name="a"/> with <c>Qᵀ·A·Q</c>, upper Hessenberg, lane by lane.</summary>
    /// <param name="a">The interleaved matrices, <c>n·stride·Count</c> doubles.</param>
    /// <param name="n">The order of the matrices.</param>
    /// <param name="stride">The leading dimension (row length in elements), at least n.</param>
    /// <param name="reflector">Scratch for the Householder vector, <c>n·Count</c> doubles.</param>
    /// <param name="rowProducts">Scratch for <c>A·v</c>, <c>n·Count</c> doubles.</param>
    /// <param name="columnProducts">Scratch for <c>vᵀ·A</c>, <c>n·Count</c> doubles.</param>
    /// <remarks>
    /// Each reflector <c>H = I − τ·v·vᵀ</c> is applied from both sides as one rank-2 update (the form of LAPACK's
    /// dlarfy, here for a non-symmetric A): with <c>p = A·v</c>, <c>q = Aᵀ·v</c> and <c>γ = τ·vᵀ·p</c>,
    /// <c>H·A·H = A − v·(τq)ᵀ − τ(p − γv)·vᵀ</c>. One pass reads A for p and q, a second writes the update: two trips
    /// through the trailing matrix per column instead of three (these interleaved matrices live in L2, and the passes
    /// are bound by its traffic, not by the multiply-adds).
    /// </remarks>
    public static void Reduce<TVec, TOps>(Span<double> a, int n, int stride, Span<double> reflector, Span<double> rowProducts, Span<double> columnProducts)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        nuint lanes = (nuint)TOps.Count;
        nuint rowStride = (nuint)stride * lanes;
        ref double a0 = ref MemoryMarshal.GetReference(a);
        ref double v0 = ref MemoryMarshal.GetReference(reflector);
        ref double p0 = ref MemoryMarshal.GetReference(rowProducts);
        ref double q0 = ref MemoryMarshal.GetReference(columnProducts);
        TVec zero = TOps.Create(0.0);

        for (int k = 0; k < n - 2; k++)
        {
            // Reflector that annihilates A(k+2:n, k) against A(k+1, k).
            nuint column = (nuint)k * lanes;
            TVec alpha = TOps.Load(ref a0, ((nuint)k + 1) * rowStride + column);
            TVec magnitude = TOps.Abs(alpha);
            for (int i = k + 2; i < n; i++)
            {
                magnitude = TOps.Max(magnitude, TOps.Abs(TOps.Load(ref a0, (nuint)i * rowStride + column)));
            }

            TVec s = LaneHouseholder.Scale<TVec, TOps>(magnitude, out TVec inverse);
            TVec tailNormSquared = zero;
            for (int i = k + 2; i < n; i++)
            {
                TVec x = TOps.Multiply(TOps.Load(ref a0, (nuint)i * rowStride + column), inverse);
                tailNormSquared = TOps.MultiplyAdd(x, x, tailNormSquared);
            }

            LaneHouseholder.Generate<TVec, TOps>(alpha, tailNormSquared, s, inverse, out TVec beta, out TVec tau, out TVec scale);
            TOps.Store(beta, ref a0, ((nuint)k + 1) * rowStride + column);
            TOps.Store(TOps.Create(1.0), ref v0, ((nuint)k + 1) * lanes);
            for (int i = k + 2; i < n; i++)
            {
                nuint at = (nuint)i * rowStride + column;
                TOps.Store(TOps.Multiply(TOps.Multiply(TOps.Load(ref a0, at), inverse), scale), ref v0, (nuint)i * lanes);
                TOps.Store(zero, ref a0, at);
            }

            // Rows 0 … k, where v is zero: only A·H, A(i, :) −= τ·(A(i, :)·v)·vᵀ on columns k+1 … n−1.
            TVec minusTau = TOps.Negate(tau);
            for (int i = 0; i <= k; i++)
            {
                nuint row = (nuint)i * rowStride;
                TVec minusR = TOps.Multiply(minusTau, RowDot<TVec, TOps>(ref a0, row, ref v0, k + 1, n));
                for (int j = k + 1; j < n; j++)
                {
                    nuint at = (nuint)j * lanes;
                    TOps.Store(TOps.MultiplyAdd(minusR, TOps.Load(ref v0, at), TOps.Load(ref a0, row + at)), ref a0, row + at);
                }
            }

            // Rows k+1 … n−1: p = A·v and q = Aᵀ·v in one pass, then the rank-2 update.
            for (int j = k + 1; j < n; j++)
            {
                TOps.Store(zero, ref q0, (nuint)j * lanes);
            }

            for (int i = k + 1; i < n; i++)
            {
                nuint row = (nuint)i * rowStride;
                TVec vi = TOps.Load(ref v0, (nuint)i * lanes);
                TVec dot = zero;
                for (int j = k + 1; j < n; j++)
                {
                    nuint at = (nuint)j * lanes;
                    TVec x = TOps.Load(ref a0, row + at);
                    dot = TOps.MultiplyAdd(x, TOps.Load(ref v0, at), dot);
                    TOps.Store(TOps.MultiplyAdd(vi, x, TOps.Load(ref q0, at)), ref q0, at);
                }

                TOps.Store(dot, ref p0, (nuint)i * lanes);
            }

            TVec qv = zero;
            for (int j = k + 1; j < n; j++)
            {
                nuint at = (nuint)j * lanes;
                TVec q = TOps.Load(ref q0, at);
                qv = TOps.MultiplyAdd(q, TOps.Load(ref v0, at), qv);
                TOps.Store(TOps.Multiply(tau, q), ref q0, at);
            }

            TVec gamma = TOps.Multiply(tau, qv);
            for (int i = k + 1; i < n; i++)
            {
                nuint at = (nuint)i * lanes;
                TVec vi = TOps.Load(ref v0, at);
                TVec minusR = TOps.Multiply(minusTau, TOps.Subtract(TOps.Load(ref p0, at), TOps.Multiply(gamma, vi)));
                UpdateRow<TVec, TOps>(ref a0, (nuint)i * rowStride, ref v0, ref q0, k + 1, n, TOps.Negate(vi), minusR);
            }
        }
    }

    /// <summary><c>A(i, from:n)·v(from:n)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec RowDot<TVec, TOps>(ref double a0, nuint row, ref double v0, int from, int n)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        nuint lanes = (nuint)TOps.Count;
        TVec dot = TOps.Create(0.0);
        for (int j = from; j < n; j++)
        {
            dot = TOps.MultiplyAdd(TOps.Load(ref a0, row + ((nuint)j * lanes)), TOps.Load(ref v0, (nuint)j * lanes), dot);
        }

        return dot;
    }

    /// <summary>One row of the rank-2 update, <c>A(i, from:n) += (−vᵢ)·u(from:n) + (−rᵢ)·v(from:n)</c>, with u = τq.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateRow<TVec, TOps>(ref double a0, nuint row, ref double v0, ref double u0, int from, int n, TVec minusVi, TVec minusRi)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        nuint lanes = (nuint)TOps.Count;
        for (int j = from; j < n; j++)
        {
            nuint at = (nuint)j * lanes;
            TVec updated = TOps.MultiplyAdd(minusVi, TOps.Load(ref u0, at), TOps.Load(ref a0, row + at));
            TOps.Store(TOps.MultiplyAdd(minusRi, TOps.Load(ref v0, at), updated), ref a0, row + at);
        }
    }
}
