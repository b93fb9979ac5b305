using System.Diagnostics;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using FactoredGpu.Bench.Infrastructure;
using FactoredGpu.Bench.Quick;
using FactoredGpu.Bench.Scale;
using FactoredGpu.Kernels;

// --accelerator K is ours, not BenchmarkDotNet's: take it out of the arguments and hand the checked choice to the
// benchmark processes (BenchmarkDotNet runs each in a child process, which inherits the environment), where the suites'
// Accelerator parameter source reads it back. --quick and --json PATH are ours too: the quick ratio report; and
// --scale-8b [--cli PATH] [--folder PATH] [--runs N]: the synthetic Llama-3-8B-shaped folder through factored circuits
// (--folder keeps the model there, and reuses it when a run already wrote it; --runs repeats the CLI, default 1, and gives
// best and median); --alternate Suite.A,Suite.B [--runs N]: methods of one suite called in turn (default 5 rounds), best
// and median of each.
var rest = new List<string>();
bool quick = false, scale = false;
string? alternate = null;
int? runs = null;
string json = Path.Combine("bench", "quick-results.json");
string? cli = null, folder = null;
for (int i = 0; i < args.Length; i++)
{
    string? value = args[i] == "--accelerator" && i + 1 < args.Length ? args[++i]
        : args[i].StartsWith("--accelerator=", StringComparison.Ordinal) ? args[i]["--accelerator=".Length..]
        : null;
    if (args[i] == "--quick")
    {
        quick = true;
    }
    else if (args[i] == "--json" && i + 1 < args.Length)
    {
        json = args[++i];
    }
    else if (args[i] == "--scale-8b")
    {
        scale = true;
    }
    else if (args[i] == "--cli" && i + 1 < args.Length)
    {
        cli = args[++i];
    }
    else if (args[i] == "--folder" && i + 1 < args.Length)
    {
        folder = Path.GetFullPath(args[++i]);
    }
    else if (args[i] == "--alternate" && i + 1 < args.Length)
    {
        alternate = args[++i];
    }
    else if (args[i] == "--runs" && i + 1 < args.Length)
    {
        if (!int.TryParse(args[++i], System.Globalization.CultureInfo.InvariantCulture, out int n) || n < 1)
        {
            Console.Error.WriteLine($"FactoredGpu.Bench: --runs needs a whole number of at least 1, not '{args[i]}'.");
            return 2;
        }

        runs = n;
    }
    else if (value is null)
    {
        rest.Add(args[i]);
    }
    else
    {
        try
        {
            Environment.SetEnvironmentVariable(Accelerators.EnvironmentVariable, Accelerators.Name(Accelerators.Parse(value)));
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"FactoredGpu.Bench: {e.Message}");
            return 2;
        }
    }
}

if (scale)
{
    return ScaleBenchmark.Run(cli, folder, runs ?? 1, Console.Out);
}

if (alternate is not null)
{
    try
    {
        return MethodAlternation.Run(alternate, runs ?? 5, AcceleratorChoice.Chosen(), Console.Out, Console.Error);
    }
    catch (Exception e) when (e is ArgumentException or AcceleratorUnavailableException)
    {
        Console.Error.WriteLine($"FactoredGpu.Bench: {e.Message}");
        return 2;
    }
}

if (!quick)
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. rest], DefaultConfig.Instance.AddColumn(WorkColumn.All));
    return 0;
}

AcceleratorKind kind;
string device;
try
{
    kind = AcceleratorChoice.Chosen();
    using IKernels backend = Accelerators.Create(kind);
    device = backend.DeviceName;
}
catch (Exception e) when (e is ArgumentException or AcceleratorUnavailableException)
{
    Console.Error.WriteLine($"FactoredGpu.Bench: {e.Message}");
    return 2;
}

var total = Stopwatch.StartNew();
Console.WriteLine($"Quick report on {Accelerators.Name(kind)} ({device}), {Environment.ProcessorCount} cores; measuring peaks...");
MachinePeak peak = MachinePeak.Current;
Console.WriteLine($"Host peaks: FMA fp32 Vector512 {peak.Fma512:0} GFLOP/s, Vector256 {peak.Fma256:0} GFLOP/s (all cores); read {peak.ReadBandwidth:0.0} GB/s");
var rows = QuickRunner.Run(kind, peak, Console.Out);
Console.WriteLine();
Console.WriteLine(QuickReport.Table(rows));
Console.WriteLine($"Times: median of n runs after a warm-up (a run over 1 s is its only sample). × ours: full-size time / ours. Peak mem: {PeakMemory.Method}.");
Console.WriteLine($"% FMA and % BW are of the host peaks above{(kind is AcceleratorKind.Cpu or AcceleratorKind.IlgpuCpu ? "" : " (not shown for a GPU)")}. Total {total.Elapsed.TotalSeconds:0} s.");
QuickReport.WriteJson(json, Accelerators.Name(kind), device, peak, total.Elapsed.TotalSeconds, rows);
Console.WriteLine($"JSON: {Path.GetFullPath(json)}");
return 0;

internal partial class Program { }
