using FactoredGpu.Circuits;
using FactoredGpu.Cli.Circuits;

namespace FactoredGpu.Tests.Cli;

/// <summary>Hand-built circuit reports with known values, for the writers' tests.</summary>
internal static class SampleReports
{
    /// <summary>
    /// A report on an <paramref name="layers"/> × <paramref name="heads"/> model with <c>d_head</c> <paramref name="dHead"/>:
    /// every value is a distinct function of its indices, L1H0 is the strongest copying head (+0.99), L1H1 anti-copying (−0.98),
    /// and L2H1's scores are NaN; L1H0's top tokens have text (one id missing from the vocabulary) unless <paramref name="tokens"/> is false.
    /// </summary>
    public static CircuitsOutput Create(int layers = 3, int heads = 2, int dHead = 4, bool synthetic = false, string source = "/models/gpt2/model.safetensors", bool tokens = true)
    {
        double[][] Grid(double offset) => [.. Enumerable.Range(0, layers).Select(l => Enumerable.Range(0, heads).Select(h => offset + 0.1 * l - 0.05 * h + 1e-13).ToArray())];
        double[][][] Cube(double offset) => [.. Enumerable.Range(0, layers).Select(l => Enumerable.Range(0, heads).Select(h => Enumerable.Range(0, dHead).Select(i => offset + l - 0.5 * h - 0.25 * i).ToArray()).ToArray())];
        double[][][][] Pairs(double offset) => [.. Enumerable.Range(0, layers).Select(l => Enumerable.Range(0, heads).Select(h => Enumerable.Range(0, layers).Select(l2 => Enumerable.Range(0, heads).Select(h2 => l2 > l ? offset + 0.01 * (l + h + l2 + h2) : 0).ToArray()).ToArray()).ToArray())];

        var ov = Grid(0.1);
        var full = Grid(-0.2);
        var qk = Grid(0.3);
        if (layers > 1 && heads > 1)
        {
            (ov[1][0], full[1][0], ov[1][1], full[1][1]) = (0.995, 0.99, -0.97, -0.98);
        }

        if (layers > 2 && heads > 1)
        {
            (ov[2][1], full[2][1], qk[2][1]) = (double.NaN, double.NaN, double.NaN);
        }

        var report = new CircuitReport
        {
            Model = new ModelSummary(layers, heads, 4 * dHead, dHead, 50, synthetic, Processing: true, source, "GPT2LMHeadModel", heads),
            OvCopyingScores = ov,
            QkCopyingScores = qk,
            FullOvCopyingScores = full,
            OvEigenvalues = new EigenvalueTable(Cube(2), Cube(0.5)),
            FullOvEigenvalues = new EigenvalueTable(Cube(40), Cube(-3)),
            OvSingularValues = Cube(5),
            OvNorms = Grid(7),
            CompositionScores = new CompositionTable(Pairs(0.1), Pairs(0.2), Pairs(0.3)),
            TopTokens = [new HeadTokens(1, 0, 0.99, [7, 3, 11], tokens ? [" the", "\n", null] : null, [4.5, 4.25, 1.0 / 3]), new HeadTokens(0, 1, 0.05, [1, 2, 0], tokens ? ["a", "b'c", "\\"] : null, [0.5, 0.25, 0.125])],
            TimingsMs = [new("ov", 1.5), new("qk", 2.25), new("full_ov", 10), new("composition", 3), new("top_tokens", 4)],
        };
        return new CircuitsOutput(report, new AcceleratorSummary("cpu", "Host CPU <x86_64>"), [new("load", 12.5), new("process", 3), .. report.TimingsMs, new("total", 40)]);
    }
}
