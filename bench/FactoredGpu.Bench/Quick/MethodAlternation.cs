using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using FactoredGpu.Bench.Infrastructure;
using FactoredGpu.Kernels;

namespace FactoredGpu.Bench.Quick;

/// <summary>
/// <c>--alternate Suite.A,Suite.B [--runs N]</c>: benchmark methods of one suite called in turn, one call each per round
/// after a warm-up call each, so that a box whose load drifts weighs on every method alike; prints each method's best
/// and median per parameter value. For before/after comparisons on a shared machine.
/// </summary>
internal static class MethodAlternation
{
    /// <summary>Runs the alternation; returns the exit code (2 with one line on <paramref name="error"/> for a bad spec).</summary>
    public static int Run(string spec, int runs, AcceleratorKind kind, TextWriter log, TextWriter error)
    {
        string[] names = spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string[] suites = [.. names.Select(n => n.Split('.')[0]).Distinct()];
        var type = suites.Length == 1 ? typeof(Suite).Assembly.GetTypes().FirstOrDefault(t => t.Name == suites[0] && t.IsSubclassOf(typeof(Suite))) : null;
        var methods = names.Select(n => n.Split('.') is [_, var m] ? type?.GetMethod(m) : null).ToArray();
        if (type is null || names.Length < 2 || runs < 1 || methods.Any(m => m?.GetCustomAttribute<BenchmarkAttribute>() is null))
        {
            error.WriteLine($"FactoredGpu.Bench: --alternate needs two or more benchmark methods of one suite, as Suite.Method,Suite.Method, and --runs ≥ 1; got '{spec}', {runs} runs.");
            return 2;
        }

        foreach (var parameters in QuickRunner.ParameterCombinations(type))
        {
            var suite = (Suite)Activator.CreateInstance(type)!;
            suite.Accelerator = Accelerators.Name(kind);
            suite.Size = RunSize.Quick;
            foreach (var (property, value) in parameters)
            {
                property.SetValue(suite, value);
            }

            string label = string.Join(" ", parameters.Values);
            if (methods.Select(m => suite.Work(m!.Name).Skipped).FirstOrDefault(s => s is not null) is { } skipped)
            {
                log.WriteLine($"{type.Name} {label}: skipped ({skipped})");
                continue;
            }

            suite.GlobalSetup();
            try
            {
                var times = methods.ToDictionary(m => m!, _ => new List<double>());
                foreach (var method in methods)
                {
                    method!.Invoke(suite, null);
                }

                for (int round = 0; round < runs; round++)
                {
                    foreach (var method in methods)
                    {
                        var watch = Stopwatch.StartNew();
                        method!.Invoke(suite, null);
                        times[method].Add(watch.Elapsed.TotalSeconds);
                    }
                }

                foreach (var (method, samples) in times)
                {
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{type.Name} {label} {method.Name}: best {samples.Min():F3} s, median {Samples.Median(samples):F3} s ({runs} alternating runs)"));
                }
            }
            finally
            {
                suite.GlobalCleanup();
            }
        }

        return 0;
    }
}
