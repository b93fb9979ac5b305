namespace FactoredGpu.LinearAlgebra;

/// <summary>Householder reflector generation, lane by lane (LAPACK dlarfg; Golub &amp; Van Loan, Algorithm 5.1.1).</summary>
internal static class LaneHouseholder
{
    /// <summary>
    /// For each lane, the factor that brings a vector whose largest magnitude is <paramref name="magnitude"/> to at
    /// most 1, and its inverse: the components are divided by it before they are squared (as dnrm2 scales), so that
    /// ‖x‖² neither overflows nor underflows for any finite x. Magnitudes below the smallest normal number are
    /// raised to it, so that the reciprocal is finite.
    /// </summary>
    /// <param name="magnitude">The largest magnitude of the vector's components, per lane.</param>
    /// <param name="inverse">The factor to multiply the components by before squaring them.</param>
    /// <returns>The factor that undoes <paramref name="inverse"/>.</returns>
    public static TVec Scale<TVec, TOps>(TVec magnitude, out TVec inverse)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        TVec scale = TOps.Max(magnitude, TOps.Create(MachineParameters.SafeMinimum));
        inverse = TOps.Divide(TOps.Create(1.0), scale);
        return scale;
    }

    /// <summary>
    /// For each lane, finds <c>H = I − τ·v·vᵀ</c> with <c>v = (1, (x/s)·scale)</c> such that <c>H·(α, x) = (β, 0)</c>.
    /// </summary>
    /// <remarks>
    /// The reflector depends only on the direction of <c>(α, x)</c>, so it is computed from <c>(α, x)/s</c>, with
    /// <c>s</c> and <c>1/s</c> from <see cref="Scale{TVec, TOps}"/> for the largest magnitude of <c>(α, x)</c>: the
    /// result is the same for every scaling of the input, however small or large (the unscaled sum of squares of
    /// entries below 1e-154 underflows, and an identity reflector there stalls the QR iteration).
    /// <c>β = −sign(α)·‖(α, x)‖</c> so that <c>α − β</c> never cancels. A lane with <c>x = 0</c> (or <c>x</c> negligible
    /// beside <c>α</c>, so that ‖x/s‖² underflows) gets <c>τ = 0</c>, <c>scale = 0</c> and <c>β = α</c>: the identity, exactly.
    /// </remarks>
    /// <param name="alpha">The first component.</param>
    /// <param name="scaledTailNormSquared">‖x/s‖², the squared norm of the remaining components after scaling.</param>
    /// <param name="s">The scale <c>s</c>.</param>
    /// <param name="inverse">Its inverse <c>1/s</c>.</param>
    /// <param name="beta">The value that replaces α.</param>
    /// <param name="tau">The reflector's scalar factor τ.</param>
    /// <param name="scale">The factor that turns the scaled <c>x/s</c> into the tail of v (for a subnormal x, the factor
    /// for x itself would overflow).</param>
    public static void Generate<TVec, TOps>(TVec alpha, TVec scaledTailNormSquared, TVec s, TVec inverse, out TVec beta, out TVec tau, out TVec scale)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        TVec zero = TOps.Create(0.0);
        TVec identity = TOps.Equals(scaledTailNormSquared, zero);
        TVec a = TOps.Multiply(alpha, inverse);
        TVec norm = TOps.Sqrt(TOps.MultiplyAdd(a, a, scaledTailNormSquared));
        TVec signed = TOps.Select(TOps.LessThan(a, zero), norm, TOps.Negate(norm));
        // τ = (β' − a)/β' and scale = 1/(a − β') from one reciprocal of their product: |a − β'| ≥ |β'| ≥ 2⁻⁵² after the
        // scaling (≥ 1 unless the input is subnormal), so it cannot overflow; a division costs about a dozen multiply-adds
        // and this runs once per bulge-chase step.
        TVec difference = TOps.Subtract(a, signed);
        TVec reciprocal = TOps.Divide(TOps.Create(1.0), TOps.Multiply(signed, difference));
        tau = TOps.Select(identity, zero, TOps.Negate(TOps.Multiply(difference, TOps.Multiply(difference, reciprocal))));
        scale = TOps.Select(identity, zero, TOps.Multiply(signed, reciprocal));
        beta = TOps.Select(identity, alpha, TOps.Multiply(signed, s));
    }
}
