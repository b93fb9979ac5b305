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
    /// <param name="product">Scratch for <c>vᵀ·A</c>, <c>n·Count</c> doubles.</param>
    public static void Reduce<TVec, TOps>(Span<double> a, int n, int stride, Span<double> reflector, Span<double> product)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        nuint lanes = (nuint)TOps.Count;
        nuint rowStride = (nuint)stride * lanes;
        ref double a0 = ref MemoryMarshal.GetReference(a);
        ref double v0 = ref MemoryMarshal.GetReference(reflector);
        ref double w0 = ref MemoryMarshal.GetReference(product);
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

            // A := A·H on columns k+1 … n−1 of every row: A(i, :) −= τ·(A(i, :)·v)·vᵀ. Rows k+1 … n−1 also add
            // v(i)·A(i, :) to w = vᵀ·A while they are in registers, ready for H·A.
            for (int i = 0; i <= k; i++)
            {
                ReflectRow<TVec, TOps>(ref a0, (nuint)i * rowStride, ref v0, ref w0, k + 1, n, tau, zero, accumulate: false);
            }

            for (int j = k + 1; j < n; j++)
            {
                TOps.Store(zero, ref w0, (nuint)j * lanes);
            }

            for (int i = k + 1; i < n; i++)
            {
                ReflectRow<TVec, TOps>(ref a0, (nuint)i * rowStride, ref v0, ref w0, k + 1, n, tau, TOps.Load(ref v0, (nuint)i * lanes), accumulate: true);
            }

            // A := H·A on rows k+1 … n−1, columns k+1 … n−1: A −= τ·v·wᵀ.
            for (int i = k + 1; i < n; i++)
            {
                nuint row = (nuint)i * rowStride;
                TVec minusTauVi = TOps.Negate(TOps.Multiply(tau, TOps.Load(ref v0, (nuint)i * lanes)));
                for (int j = k + 1; j < n; j++)
                {
                    nuint at = (nuint)j * lanes;
                    TOps.Store(TOps.MultiplyAdd(minusTauVi, TOps.Load(ref w0, at), TOps.Load(ref a0, row + at)), ref a0, row + at);
                }
            }
        }
    }

    /// <summary>
    /// One row of A := A·H, <c>A(i, from:n) −= τ·(A(i, from:n)·v)·vᵀ</c>; with <paramref name="accumulate"/> also
    /// <c>w += vᵢ·A(i, from:n)</c> from the updated row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReflectRow<TVec, TOps>(ref double a0, nuint row, ref double v0, ref double w0, int from, int n, TVec tau, TVec vi, bool accumulate)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        nuint lanes = (nuint)TOps.Count;
        TVec dot = TOps.Create(0.0);
        for (int j = from; j < n; j++)
        {
            dot = TOps.MultiplyAdd(TOps.Load(ref a0, row + ((nuint)j * lanes)), TOps.Load(ref v0, (nuint)j * lanes), dot);
        }

        TVec minusScaledDot = TOps.Negate(TOps.Multiply(dot, tau));
        for (int j = from; j < n; j++)
        {
            nuint at = (nuint)j * lanes;
            TVec updated = TOps.MultiplyAdd(minusScaledDot, TOps.Load(ref v0, at), TOps.Load(ref a0, row + at));
            TOps.Store(updated, ref a0, row + at);
            if (accumulate)
            {
                TOps.Store(TOps.MultiplyAdd(vi, updated, TOps.Load(ref w0, at)), ref w0, at);
            }
        }
    }
}
