using System.Diagnostics;
using System.Text.RegularExpressions;
using FactoredGpu.Cli.Circuits;
using Xunit;

namespace FactoredGpu.Tests.Cli;

/// <summary>
/// report.html opened in headless Chromium from a file:// URL with no network (every host name unresolvable): no console
/// message or uncaught error, every chart drawn by plotly.js (the page's own marker, and plotly's SVGs), and the hover
/// data in place. Chromium comes from <c>$FACTOREDGPU_CHROMIUM</c> or <c>/usr/bin/chromium</c>; the test installs nothing
/// (<c>.ci/run</c> does), and without chromium it skips with the reason.
/// </summary>
public sealed partial class ReportHtmlTests
{
    private static readonly Lazy<(string? Path, string Reason)> Chromium = new(FindChromium);

    [SkippableFact]
    public void Report_renders_every_chart_in_headless_chromium_without_errors()
    {
        var (chromium, reason) = Chromium.Value;
        Skip.If(chromium is null, reason);

        var output = SampleReports.Create(layers: 4, heads: 3, synthetic: true, source: "synthetic <model> & \"seed\"");
        var directory = Directory.CreateTempSubdirectory("factored-html-");
        try
        {
            string page = Path.Combine(directory.FullName, "report.html");
            using (var writer = new StreamWriter(page))
            {
                ReportHtml.Write(output, writer);
            }

            var (dom, log) = Run(chromium!, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", "--host-resolver-rules=MAP * ~NOTFOUND", "--dump-dom", new Uri(page).AbsoluteUri);

            // Our page logs nothing: any console line is an error, a warning or an uncaught exception.
            Assert.DoesNotMatch(ConsoleLine(), log);
            Assert.DoesNotContain("data-error=", dom, StringComparison.Ordinal);
            Assert.Matches($"<body[^>]* data-rendered=\"{output.Charts().Count}\"", dom);
            Assert.Equal(output.Charts().Count, Regex.Matches(dom, "<div class=\"plot js-plotly-plot\"").Count);
            Assert.Contains("L1H0: OV +0.995, full OV +0.990", dom, StringComparison.Ordinal);
            Assert.Contains("synthetic &lt;model&gt; &amp; \"seed\"", dom, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@":CONSOLE[:(]|Uncaught")]
    private static partial Regex ConsoleLine();

    private static (string Stdout, string Stderr) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in 2 minutes");
        }

        return (stdout.Result, stderr.Result);
    }

    private static (string? Path, string Reason) FindChromium()
    {
        string? configured = Environment.GetEnvironmentVariable("FACTOREDGPU_CHROMIUM");
        string? found = new[] { configured, "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(candidate => !string.IsNullOrEmpty(candidate) && File.Exists(candidate));
        return found is not null
            ? (found, string.Empty)
            : (null, "no chromium: set FACTOREDGPU_CHROMIUM or install Debian's chromium (.ci/run installs it)");
    }
}
