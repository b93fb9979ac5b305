using System.Diagnostics;
using FactoredGpu.Circuits;
using FactoredGpu.Kernels.Host;
using FactoredGpu.Models;
using Xunit;
using Xunit.Abstractions;

namespace FactoredGpu.Tests.Models;

/// <summary>The embedded synthetic GPT-2-small: reproducible, GPT-2-shaped, and its planted heads found by the analysis.</summary>
public sealed class SyntheticGpt2Tests(ITestOutputHelper output)
{
    [Fact]
    public void Two_creations_with_one_seed_are_identical_and_another_seed_differs()
    {
        var clock = Stopwatch.StartNew();
        using var first = SyntheticGpt2.Create<float>();
        output.WriteLine($"SyntheticGpt2.Create: {clock.Elapsed.TotalMilliseconds:F0} ms");
        using var second = SyntheticGpt2.Create<float>();
        using var other = SyntheticGpt2.Create<float>(SyntheticGpt2.DefaultSeed + 1);

        Assert.Equal((12, 12, 768, 64, 50257, 1024), (first.NLayers, first.NHeads, first.DModel, first.DHead, first.DVocab, first.Config.NCtx));
        Assert.Null(first.Mlp);
        Assert.Equal(first.WE.ToArray(), second.WE.ToArray());
        Assert.Equal(first.WO.ToArray(), second.WO.ToArray());
        Assert.Equal(first.WQ.ToArray(), second.WQ.ToArray());
        Assert.NotEqual(first.WV.ToArray(), other.WV.ToArray());

        // GPT-2-like scales, and the tied unembedding.
        float[] we = first.WE.ToArray(), wq = first.WQ.ToArray();
        Assert.Equal(0.1, Std(we), 2e-3);
        Assert.Equal(0.02, Std(wq), 4e-4);
        Assert.Equal(first.WE[7, 3], first.WU[3, 7]);
    }

    [Fact]
    public void Seed_sequence_is_pinned()
    {
        // The first values of stream 1 (W_E) of the default seed: a change here changes every synthetic report.
        using var weights = SyntheticGpt2.Create<float>();
        float[] head = weights.WE.ToArray()[..4];
        output.WriteLine(string.Join(", ", head.Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(PinnedHead, head);
    }

    [Fact]
    public void Planted_heads_score_plus_and_minus_one_after_processing_and_stages_are_timed()
    {
        var clock = Stopwatch.StartNew();
        using var raw = SyntheticGpt2.Create<float>();
        double create = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        using var weights = new TransformerModel<float>(WeightProcessing.Process(raw));
        double process = clock.Elapsed.TotalMilliseconds;
        var stages = new List<CircuitProgress>();
        var report = CircuitAnalysis.Run(weights, SyntheticGpt2.Summary(SyntheticGpt2.DefaultSeed, processing: true), HostKernels.Shared, new CircuitAnalysisOptions(), new Inline(stages.Add));
        output.WriteLine($"create {create:F0} ms, process {process:F0} ms, " + string.Join(", ", report.TimingsMs.Select(t => $"{t.Key} {t.Value:F0} ms")));

        Assert.Equal(["ov", "qk", "full_ov", "composition", "top_tokens"], report.TimingsMs.Select(t => t.Key));
        Assert.Equal(report.TimingsMs.Select(t => t.Key), stages.Where(s => s.Completed).Select(s => s.Stage).Distinct());
        Assert.True(report.Model.Synthetic);
        foreach (var planted in SyntheticGpt2.PlantedHeads)
        {
            double ov = report.OvCopyingScores[planted.Layer][planted.Head], full = report.FullOvCopyingScores[planted.Layer][planted.Head];
            output.WriteLine($"L{planted.Layer}H{planted.Head}: OV {ov:F4}, full OV {full:F4}");
            if (planted.Copying)
            {
                Assert.True(ov > 0.9 && full > 0.9, $"L{planted.Layer}H{planted.Head}: OV {ov}, full OV {full}");
            }
            else
            {
                Assert.True(ov < -0.9 && full < -0.9, $"L{planted.Layer}H{planted.Head}: OV {ov}, full OV {full}");
            }
        }

        // The copying heads lead the top-token list.
        Assert.Equal(5, report.TopTokens.Count);
        var copying = SyntheticGpt2.PlantedHeads.Where(p => p.Copying).Select(p => (p.Layer, p.Head)).ToHashSet();
        Assert.True(report.TopTokens.Take(3).All(t => copying.Contains((t.Layer, t.Head))));
        Assert.All(report.TopTokens, t => Assert.Equal(10, t.TokenIds.Length));
        Assert.True(report.OvEigenvalues.Real[0][0].Length == 64 && report.FullOvEigenvalues.Real[11][11].Length == 64);
    }

    private static readonly float[] PinnedHead = [0.08320379f, 0.18229815f, 0.017183412f, 0.007888207f];

    private static double Std(float[] x)
    {
        double mean = x.Average(v => (double)v);
        return Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / x.Length);
    }

    /// <summary>Progress reported on the calling thread (<see cref="Progress{T}"/> posts to the thread pool).</summary>
    private sealed class Inline(Action<CircuitProgress> action) : IProgress<CircuitProgress>
    {
        public void Report(CircuitProgress value) => action(value);
    }
}
