using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FactoredGpu.Bench.Infrastructure;

/// <summary>What a <see cref="WorkColumn"/> shows.</summary>
internal enum WorkMetric
{
    /// <summary>Declared FLOPs over the mean time.</summary>
    GflopsPerSecond,

    /// <summary>That, as a share of the measured FMA peak (<see cref="MachinePeak.Fma"/>).</summary>
    PercentOfFmaPeak,

    /// <summary>Declared bytes over the mean time.</summary>
    GigabytesPerSecond,

    /// <summary>That, as a share of the measured read bandwidth.</summary>
    PercentOfBandwidth,

    /// <summary>The mean time divided by <see cref="Work.Fraction"/>: the full workload's time for a partial route.</summary>
    FullSizeTime,
}

/// <summary>
/// A BenchmarkDotNet column computed from the <see cref="Work"/> a <see cref="Suite"/> declares for the row's method and
/// parameters, and from <see cref="MachinePeak.Current"/> (measured once in the host process, after the runs).
/// </summary>
internal sealed class WorkColumn(WorkMetric metric) : IColumn
{
    public static IColumn[] All { get; } = [.. Enum.GetValues<WorkMetric>().Select(m => new WorkColumn(m))];

    public string Id => $"{nameof(WorkColumn)}.{metric}";

    public string ColumnName => metric switch
    {
        WorkMetric.GflopsPerSecond => "GFLOP/s",
        WorkMetric.PercentOfFmaPeak => "% FMA peak",
        WorkMetric.GigabytesPerSecond => "GB/s",
        WorkMetric.PercentOfBandwidth => "% read BW",
        _ => "Full-size time",
    };

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => (int)metric;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => metric switch
    {
        WorkMetric.GflopsPerSecond => "Declared FLOPs (multiply-add = 2) of the work run / mean time",
        WorkMetric.PercentOfFmaPeak => "GFLOP/s over the measured fp32 FMA peak on all cores (host CPU; not a GPU's peak)",
        WorkMetric.GigabytesPerSecond => "Declared minimum bytes moved / mean time",
        WorkMetric.PercentOfBandwidth => "GB/s over the measured all-core read bandwidth (host CPU)",
        _ => "Mean / fraction of the workload run: the full workload's time for a route run on a part (e.g. one layer)",
    };

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        Work? work = WorkOf(benchmarkCase);
        double? nanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (work is null || nanoseconds is not > 0)
        {
            return metric == WorkMetric.FullSizeTime && work?.Skipped is { } reason ? $"not run: {reason}" : "-";
        }

        double seconds = nanoseconds.Value / 1e9;
        bool host = benchmarkCase.Parameters.Items.Any(p => p.Name == nameof(Suite.Accelerator) && p.Value as string is "cpu" or "ilgpu-cpu");
        return metric switch
        {
            WorkMetric.GflopsPerSecond => Format(work.Flops / seconds / 1e9),
            WorkMetric.PercentOfFmaPeak => host && work.Flops > 0 ? Format(100 * work.Flops / seconds / 1e9 / MachinePeak.Current.Fma) + "%" : "-",
            WorkMetric.GigabytesPerSecond => Format(work.Bytes / seconds / 1e9),
            WorkMetric.PercentOfBandwidth => host && work.Bytes > 0 ? Format(100 * work.Bytes / seconds / 1e9 / MachinePeak.Current.ReadBandwidth) + "%" : "-",
            _ => work.Fraction < 1 ? Format(seconds / work.Fraction * 1e3) + " ms (scaled)" : "-",
        };
    }

    public override string ToString() => ColumnName;

    /// <summary>The row's <see cref="Work"/>, from a fresh instance of its suite with the row's parameters set.</summary>
    private static Work? WorkOf(BenchmarkCase benchmarkCase)
    {
        if (Activator.CreateInstance(benchmarkCase.Descriptor.Type) is not Suite suite)
        {
            return null;
        }

        foreach (var parameter in benchmarkCase.Parameters.Items)
        {
            benchmarkCase.Descriptor.Type.GetProperty(parameter.Name)?.SetValue(suite, parameter.Value);
        }

        return suite.Work(benchmarkCase.Descriptor.WorkloadMethod.Name);
    }

    private static string Format(double value) => value.ToString(value >= 100 ? "0" : value >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);
}
