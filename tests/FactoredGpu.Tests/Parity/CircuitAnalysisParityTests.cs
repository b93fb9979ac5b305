using System.Numerics;
using FactoredGpu.Circuits;
using FactoredGpu.Kernels;
using FactoredGpu.Kernels.Host;
using FactoredGpu.Models;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Parity;

/// <summary>
/// <see cref="CircuitAnalysis.Run"/> on TransformerLens's processed dev GPT-2 weights against the circuits recorded in
/// <c>dev_gpt2_reference.json</c>, with the reference README's tolerances.
/// </summary>
public sealed class CircuitAnalysisParityTests
{
    private static readonly CircuitAnalysisOptions Options = new() { TopTokenHeads = 3, TopK = 5 };

    [Fact]
    public void Float64_report_matches_TransformerLens() =>
        AssertMatches(Analyse<double>("float64", HostKernels.Shared), "float64",
            eigen: 1e-9, fullEigen: 1e-9, score: 1e-9, singular: 1e-7, norm: 1e-10, values: 1e-12);

    [Fact]
    public void Float32_report_matches_TransformerLens() =>
        AssertMatches(Analyse<float>("float32", HostKernels.Shared), "float32",
            eigen: 1e-5, fullEigen: 1e-4, score: 1e-5, singular: 1e-5, norm: 1e-5, values: 1e-5);

    [Fact]
    public void Float32_report_on_the_ILGPU_CPU_accelerator_matches_TransformerLens()
    {
        using var ilgpu = Accelerators.Create(AcceleratorKind.IlgpuCpu);
        AssertMatches(Analyse<float>("float32", ilgpu), "float32",
            eigen: 1e-5, fullEigen: 1e-4, score: 1e-5, singular: 1e-5, norm: 1e-5, values: 1e-5);
    }

    [Fact]
    public void A_head_with_NaN_weights_reports_NaN_and_the_others_are_unaffected()
    {
        using var clean = DevModel.Gpt2.Weights<double>("float64", "processed", mlp: false);
        double[] wv = clean.WV.ToArray();
        int perHead = 16 * 8, poisoned = 2 * 2 + 1;
        wv[poisoned * perHead + 5] = double.NaN;
        using var weights = new TransformerModel<double>(new TransformerWeights<double>(
            clean.Config, clean.WE.Contiguous(), clean.WPos!.Contiguous(), clean.WQ.Contiguous(), clean.WK.Contiguous(), StridedTensor<double>.FromArray(wv, 3, 2, 16, 8), clean.WO.Contiguous(),
            clean.BQ.Contiguous(), clean.BK.Contiguous(), clean.BV.Contiguous(), clean.BO.Contiguous(),
            clean.Ln1W.Contiguous(), clean.Ln1B!.Contiguous(), null, null,
            clean.LnFinalW.Contiguous(), clean.LnFinalB!.Contiguous(), clean.WU.Contiguous(), clean.BU.Contiguous(), null));
        var report = CircuitAnalysis.Run(weights, Summary(weights), HostKernels.Shared, new CircuitAnalysisOptions { TopTokenHeads = 6 });

        Assert.True(double.IsNaN(report.OvCopyingScores[2][1]) && double.IsNaN(report.FullOvCopyingScores[2][1]));
        Assert.False(double.IsNaN(report.QkCopyingScores[2][1]));
        Assert.Equal(1.0, report.OvCopyingScores[1][0], 1e-9);
        Assert.DoesNotContain(report.TopTokens, t => (t.Layer, t.Head) == (2, 1));
        Assert.Equal(5, report.TopTokens.Count);
    }

    [Fact]
    public void A_summary_that_disagrees_with_the_weights_is_rejected()
    {
        using var weights = new TransformerModel<double>(DevModel.Gpt2.Weights<double>("float64", "processed", mlp: false));
        var e = Assert.Throws<ArgumentException>(() => CircuitAnalysis.Run(weights, Summary(weights) with { NHeads = 3 }, HostKernels.Shared, Options));
        Assert.Contains("H=3", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => CircuitAnalysis.Run(weights, Summary(weights), HostKernels.Shared, new CircuitAnalysisOptions { TopK = 41 }));
    }

    private static ModelSummary Summary<T>(TransformerModel<T> model)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new(model.NLayers, model.NHeads, model.Config.DModel, model.Config.DHead, model.Config.DVocab, Synthetic: false, Processing: true, "dev_gpt2 (TransformerLens processed)", model.Config.Architecture, model.Config.NKeyValueHeads);

    private static CircuitReport Analyse<T>(string precision, IKernels backend)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var weights = new TransformerModel<T>(DevModel.Gpt2.Weights<T>(precision, "processed", mlp: false));
        var stages = new List<CircuitProgress>();
        var report = CircuitAnalysis.Run(weights, Summary(weights), backend, Options, new Inline(stages.Add));
        string[] names = ["ov", "qk", "full_ov", "composition", "top_tokens"];
        Assert.Equal(names, report.TimingsMs.Select(t => t.Key));
        Assert.Equal(names, stages.Where(s => s.Fraction == 0).Select(s => s.Stage));
        Assert.Equal(names, stages.Where(s => s.Completed).Select(s => s.Stage).Distinct());
        return report;
    }

    private static void AssertMatches(CircuitReport report, string precision, double eigen, double fullEigen, double score, double singular, double norm, double values)
    {
        var circuits = DevModel.Gpt2.Circuits(precision);
        static double[] Flat(double[][] x) => [.. x.SelectMany(r => r)];
        static double[] Flat3(double[][][] x) => [.. x.SelectMany(r => r.SelectMany(h => h))];

        foreach (var (name, table, tolerance) in new[] { ("OV", report.OvEigenvalues, eigen), ("full_OV", report.FullOvEigenvalues, fullEigen) })
        {
            var (shape, re, im) = ReferenceFiles.Complex(circuits.GetProperty(name).GetProperty("eigenvalues"));
            FullCircuitParityTests.AssertEigenvalues(re, im, Flat3(table.Real), Flat3(table.Imag), shape[^1], tolerance);

            // Each head's eigenvalues come sorted by descending real part, then imaginary part.
            foreach (var (real, imag) in table.Real.SelectMany(l => l).Zip(table.Imag.SelectMany(l => l)))
            {
                for (int i = 1; i < real.Length; i++)
                {
                    Assert.True(real[i - 1] > real[i] || (real[i - 1] == real[i] && imag[i - 1] >= imag[i]), $"{name} eigenvalues out of order");
                }
            }
        }

        Close.All(ReferenceFiles.Real(circuits.GetProperty("OV").GetProperty("copying_score")).Data, Flat(report.OvCopyingScores), 0, score, "OV copying");
        Close.All(ReferenceFiles.Real(circuits.GetProperty("QK").GetProperty("copying_score")).Data, Flat(report.QkCopyingScores), 0, score, "QK copying");
        Close.All(ReferenceFiles.Real(circuits.GetProperty("full_OV").GetProperty("copying_score")).Data, Flat(report.FullOvCopyingScores), 0, score, "full OV copying");

        // S from Gram matrices (√ε-class, see FactoredMatrix.SingularValues): 1e-7·max(1, S_max) in float64.
        double[] s = ReferenceFiles.Real(circuits.GetProperty("OV").GetProperty("S")).Data;
        double sMax = s.Max();
        Close.All(s, Flat3(report.OvSingularValues), 0, singular * Math.Max(1, sMax), "OV S");
        Close.All(ReferenceFiles.Real(circuits.GetProperty("OV").GetProperty("norm")).Data, Flat(report.OvNorms), 0, norm * Math.Max(1, sMax), "OV norm");

        // all_composition_scores: the unmasked scores, zero where layer2 <= layer1 ([3, 2, 3, 2]: layer1 = i / 12, layer2 = i / 2 % 3).
        Assert.NotNull(report.CompositionScores);
        foreach (var (mode, table) in new[] { ("Q", report.CompositionScores.Q), ("K", report.CompositionScores.K), ("V", report.CompositionScores.V) })
        {
            double[] unmasked = ReferenceFiles.Real(circuits.GetProperty("composition_scores_unmasked").GetProperty(mode)).Data;
            double[] expected = [.. unmasked.Select((x, i) => i / 2 % 3 > i / 12 ? x : 0)];
            Close.All(expected, [.. table.SelectMany(a => a.SelectMany(b => b.SelectMany(c => c)))], 0, score, $"{mode}-composition");
        }

        // Planted heads of layer 1: copying (+1) and anti-copying (−1), in OV and full OV.
        Assert.Equal(1.0, report.OvCopyingScores[1][0], score * 10);
        Assert.Equal(-1.0, report.OvCopyingScores[1][1], score * 10);
        Assert.Equal(1.0, report.FullOvCopyingScores[1][0], score * 10);
        Assert.Equal(-1.0, report.FullOvCopyingScores[1][1], score * 10);

        // Top tokens: the heads with the highest recorded full OV scores, and the top of the recorded diagonal.
        double[] fullScores = ReferenceFiles.Real(circuits.GetProperty("full_OV").GetProperty("copying_score")).Data;
        int[] heads = [.. Enumerable.Range(0, fullScores.Length).OrderByDescending(i => fullScores[i]).Take(Options.TopTokenHeads)];
        Assert.Equal(heads, report.TopTokens.Select(t => t.Layer * 2 + t.Head));
        var (abShape, ab) = ReferenceFiles.Real(circuits.GetProperty("full_OV").GetProperty("AB"));
        int v = abShape[^1];
        foreach (var tokens in report.TopTokens)
        {
            int head = tokens.Layer * 2 + tokens.Head;
            double[] diagonal = [.. Enumerable.Range(0, v).Select(t => ab[(((long)head * v) + t) * v + t])];
            int[] expected = [.. Enumerable.Range(0, v).OrderByDescending(t => diagonal[t]).ThenBy(t => t).Take(Options.TopK + 1)];
            Assert.Equal(fullScores[head], tokens.FullOvCopyingScore, score);
            for (int i = 0; i < Options.TopK; i++)
            {
                double want = diagonal[expected[i]];
                Assert.Equal(want, tokens.Values[i], values * Math.Max(1, Math.Abs(want)));
                if (Math.Abs(want - diagonal[expected[i + 1]]) > 1e-4 * Math.Max(1, Math.Abs(want)))
                {
                    Assert.Equal(expected[i], tokens.TokenIds[i]);
                }
            }
        }
    }

    /// <summary>Progress reported on the calling thread.</summary>
    private sealed class Inline(Action<CircuitProgress> action) : IProgress<CircuitProgress>
    {
        public void Report(CircuitProgress value) => action(value);
    }
}
