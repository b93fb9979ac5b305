using System.Globalization;
using FactoredGpu.Circuits;
using FactoredGpu.Plots;

namespace FactoredGpu.Cli.Circuits;

/// <summary>What <c>factored circuits</c> prints on stdout: the model and accelerator, the most copying and anti-copying heads, the strongest heads' tokens, stage timings and the written files.</summary>
internal static class ConsoleSummary
{
    /// <summary>Heads listed from each end of the ranking (all of them when there are at most twice this many).</summary>
    public const int HeadsPerEnd = 5;

    /// <summary>Writes the header: model, source, accelerator, and <paramref name="tokens"/>, where token text comes from.</summary>
    public static void WriteHeader(TextWriter writer, ModelSummary model, AcceleratorSummary accelerator, string tokens)
    {
        writer.WriteLine($"factored circuits: {ModelLabel.Title(model)}");
        writer.WriteLine($"  source       {model.Source}");
        writer.WriteLine($"  accelerator  {accelerator.Kind}: {accelerator.Device}");
        writer.WriteLine($"  tokens       {tokens}");
        writer.WriteLine();
    }

    /// <summary>Writes the findings, the timings and where <paramref name="files"/> went.</summary>
    public static void WriteFindings(TextWriter writer, CircuitsOutput output, IReadOnlyList<string> files)
    {
        var report = output.Report;
        var ranked = HeadRanking.ByFullOvCopyingScore(report);
        writer.WriteLine("Heads by full OV copying score (W_E·W_V·W_O·W_U; +1 copies the token it attends to, -1 suppresses it):");
        var rows = new List<IReadOnlyList<string>>();
        bool all = ranked.Count <= 2 * HeadsPerEnd;
        foreach (var (h, i) in ranked.Select((h, i) => (h, i)))
        {
            if (all || i < HeadsPerEnd || i >= ranked.Count - HeadsPerEnd)
            {
                rows.Add([
                    "  " + h,
                    Numbers.Signed(report.FullOvCopyingScores[h.Layer][h.Head]),
                    Numbers.Signed(report.OvCopyingScores[h.Layer][h.Head]),
                    Numbers.Signed(report.QkCopyingScores[h.Layer][h.Head]),
                    Numbers.General(report.OvNorms[h.Layer][h.Head]),
                ]);
            }
            else if (i == HeadsPerEnd)
            {
                rows.Add(["  ...", $"({ranked.Count - 2 * HeadsPerEnd} more)", string.Empty, string.Empty, string.Empty]);
            }
        }

        TextTable.Write(writer, ["  head", "full OV", "OV", "QK", "|OV|_F"], rows);
        int missing = report.Model.NLayers * report.Model.NHeads - ranked.Count;
        if (missing > 0)
        {
            writer.WriteLine($"  ({missing} heads gave no finite score: NaN)");
        }

        writer.WriteLine();
        if (report.TopTokens.Count > 0)
        {
            writer.WriteLine("Tokens the strongest copying heads map most to themselves (token: diagonal of W_E·W_V·W_O·W_U):");
            foreach (var tokens in report.TopTokens)
            {
                writer.WriteLine($"  {new HeadId(tokens.Layer, tokens.Head)} {Numbers.Signed(tokens.FullOvCopyingScore)}  " +
                    string.Join(", ", tokens.Values.Select((value, i) => $"{TokenSource.Label(tokens, i)}: {Numbers.General(value, 3)}")));
            }

            writer.WriteLine();
        }

        writer.WriteLine("Timings: " + string.Join(", ", output.TimingsMs.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key} {t.Value:0} ms"))));
        writer.WriteLine($"Wrote {files.Count} files to {Path.GetDirectoryName(files[0])}:");
        writer.WriteLine("  " + string.Join(", ", files.Select(Path.GetFileName)));
    }
}
