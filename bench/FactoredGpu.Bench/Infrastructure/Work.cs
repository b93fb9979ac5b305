namespace FactoredGpu.Bench.Infrastructure;

/// <summary>
/// What one benchmark method does, counted before it runs: the floating-point operations (a multiply-add is 2) and the
/// bytes it must at least read or write, for the GFLOP/s and GB/s columns and their share of the measured peaks.
/// </summary>
/// <param name="Flops">Floating-point operations of the work actually run.</param>
/// <param name="Bytes">Bytes that must cross the memory bus at least once for the work actually run.</param>
/// <param name="Fraction">
/// The share of the full workload the method runs (1 for all of it). A route too slow to run whole (a baseline on one
/// layer, a 1/64 slice of an inner dimension) runs a part; its full-size time is its time divided by this.
/// </param>
/// <param name="Skipped">Why the method is not run at all (it does not fit, or would take hours), or <see langword="null"/>.</param>
internal sealed record Work(double Flops, double Bytes, double Fraction = 1, string? Skipped = null)
{
    /// <summary>A route that does not run, with the reason.</summary>
    public static Work Skip(string reason) => new(0, 0, 1, reason);

    /// <summary>The label of a partial run, e.g. <c>1/12 of the work, scaled</c>; empty for a full run.</summary>
    public string SubsetLabel => Fraction >= 1 ? "" : $"1/{Math.Round(1 / Fraction):0} of the work, time scaled";
}
