using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using FactoredGpu.Bench.Infrastructure;
using FactoredGpu.Kernels;

namespace FactoredGpu.Bench.Quick;

/// <summary>
/// <c>--quick</c>: every <see cref="Suite"/> at every parameter value on one accelerator, timed with a Stopwatch
/// (a warm-up, then two to five runs within ~1 s; a run over 1 s is its own warm-up and only sample), as rows of one ratio table. It drives the BenchmarkDotNet classes
/// themselves (parameters, <c>[GlobalSetup]</c>, the <c>[Benchmark]</c> methods), so the quick numbers and the
/// BenchmarkDotNet ones come from the same code.
/// </summary>
internal static class QuickRunner
{
    private const int MaxSamples = 5;
    private static readonly TimeSpan SampleBudget = TimeSpan.FromSeconds(1), SlowRun = TimeSpan.FromSeconds(1);

    /// <summary>Runs everything on <paramref name="kind"/>, reporting progress to <paramref name="log"/>.</summary>
    public static List<QuickRow> Run(AcceleratorKind kind, MachinePeak peak, TextWriter log)
    {
        RunSize size = kind == AcceleratorKind.IlgpuCpu ? RunSize.Tiny : RunSize.Quick;
        var rows = new List<QuickRow>();
        foreach (Type type in SuiteTypes())
        {
            foreach (var parameters in ParameterCombinations(type))
            {
                rows.AddRange(RunSuite(type, parameters, Accelerators.Name(kind), size, peak, log));
            }
        }

        return rows;
    }

    private static IEnumerable<QuickRow> RunSuite(Type type, Dictionary<PropertyInfo, object> parameters, string accelerator, RunSize size, MachinePeak peak, TextWriter log)
    {
        var suite = (Suite)Activator.CreateInstance(type)!;
        suite.Accelerator = accelerator;
        suite.Size = size;
        foreach (var (property, value) in parameters)
        {
            property.SetValue(suite, value);
        }

        string suffix = string.Concat(parameters.Values.Select(v => $" {v}"));
        var methods = type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null).ToList();
        var works = methods.ToDictionary(m => m.Name, m => suite.Work(m.Name));
        var measured = new List<(MethodInfo Method, Work Work, Measurement? Result)>();
        bool setUp = works.Values.Any(w => w.Skipped is null);
        if (setUp)
        {
            log.WriteLine($"  {type.Name}{suffix}: setup");
            suite.GlobalSetup();
        }

        try
        {
            foreach (var method in methods)
            {
                Work work = works[method.Name];
                if (work.Skipped is null)
                {
                    log.WriteLine($"  {type.Name}{suffix}: {method.Name}");
                }

                measured.Add((method, work, work.Skipped is null ? Measure(suite, method) : null));
            }
        }
        finally
        {
            if (setUp)
            {
                suite.GlobalCleanup();
            }
        }

        return measured.Select(m => Row(Workload(type, m.Method, suffix), m.Method, m.Work, m.Result, peak, accelerator))
            .GroupBy(r => r.Workload)
            .SelectMany(WithRatios);
    }

    private static Measurement Measure(Suite suite, MethodInfo method)
    {
        var times = new List<double>();
        long memory = 0;
        bool firstCallOnly = false;
        try
        {
            double first = Timed(suite, method, ref memory);
            if (first > SlowRun.TotalSeconds)
            {
                times.Add(first);
                firstCallOnly = true;
            }
            else
            {
                memory = 0;
                var spent = Stopwatch.StartNew();
                while (times.Count < MaxSamples && (times.Count < 2 || spent.Elapsed < SampleBudget))
                {
                    times.Add(Timed(suite, method, ref memory));
                }
            }
        }
        catch (TargetInvocationException e)
        {
            return new Measurement([], 0, $"{e.InnerException!.GetType().Name}: {e.InnerException.Message}", false);
        }

        times.Sort();
        return new Measurement(times, memory, null, firstCallOnly);
    }

    /// <summary>One call's time in seconds; raises <paramref name="memory"/> to the call's peak if higher.</summary>
    private static double Timed(Suite suite, MethodInfo method, ref long memory)
    {
        double seconds = 0;
        long peak = PeakMemory.Measure(() =>
        {
            var watch = Stopwatch.StartNew();
            method.Invoke(suite, null);
            seconds = watch.Elapsed.TotalSeconds;
        });
        memory = Math.Max(memory, peak);
        return seconds;
    }

    private static QuickRow Row(string workload, MethodInfo method, Work work, Measurement? result, MachinePeak peak, string accelerator)
    {
        string route = method.GetCustomAttribute<RouteAttribute>()?.Route.ToString() ?? method.Name;
        string name = $"{method.DeclaringType!.Name}.{method.Name}";
        if (result is not { Times.Count: > 0 } run)
        {
            return new QuickRow(workload, route, name, 0, null, null, null, null, work.Fraction, null, null, null, null, null, work.Skipped ?? result?.Error ?? "");
        }

        double best = run.Times.Min(), median = Samples.Median(run.Times);
        double gflops = work.Flops / median / 1e9, gbs = work.Bytes / median / 1e9;
        bool host = accelerator is "cpu" or "ilgpu-cpu";
        return new QuickRow(
            workload, route, name, run.Times.Count, best, median, median / work.Fraction, null, work.Fraction,
            work.Flops > 0 ? gflops : null,
            host && work.Flops > 0 ? 100 * gflops / peak.Fma : null,
            work.Bytes > 0 ? gbs : null,
            host && work.Bytes > 0 ? 100 * gbs / peak.ReadBandwidth : null,
            run.Memory,
            string.Join("; ", new[] { work.SubsetLabel, run.FirstCallOnly ? "first call only, no warm-up" : "" }.Where(s => s.Length > 0)));
    }

    private static IEnumerable<QuickRow> WithRatios(IEnumerable<QuickRow> workload)
    {
        var rows = workload.OrderBy(r => r.Route == nameof(Route.Ours) ? 0 : 1).ToList();
        double? ours = rows.FirstOrDefault(r => r.Route == nameof(Route.Ours))?.FullSizeTime;
        return rows.Select(r => r with { RatioToOurs = r.FullSizeTime / ours });
    }

    private static string Workload(Type type, MethodInfo method, string suffix) =>
        (method.GetCustomAttribute<BenchmarkCategoryAttribute>()?.Categories[0] ?? type.Name.Replace("Benchmarks", "", StringComparison.Ordinal)) + suffix;

    /// <summary>The suites, kernels first, in a fixed order.</summary>
    private static IEnumerable<Type> SuiteTypes() =>
        typeof(Suite).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Suite)) && !t.IsAbstract)
            .OrderBy(t => t.Namespace!.EndsWith(".Kernels", StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(t => t.Name, StringComparer.Ordinal);

    /// <summary>Every combination of the values of the <c>[Params]</c> properties (the accelerator is fixed).</summary>
    internal static IEnumerable<Dictionary<PropertyInfo, object>> ParameterCombinations(Type type)
    {
        IEnumerable<Dictionary<PropertyInfo, object>> combinations = [[]];
        foreach (var property in type.GetProperties())
        {
            if (property.GetCustomAttribute<ParamsAttribute>() is { } values)
            {
                combinations = combinations.SelectMany(c => values.Values.Select(v => new Dictionary<PropertyInfo, object>(c) { [property] = v! }));
            }
        }

        return combinations;
    }

    /// <param name="FirstCallOnly">The only sample is the first call (no warm-up: JIT, kernel compilation and first-touch page faults included).</param>
    private sealed record Measurement(List<double> Times, long Memory, string? Error, bool FirstCallOnly);
}
