using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Notebooks;

/// <summary>
/// notebooks/FactoredMatrix.ipynb run headless with dotnet-repl (the repository's local dotnet tool, restored from NuGet
/// by <c>dotnet tool restore</c>): every cell runs without an error, and the printed numbers are TransformerLens's
/// recorded ones. Without the tool (no NuGet) or without the Release build the notebook references, it skips with the reason.
/// </summary>
public sealed class NotebookTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    [SkippableFact]
    public void FactoredMatrix_notebook_runs_and_prints_TransformerLens_numbers()
    {
        string root = RepositoryRoot();
        Skip.IfNot(File.Exists(Path.Combine(root, "src", "Cli", "bin", "Release", "net10.0", "FactoredGpu.Plots.dll")),
            "the notebook references the Release build (src/Cli/bin/Release/net10.0); build with -c Release");
        var (restored, restoreLog) = Run(root, "dotnet", "tool", "restore");
        Skip.IfNot(restored == 0, $"dotnet tool restore failed (no NuGet?): {restoreLog.Trim().Split('\n').LastOrDefault()}");

        string output = Path.Combine(Path.GetTempPath(), $"factored-notebook-{Guid.NewGuid():N}.ipynb");
        try
        {
            string notebooks = Path.Combine(root, "notebooks");
            var (code, log) = Run(notebooks, "dotnet", "repl", "--run", "FactoredMatrix.ipynb", "--exit-after-run", "--output-path", output);
            Assert.True(code == 0 && File.Exists(output), $"dotnet repl exited {code}:\n{log}");

            using var notebook = JsonDocument.Parse(File.ReadAllBytes(output));
            var outputs = notebook.RootElement.GetProperty("cells").EnumerateArray()
                .Where(c => c.GetProperty("cell_type").GetString() == "code")
                .SelectMany(c => c.GetProperty("outputs").EnumerateArray()).ToArray();
            var errors = outputs.Where(o => o.GetProperty("output_type").GetString() == "error").Select(o => o.GetProperty("evalue").GetString()).ToArray();
            Assert.True(errors.Length == 0, "cells failed:\n" + string.Join("\n", errors));
            string printed = string.Concat(outputs.Where(o => o.GetProperty("output_type").GetString() == "stream").SelectMany(o => o.GetProperty("text").EnumerateArray()).Select(t => t.GetString()));

            using var reference = ReferenceFiles.Load("seed_notebook_case.json");
            var seed = reference.RootElement.GetProperty("case");
            string F4(JsonElement scalar) => ReferenceFiles.Real(scalar).Data[0].ToString("F4", CultureInfo.InvariantCulture);
            var eigenvalues = ReferenceFiles.Complex(seed.GetProperty("factored_eigenvalues"));
            double[] singular = ReferenceFiles.Real(seed.GetProperty("factored_S")).Data;

            Assert.Contains($"Norms:\n{F4(seed.GetProperty("AB_dense_norm"))}\ntensor({F4(seed.GetProperty("factored_norm"))})\n", printed, StringComparison.Ordinal);
            Assert.Contains("Right dim: 5, Left dim: 5, Hidden dim: 2", printed, StringComparison.Ordinal);
            foreach (double re in eigenvalues.Real)
            {
                Assert.Contains(re.ToString("F4", CultureInfo.InvariantCulture) + "+0.0000j", printed, StringComparison.Ordinal);
            }

            Assert.Contains($"tensor([{singular[0].ToString("F4", CultureInfo.InvariantCulture)}, {singular[1].ToString("F4", CultureInfo.InvariantCulture)}])", printed, StringComparison.Ordinal);
            var reseeded = seed.GetProperty("C_reseeded");
            Assert.Contains($"Unfactored: [5, 300] {F4(reseeded.GetProperty("ABC_dense_norm"))}", printed, StringComparison.Ordinal);
            Assert.Contains($"Factored: [5, 300] tensor({F4(reseeded.GetProperty("ABC_factored_norm"))})", printed, StringComparison.Ordinal);
            Assert.Contains("Right dim: 300, Left dim: 5, Hidden dim: 2", printed, StringComparison.Ordinal);
            Assert.Contains("AB recovered: True", printed, StringComparison.Ordinal);
            Assert.Contains("FactoredMatrix: Shape([12, 12, 768, 768]), Hidden Dim(64)", printed, StringComparison.Ordinal);
            Assert.Contains("FactoredMatrix: Shape([12, 12, 50257, 50257]), Hidden Dim(64)", printed, StringComparison.Ordinal);
            Assert.Equal(2, CountOf(printed, "[12, 12, 64]\n"));

            // The synthetic model's planted heads: L1H4 copies (+1), L3H2 suppresses (−1).
            Assert.Contains("L1H4 1.0000, L3H2 -1.0000", printed, StringComparison.Ordinal);
            int charts = outputs.Count(o => o.GetProperty("output_type").GetString() == "display_data" &&
                o.GetProperty("data").TryGetProperty("text/html", out var html) && string.Concat(html.EnumerateArray().Select(t => t.GetString())).Contains("Plotly.newPlot", StringComparison.Ordinal));
            Assert.Equal(4, charts);
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FactoredGpu.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"FactoredGpu.sln not found above {AppContext.BaseDirectory}");
    }

    private static (int Code, string Log) Run(string directory, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish in {Limit.TotalMinutes} minutes");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
