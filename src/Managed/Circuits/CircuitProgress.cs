namespace FactoredGpu.Circuits;

/// <summary>Where a circuit analysis is: a stage (named as in <see cref="CircuitReport.TimingsMs"/>) and how far into it.</summary>
/// <param name="Stage">The stage: <c>ov</c>, <c>qk</c>, <c>full_ov</c>, <c>composition</c> or <c>top_tokens</c>.</param>
/// <param name="Fraction">The part of the stage done, from 0 (just started) to 1 (finished).</param>
public sealed record CircuitProgress(string Stage, double Fraction)
{
    /// <summary>Whether the stage has finished.</summary>
    public bool Completed => Fraction >= 1;
}
