using System.Collections.Concurrent;
using System.Diagnostics;
using FactoredGpu.Cli;
using Xunit;

namespace FactoredGpu.Tests.Cli;

/// <summary>
/// <c>factored circuits</c> as a separate process, stopped by a real SIGINT or SIGTERM sent with <c>kill</c>: it stops
/// within seconds with exit code 130 or 143 and one line on stderr, and leaves no staging folder behind, nor an
/// <c>--out</c> that the run created.
/// </summary>
public sealed class InterruptionTests : IDisposable
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("factored-signal-");

    public void Dispose() => _work.Delete(recursive: true);

    [SkippableTheory]
    [InlineData("INT", Interruption.SigIntExitCode)]
    [InlineData("TERM", Interruption.SigTermExitCode)]
    public void A_signal_during_the_analysis_removes_the_out_the_run_created(string signal, int exitCode)
    {
        string output = Path.Combine(_work.FullName, "out");

        var (code, error, elapsed) = Interrupt(signal, output);

        Assert.True(elapsed < Prompt, $"stopped {elapsed.TotalSeconds:0.0} s after SIG{signal}");
        Assert.Equal(exitCode, code);
        Assert.Equal($"factored: interrupted by SIG{signal}; stopped and removed the unfinished output.", error.Last());
        Assert.DoesNotContain(error, line => line.Contains("   at ", StringComparison.Ordinal));
        Assert.False(Directory.Exists(output), "the --out this run created is still there");
    }

    [SkippableFact]
    public void A_signal_keeps_an_existing_out_and_its_files()
    {
        string output = Directory.CreateDirectory(Path.Combine(_work.FullName, "existing")).FullName;
        File.WriteAllText(Path.Combine(output, "notes.txt"), "mine");

        var (code, error, _) = Interrupt("INT", output);

        Assert.Equal(Interruption.SigIntExitCode, code);
        Assert.StartsWith("factored: interrupted by SIGINT", error.Last(), StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
    }

    // Starts `factored circuits` on the synthetic model, sends the signal once the analysis is under way (the load stage
    // has finished), and returns the exit code, stderr's lines and the time from the signal to the exit.
    private static (int Code, string[] Error, TimeSpan Elapsed) Interrupt(string signal, string output)
    {
        Skip.If(OperatingSystem.IsWindows(), "POSIX signals");
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "factored"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "circuits", "--accelerator", "cpu", "--out", output })
        {
            start.ArgumentList.Add(argument);
        }

        var error = new ConcurrentQueue<string>();
        using var loaded = new ManualResetEventSlim();
        using var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                error.Enqueue(e.Data);
                if (e.Data.StartsWith("factored: load done", StringComparison.Ordinal))
                {
                    loaded.Set();
                }
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            Assert.True(loaded.Wait(TimeSpan.FromMinutes(3)), "the load stage did not finish: " + string.Join(" | ", error));
            Assert.True(Directory.EnumerateDirectories(output, ".factored-tmp-*").Any(), "no staging folder while the analysis runs");
            using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit();
            }

            var clock = Stopwatch.StartNew();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), $"still running a minute after SIG{signal}");
            process.WaitForExit();
            return (process.ExitCode, [.. error], clock.Elapsed);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
