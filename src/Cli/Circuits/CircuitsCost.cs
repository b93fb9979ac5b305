using System.Globalization;
using FactoredGpu.Circuits;

namespace FactoredGpu.Cli.Circuits;

/// <summary>
/// What <c>factored circuits</c> costs on a model, to say up front how long a slow backend will take.
/// </summary>
internal static class CircuitsCost
{
    /// <summary>
    /// ILGPU's CPU accelerator runs the GPU kernels at about 0.1 GFLOP/s (measured by the benchmarks, bench/RESULTS.md):
    /// it is there to check the kernels' results, not for speed.
    /// </summary>
    public const double IlgpuCpuFlopsPerSecond = 0.1e9;

    /// <summary>
    /// The FLOPs of the heavy stages: the full OV eigenvalues (the planner's order, <c>W_U·W_E</c> once for all heads)
    /// and, for each of <paramref name="topTokenHeads"/> heads, the full OV diagonal from its halves <c>W_E·W_V</c> and
    /// <c>W_O·W_U</c>. The OV, QK and composition stages work on <c>d_head</c>-sized problems and are left out.
    /// </summary>
    public static double Flops(ModelSummary model, int topTokenHeads)
    {
        int[] embed = [model.DVocab, model.DModel], values = [model.NLayers, model.NHeads, model.DModel, model.DHead];
        int[] output = [model.NLayers, model.NHeads, model.DHead, model.DModel], unembed = [model.DModel, model.DVocab];
        double fullOv = ChainPlanner.ForEigenvalues([embed, values, output, unembed]).TotalFlops;
        double halves = 2.0 * 2.0 * model.DVocab * model.DModel * model.DHead;
        double diagonal = 2.0 * model.DVocab * model.DHead;
        return fullOv + topTokenHeads * (halves + diagonal);
    }

    /// <summary>
    /// The one line to print before analysing <paramref name="model"/> on ILGPU's CPU accelerator, when the estimate
    /// exceeds a minute; otherwise <see langword="null"/>.
    /// </summary>
    public static string? IlgpuCpuWarning(ModelSummary model, int topTokenHeads)
    {
        double flops = Flops(model, topTokenHeads);
        var time = TimeSpan.FromSeconds(flops / IlgpuCpuFlopsPerSecond);
        return time < TimeSpan.FromMinutes(1)
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"factored: ilgpu-cpu runs the GPU kernels on ILGPU's CPU accelerator, a correctness backend (about {IlgpuCpuFlopsPerSecond / 1e9:0.0} GFLOP/s): this model needs about {flops / 1e9:0} GFLOP, so roughly {Duration(time)}; --accelerator cpu runs the same analysis with SIMD kernels on all cores.");
    }

    private static string Duration(TimeSpan time) =>
        time.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{time.TotalHours:0.0} hours")
            : string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(time.TotalMinutes):0} minutes");
}
