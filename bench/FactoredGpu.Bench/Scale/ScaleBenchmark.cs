using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using FactoredGpu.Bench.Infrastructure;

namespace FactoredGpu.Bench.Scale;

/// <summary>
/// <c>--scale-8b</c>: writes a synthetic Llama-3-8B-shaped folder (<see cref="SyntheticLlamaFolder"/>) into a new
/// temporary folder, runs the built <c>factored circuits --weights</c> on it as a child process (the CLI's own code path,
/// from process start to the files written) with <c>--no-composition</c>, and reports the stage times the CLI wrote into
/// <c>circuits.json</c>, the child's peak resident set (its VmHWM, polled) and GFLOP/s against the issue's targets. The
/// temporary folder is deleted afterwards, also on failure: Ctrl-C, SIGTERM and SIGHUP cancel the writing (or kill the
/// child) and the run unwinds through the deletion before the process exits.
/// </summary>
internal static class ScaleBenchmark
{
    private const double FullOvTargetS = 40, TotalTargetS = 90, PeakTargetGB = 12;

    /// <summary>Runs the benchmark.</summary>
    /// <param name="cli">The <c>factored</c> executable; null: the one built beside this benchmark.</param>
    /// <param name="keptFolder">
    /// Null: write the model into a new temporary folder and delete it afterwards. Otherwise the model folder to use and
    /// keep: read as it is when it already holds a <c>config.json</c> (a folder an earlier run wrote), else written there.
    /// </param>
    /// <param name="runs">How many times to run <c>factored circuits</c> on the folder, one after another.</param>
    /// <param name="output">Where the report goes.</param>
    /// <returns>The exit code: 0 when every run completed (whether or not it met the targets), 1 when one failed, 130 when cancelled.</returns>
    public static int Run(string? cli, string? keptFolder, int runs, TextWriter output)
    {
        cli ??= BuiltCli();
        if (!File.Exists(cli))
        {
            output.WriteLine($"FactoredGpu.Bench: the factored CLI is not at {cli}; build it (dotnet build FactoredGpu.sln -c Release) or pass --cli PATH.");
            return 1;
        }

        var shape = Llama8bShape.Llama3_8B;
        string root = Path.Combine(Path.GetTempPath(), $"factored-scale-8b-{Environment.ProcessId}");
        string folder = keptFolder ?? Path.Combine(root, "model"), outDir = Path.Combine(root, "out");
        bool reuse = keptFolder is not null && File.Exists(Path.Combine(keptFolder, "config.json")), written = reuse;
        using var cancel = new CancellationTokenSource();
        Process? child = null;
        void KillChild()
        {
            try
            {
                child?.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Not started, or it had exited.
            }
        }

        // Every stop signal only cancels: the main thread, not a handler racing it, deletes the folder in its finally.
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true;
            cancel.Cancel();
            KillChild();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
        try
        {
            output.WriteLine($"Llama-3-8B shape (L {shape.Layers}, H {shape.Heads}, KV {shape.KeyValueHeads}, d {shape.DModel}, dh {shape.DHead}, V {shape.Vocabulary}), {Environment.ProcessorCount} cores, load average {LoadAverage()}");
            if (reuse)
            {
                output.WriteLine($"Reading the folder {folder}, written by an earlier run.");
            }
            else
            {
                Directory.CreateDirectory(folder);
                output.WriteLine($"Writing the folder into {folder} ...");
                var clock = Stopwatch.StartNew();
                long data = SyntheticLlamaFolder.Write(folder, shape, cancel.Token);
                long apparent = Directory.EnumerateFiles(folder).Sum(f => new FileInfo(f).Length);
                output.WriteLine($"  {data / 1e9:0.00} GB of bf16 data in {apparent / 1e9:0.00} GB of files (the MLP tensors are holes), {clock.Elapsed.TotalSeconds:0.0} s");
                written = true;
            }

            var walls = new List<double>();
            var peaks = new List<long>();
            for (int run = 1; run <= runs; run++)
            {
                string[] arguments = ["circuits", "--weights", folder, "--out", outDir, "--no-composition", "--accelerator", "cpu"];
                output.WriteLine($"Run {run} of {runs}: {cli} {string.Join(' ', arguments)}");
                var start = new ProcessStartInfo(cli) { UseShellExecute = false };
                foreach (string argument in arguments)
                {
                    start.ArgumentList.Add(argument);
                }

                var clock = Stopwatch.StartNew();
                child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {cli}.");
                long peak = 0;
                while (!child.WaitForExit(50))
                {
                    peak = Math.Max(peak, PeakResidentSet(child.Id));
                }

                double wall = clock.Elapsed.TotalSeconds;
                cancel.Token.ThrowIfCancellationRequested();
                if (child.ExitCode != 0)
                {
                    output.WriteLine($"factored circuits exited with {child.ExitCode} after {wall:0.0} s (peak resident set {peak / 1e9:0.00} GB).");
                    return 1;
                }

                Report(output, shape, Timings(Path.Combine(outDir, "circuits.json")), wall, peak);
                walls.Add(wall);
                peaks.Add(peak);
            }

            if (runs > 1)
            {
                output.WriteLine($"{runs} runs: whole run best {walls.Min():0.0} s, median {Samples.Median(walls):0.0} s; peak resident set best {peaks.Min() / 1e9:0.00} GB, median {Samples.Median(peaks.Select(p => (double)p)) / 1e9:0.00} GB");
            }

            return 0;
        }
        catch (OperationCanceledException)
        {
            output.WriteLine("Cancelled.");
            return 130;
        }
        finally
        {
            KillChild();
            if (!written && keptFolder is not null && Directory.Exists(keptFolder))
            {
                // A folder this run began writing and did not finish is not a model to reuse.
                Directory.Delete(keptFolder, recursive: true);
                output.WriteLine($"Deleted the unfinished {keptFolder}.");
            }

            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }

            output.WriteLine(keptFolder is null ? $"Deleted {root}." : $"Deleted {root}; kept {keptFolder}.");
        }
    }

    private static void Report(TextWriter output, Llama8bShape shape, List<KeyValuePair<string, double>> timings, double wall, long peak)
    {
        output.WriteLine();
        output.WriteLine("| stage | s | GFLOP | GFLOP/s |");
        output.WriteLine("| --- | --- | --- | --- |");
        var flops = new Dictionary<string, double> { ["ov"] = shape.RotationFlops, ["qk"] = shape.RotationFlops, ["full_ov"] = shape.FullOvFlops };
        foreach (var (stage, ms) in timings)
        {
            string work = flops.TryGetValue(stage, out double f) ? $"{f / 1e9:0} | {f / 1e9 / (ms / 1e3):0}" : " | ";
            output.WriteLine($"| {stage} | {ms / 1e3:0.0} | {work} |");
        }

        double fullOv = timings.Single(t => t.Key == "full_ov").Value / 1e3;
        output.WriteLine();
        output.WriteLine($"full OV copying scores of all {shape.Layers * shape.Heads} heads: {fullOv:0.0} s (target ≤ {FullOvTargetS} s: {(fullOv <= FullOvTargetS ? "met" : "missed")})");
        output.WriteLine($"whole factored circuits run (process start to exit): {wall:0.0} s (target ≤ {TotalTargetS} s: {(wall <= TotalTargetS ? "met" : "missed")})");
        output.WriteLine($"peak resident set of the run (VmHWM, polled every 50 ms): {peak / 1e9:0.00} GB (target ≤ {PeakTargetGB} GB: {(peak / 1e9 <= PeakTargetGB ? "met" : "missed")})");
        output.WriteLine($"load average after: {LoadAverage()}");
    }

    /// <summary>The stage timings the CLI wrote, in order.</summary>
    private static List<KeyValuePair<string, double>> Timings(string circuitsJson)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(circuitsJson));
        return [.. document.RootElement.GetProperty("timings_ms").EnumerateObject().Select(p => new KeyValuePair<string, double>(p.Name, p.Value.GetDouble()))];
    }

    /// <summary>A process's peak resident set so far, bytes (VmHWM); 0 once it has gone.</summary>
    private static long PeakResidentSet(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // It exited between the poll and the read.
        }

        return 0;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>The CLI built with this benchmark's configuration: src/Cli/bin/&lt;same relative output folder&gt;/factored.</summary>
    private static string BuiltCli()
    {
        string bench = AppContext.BaseDirectory;
        var directory = new DirectoryInfo(bench);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FactoredGpu.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            return "factored";
        }

        string relative = Path.GetRelativePath(Path.Combine(directory.FullName, "bench", "FactoredGpu.Bench"), bench);
        return Path.Combine(directory.FullName, "src", "Cli", relative, OperatingSystem.IsWindows() ? "factored.exe" : "factored");
    }
}
