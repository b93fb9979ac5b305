using System.Diagnostics;
using FactoredGpu.Bench.Infrastructure;
using FactoredGpu.Bench.Quick;

namespace FactoredGpu.Bench.Torch;

/// <summary>One way of computing a workload: its route name, its declared work and the call that does it.</summary>
/// <param name="Run">Does the work once; returns the result (per-head scores for the workloads that have them).</param>
internal sealed record Contender(string Route, Work Work, Func<object> Run);

/// <summary>
/// Times the contenders of one workload alternately — a warm-up of each, then round after round of one call of each in
/// turn — so that a change in the machine's load hits every route alike; best and median per route, each call's peak
/// resident set (<see cref="PeakMemory"/>), and the ratio of medians to the first contender (ours).
/// </summary>
internal static class Alternation
{
    public static IEnumerable<QuickRow> Run(string workload, IReadOnlyList<Contender> contenders, int rounds, MachinePeak peak, TextWriter log)
    {
        log.WriteLine($"  {workload}: {string.Join(", ", contenders.Select(c => c.Route))}");
        object[] results = [.. contenders.Select(c => c.Run())];
        for (int i = 1; i < contenders.Count; i++)
        {
            if (Disagreement(results[0], results[i]) is { } difference)
            {
                log.WriteLine($"    {contenders[i].Route} against {contenders[0].Route}: largest difference in a per-head result {difference:G3}");
            }
        }

        var times = contenders.Select(_ => new List<double>()).ToArray();
        var memory = new long[contenders.Count];
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < contenders.Count; i++)
            {
                var watch = new Stopwatch();
                memory[i] = Math.Max(memory[i], PeakMemory.Measure(() =>
                {
                    watch.Start();
                    contenders[i].Run();
                    watch.Stop();
                }));
                times[i].Add(watch.Elapsed.TotalSeconds);
            }
        }

        double ours = Samples.Median(times[0]);
        return contenders.Select((c, i) =>
        {
            double median = Samples.Median(times[i]), gflops = c.Work.Flops / median / 1e9, gbs = c.Work.Bytes / median / 1e9;
            return new QuickRow(
                workload, c.Route, "", rounds, times[i].Min(), median, median, median / ours, 1,
                gflops, 100 * gflops / peak.Fma, gbs, 100 * gbs / peak.ReadBandwidth, memory[i], "");
        });
    }

    /// <summary>The largest absolute difference between two per-head results, or null when they are not comparable.</summary>
    private static double? Disagreement(object first, object second) =>
        first is float[] a && second is float[] b && a.Length == b.Length && a.Length > 0
            ? a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max()
            : null;
}
