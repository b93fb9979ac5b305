namespace FactoredGpu.Bench.Infrastructure;

/// <summary>How much of each workload a suite runs.</summary>
internal enum RunSize
{
    /// <summary>Everything at full size (BenchmarkDotNet).</summary>
    Full,

    /// <summary>The quick report: our routes at full size, slow baselines on a stated, scaled part.</summary>
    Quick,

    /// <summary>The quick report on ILGPU's CPU accelerator (~0.1 GFLOP/s): reduced sizes, heavy workloads skipped.</summary>
    Tiny,
}
