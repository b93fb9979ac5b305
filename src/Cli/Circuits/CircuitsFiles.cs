using System.Text;

namespace FactoredGpu.Cli.Circuits;

/// <summary>Writes every output file of <c>factored circuits</c> into an output directory, all or nothing.</summary>
internal static class CircuitsFiles
{
    /// <summary>The data files' names; <c>circuits.json</c> moves into place last.</summary>
    public const string Json = "circuits.json", Csv = "circuits.csv", Html = "report.html";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Writes the CSV, the PNG charts, the HTML report and, last, <c>circuits.json</c> into <paramref name="staging"/>,
    /// then moves them into its output directory; <paramref name="finish"/> receives the time spent writing (for the
    /// JSON's <c>write</c> and <c>total</c> timings) and returns the output the JSON records.
    /// </summary>
    /// <returns>The written files' full paths, in the order they were moved into place.</returns>
    public static IReadOnlyList<string> Write(CircuitsOutput output, StagingDirectory staging, Func<TimeSpan, CircuitsOutput> finish)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var names = new List<string> { Csv };
        using (var csv = new StreamWriter(Path.Combine(staging.Path, Csv), append: false, Utf8))
        {
            CircuitsCsv.Write(output, csv);
        }

        foreach (var chart in output.Charts())
        {
            names.Add(Path.GetFileName(PngCharts.Save(chart, staging.Path)));
        }

        names.Add(Html);
        using (var html = new StreamWriter(Path.Combine(staging.Path, Html), append: false, Utf8))
        {
            ReportHtml.Write(output, html);
        }

        names.Add(Json);
        using (var json = File.Create(Path.Combine(staging.Path, Json)))
        {
            CircuitsJson.Write(finish(clock.Elapsed), json);
        }

        staging.Commit(names);
        return [.. names.Select(name => Path.Combine(staging.Output, name))];
    }
}
