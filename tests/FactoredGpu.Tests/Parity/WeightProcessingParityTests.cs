using FactoredGpu.Models;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Parity;

/// <summary><see cref="WeightProcessing.Process"/> against TransformerLens's processed dev GPT-2 state dicts.</summary>
public sealed class WeightProcessingParityTests
{
    [Fact]
    public void Float64_processing_matches_TransformerLens_step_by_step_result()
    {
        using var raw = DevModel.Gpt2.Weights<double>("float64", "unprocessed");
        using var processed = WeightProcessing.Process(raw);
        var actual = DevModel.Gpt2.ToStateDict(processed);
        var expected = DevModel.Gpt2.StateDict("float64", "processed");

        // Reference README: processed GPT-2 weights, float64 variant, rtol 1e-12 (atol 1e-12·max(1, max|x|)).
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, values) in expected)
        {
            Close.Parity(values, actual[key], key);
        }
    }

    [Fact]
    public void Float32_processing_matches_TransformerLens_process_weights()
    {
        using var raw = DevModel.Gpt2.Weights<float>("float32", "unprocessed");
        using var processed = WeightProcessing.Process(raw);
        var actual = DevModel.Gpt2.ToStateDict(processed);

        // Reference README: processed GPT-2 weights, float32 variant, abs 1e-6.
        foreach (var (key, values) in DevModel.Gpt2.StateDict("float32", "processed"))
        {
            Close.All(values, actual[key], 0, 1e-6, key);
        }
    }

    [Fact]
    public void Processing_leaves_its_input_unchanged_and_works_without_an_MLP()
    {
        using var raw = DevModel.Gpt2.Weights<double>("float64", "unprocessed");
        double[] before = raw.WQ.ToArray();
        using var noMlp = DevModel.Gpt2.Weights<double>("float64", "unprocessed", mlp: false);
        using var withMlp = WeightProcessing.Process(raw);
        using var without = WeightProcessing.Process(noMlp);

        Assert.Equal(before, raw.WQ.ToArray());
        Assert.Null(without.Mlp);
        Assert.Null(without.Ln2W);
        Assert.Equal(withMlp.WO.ToArray(), without.WO.ToArray());
        Assert.Equal(withMlp.BO.ToArray(), without.BO.ToArray());
        Assert.Equal(withMlp.WU.ToArray(), without.WU.ToArray());
    }

    [Theory]
    [InlineData("dev_gpt2")]
    [InlineData("dev_llama_gqa")]
    public void Processing_over_its_input_equals_processing_a_copy_and_reuses_the_input_memory(string checkpoint)
    {
        // LayerNorm (GPT-2) rewrites every matrix; RMSNorm (Llama, GQA, untied) rewrites W_Q, W_K, W_V, W_U and keeps W_E, W_O.
        string path = ReferenceFiles.PathOf(checkpoint == "dev_gpt2" ? "dev_gpt2.safetensors" : checkpoint);
        var options = new ModelLoadOptions { Heads = checkpoint == "dev_gpt2" ? 2 : null, IncludeMlp = true };
        using var kept = TransformerCheckpoint.Load<double>(path, options);
        using var overwritten = TransformerCheckpoint.Load<double>(path, options);
        using var copy = WeightProcessing.Process(kept);
        using var inPlace = WeightProcessing.Process(overwritten, overwrite: true);

        (string Name, Func<TransformerWeights<double>, StridedTensor<double>> Get)[] matrices =
            [("W_E", w => w.WE), ("W_Q", w => w.WQ), ("W_K", w => w.WK), ("W_V", w => w.WV), ("W_O", w => w.WO), ("W_U", w => w.WU),
             ("b_O", w => w.BO), ("b_U", w => w.BU), ("W_in", w => w.Mlp!.WIn), ("W_out", w => w.Mlp!.WOut)];
        foreach (var (name, get) in matrices)
        {
            Assert.True(get(copy).ToArray().SequenceEqual(get(inPlace).ToArray()), name);
        }

        // GPT-2's tied W_U stays structure over the raw W_E, which is therefore not overwritten (the processed W_E gets new
        // memory); LayerNorm rewrites W_O too.
        var rewritten = checkpoint == "dev_gpt2" ? matrices[1..5] : [.. matrices[1..4], matrices[5]];
        if (checkpoint == "dev_gpt2")
        {
            Assert.Same(overwritten.WE.Buffer, inPlace.Tie!.Embedding.Buffer);
            Assert.NotSame(overwritten.WE.Buffer, inPlace.WE.Buffer);
            Assert.True(kept.WE.ToArray().SequenceEqual(overwritten.WE.ToArray()), "the raw W_E a tie reads was overwritten");
        }
        else
        {
            Assert.Null(inPlace.Tie);
        }

        foreach (var (name, get) in rewritten)
        {
            Assert.Same(get(overwritten).Buffer, get(inPlace).Buffer);
            Assert.NotSame(get(kept).Buffer, get(copy).Buffer);
            Assert.False(get(kept).ToArray().SequenceEqual(get(copy).ToArray()), $"{name} was left unchanged by processing");
        }
    }

    [Fact]
    public void Mis_shaped_weights_are_rejected_naming_the_tensor_and_both_shapes()
    {
        using var raw = DevModel.Gpt2.Weights<double>("float64", "unprocessed");
        var wrong = StridedTensor<double>.Zeros(3, 2, 7);
        var e = Assert.Throws<ArgumentException>(() => new TransformerWeights<double>(
            raw.Config, raw.WE, raw.WPos, raw.WQ, raw.WK, raw.WV, raw.WO, raw.BQ, raw.BK, wrong, raw.BO,
            raw.Ln1W, raw.Ln1B, raw.Ln2W, raw.Ln2B, raw.LnFinalW, raw.LnFinalB, raw.WU, raw.BU, null));
        Assert.Contains("b_V", e.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 2, 8]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 2, 7]", e.Message, StringComparison.Ordinal);
    }
}
