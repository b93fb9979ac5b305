using System.Globalization;
using System.Text;
using System.Text.Json;
using FactoredGpu.Bench.Infrastructure;

namespace FactoredGpu.Bench.Quick;

/// <summary>The quick report: one ratio table on the console, and the same rows with the machine's peaks as JSON.</summary>
internal static class QuickReport
{
    private static readonly string[] Header =
        ["workload", "route", "n", "median", "best", "full-size", "× ours", "GFLOP/s", "% FMA", "GB/s", "% BW", "peak mem", "note"];

    public static string Table(IReadOnlyList<QuickRow> rows)
    {
        var cells = new List<string[]> { Header };
        string? previous = null;
        foreach (var r in rows)
        {
            cells.Add([
                r.Workload == previous ? "" : r.Workload, r.Route, r.Samples.ToString(CultureInfo.InvariantCulture),
                Time(r.MedianTime), Time(r.BestTime), r.Fraction < 1 ? Time(r.FullSizeTime) : "",
                r.RatioToOurs is { } x ? x.ToString(x >= 10 ? "0" : "0.00", CultureInfo.InvariantCulture) : "",
                Number(r.GflopsPerSecond), Percent(r.PercentOfFmaPeak), Number(r.GigabytesPerSecond), Percent(r.PercentOfBandwidth),
                r.PeakMemoryBytes is { } b ? $"{b / 1048576.0:0} MiB" : "", r.Note]);
            previous = r.Workload;
        }

        int[] widths = [.. Enumerable.Range(0, Header.Length).Select(c => cells.Max(row => row[c].Length))];
        var text = new StringBuilder();
        foreach (var row in cells)
        {
            text.AppendLine(string.Join(" | ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }

        return text.ToString();
    }

    public static void WriteJson(string path, string accelerator, string device, MachinePeak peak, double totalSeconds, IReadOnlyList<QuickRow> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var report = new
        {
            Date = DateTimeOffset.UtcNow,
            Accelerator = accelerator,
            Device = device,
            Environment.ProcessorCount,
            Runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            Peak = peak,
            PeakMemoryMethod = PeakMemory.Method,
            TotalSeconds = totalSeconds,
            Rows = rows,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static string Time(double? seconds) => seconds switch
    {
        null => "",
        >= 1 => $"{seconds:0.00} s",
        >= 1e-3 => $"{seconds * 1e3:0.0} ms",
        _ => $"{seconds * 1e6:0} µs",
    };

    private static string Number(double? value) => value is { } v ? v.ToString(v >= 100 ? "0" : v >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture) : "";

    private static string Percent(double? value) => value is { } v ? v.ToString(v >= 10 ? "0" : "0.0", CultureInfo.InvariantCulture) + "%" : "";
}
