namespace FactoredGpu.LinearAlgebra;

/// <summary>Householder reflector generation, lane by lane (LAPACK dlarfg; Golub &amp; Van Loan, Algorithm 5.1.1).</summary>
internal static class LaneHouseholder
{
    /// <summary>
    /// For each lane, finds <c>H = I − τ·v·vᵀ</c> with <c>v = (1, x·scale)</c> such that <c>H·(α, x) = (β, 0)</c>.
    /// </summary>
    /// <remarks>
    /// <c>β = −sign(α)·‖(α, x)‖</c> so that <c>α − β</c> never cancels. A lane with <c>x = 0</c> (including one
    /// whose <c>‖x‖²</c> underflows) gets <c>τ = 0</c>, <c>scale = 0</c> and <c>β = α</c>: the identity, exactly.
    /// Callers keep ‖(α, x)‖ near 1 (the matrices are scaled by a power of two first), so <c>‖x‖²</c> cannot overflow.
    /// </remarks>
    /// <param name="alpha">The first component.</param>
    /// <param name="tailNormSquared">‖x‖², the squared norm of the remaining components.</param>
    /// <param name="beta">The value that replaces α.</param>
    /// <param name="tau">The reflector's scalar factor τ.</param>
    /// <param name="scale">The factor that turns x into the tail of v.</param>
    public static void Generate<TVec, TOps>(TVec alpha, TVec tailNormSquared, out TVec beta, out TVec tau, out TVec scale)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        TVec zero = TOps.Create(0.0);
        TVec identity = TOps.Equals(tailNormSquared, zero);
        TVec norm = TOps.Sqrt(TOps.MultiplyAdd(alpha, alpha, tailNormSquared));
        TVec signed = TOps.Select(TOps.LessThan(alpha, zero), norm, TOps.Negate(norm));
        tau = TOps.Select(identity, zero, TOps.Divide(TOps.Subtract(signed, alpha), signed));
        scale = TOps.Select(identity, zero, TOps.Divide(TOps.Create(1.0), TOps.Subtract(alpha, signed)));
        beta = TOps.Select(identity, alpha, signed);
    }
}
