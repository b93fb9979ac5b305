namespace FactoredGpu.Bench.Quick;

/// <summary>One route of one workload in the quick report; times in seconds, memory in bytes.</summary>
/// <param name="Workload">The workload and its size, e.g. <c>Gemm 144x64x768x64</c> or <c>W1 eigenvalues</c>.</param>
/// <param name="Route">Ours, TransformerLens, Dense or MathNet.</param>
/// <param name="Method">The benchmark method (<c>Class.Method</c>) that ran.</param>
/// <param name="Samples">Timed runs after the warm-up (a run over 1 s is its own warm-up and only sample).</param>
/// <param name="FullSizeTime">The median divided by the fraction run: the full workload's time.</param>
/// <param name="RatioToOurs">Full-size time over our route's full-size time in the same workload.</param>
/// <param name="Fraction">The share of the workload run (1 for all of it).</param>
/// <param name="PeakMemoryBytes">The largest <see cref="Infrastructure.PeakMemory.Measure"/> over the timed runs.</param>
/// <param name="Note">Why the route did not run, the subset it ran on, or the error it threw.</param>
internal sealed record QuickRow(
    string Workload,
    string Route,
    string Method,
    int Samples,
    double? BestTime,
    double? MedianTime,
    double? FullSizeTime,
    double? RatioToOurs,
    double Fraction,
    double? GflopsPerSecond,
    double? PercentOfFmaPeak,
    double? GigabytesPerSecond,
    double? PercentOfBandwidth,
    long? PeakMemoryBytes,
    string Note);
