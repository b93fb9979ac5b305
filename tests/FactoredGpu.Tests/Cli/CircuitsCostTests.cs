using FactoredGpu.Circuits;
using FactoredGpu.Cli.Circuits;
using FactoredGpu.Models;
using Xunit;

namespace FactoredGpu.Tests.Cli;

/// <summary>The up-front estimate for <c>--accelerator ilgpu-cpu</c>: FLOPs counted by hand for GPT-2 small.</summary>
public sealed class CircuitsCostTests
{
    [Fact]
    public void Gpt2_small_flops_are_the_shared_unembedding_product_plus_the_rotated_heads_plus_the_top_token_halves()
    {
        var model = SyntheticGpt2.Summary(SyntheticGpt2.DefaultSeed, processing: true);
        const double V = 50257, d = 768, dh = 64, heads = 144;

        // W_U·W_E once [d, V]·[V, d], then per head W_O·(W_U·W_E) [dh, d]·[d, d] and (·)·W_V [dh, d]·[d, dh];
        // five top-token heads: W_E·W_V and W_O·W_U [V, dh] halves, and their row-wise dot products.
        double expected = 2 * d * V * d + heads * (2 * dh * d * d + 2 * dh * d * dh) + 5 * (2 * 2 * V * d * dh + 2 * V * dh);

        Assert.Equal(expected, CircuitsCost.Flops(model, topTokenHeads: 5), expected * 1e-12);
    }

    [Fact]
    public void Ilgpu_cpu_warning_gives_the_time_and_says_it_is_a_correctness_backend_only_when_it_is_long()
    {
        var large = SyntheticGpt2.Summary(SyntheticGpt2.DefaultSeed, processing: true);
        string? warning = CircuitsCost.IlgpuCpuWarning(large, topTokenHeads: 5);

        Assert.NotNull(warning);
        Assert.Matches(@"^factored: ilgpu-cpu .* a correctness backend \(about 0\.1 GFLOP/s\): this model needs about 1\d\d GFLOP, so roughly 2\d minutes; ", warning);
        Assert.Null(CircuitsCost.IlgpuCpuWarning(new ModelSummary(3, 2, 16, 8, 40, Synthetic: false, Processing: true, "dev", "GPT2LMHeadModel", 2), topTokenHeads: 5));
    }
}
