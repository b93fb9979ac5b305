using FactoredGpu.Models;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Models;

/// <summary>
/// <see cref="TransformerModel{TScalar}"/>, the object library users (and the notebook) hold: TransformerLens's names and
/// shapes, grouped-query heads repeated by <c>repeat_interleave</c>, and the full OV circuit as <c>W_E * OV * W_U</c>.
/// </summary>
public sealed class TransformerModelTests
{
    [Fact]
    public void Key_and_value_heads_are_repeated_to_query_heads_by_repeat_interleave()
    {
        using var model = TransformerModel.Load<double>(ReferenceFiles.PathOf("dev_llama_gqa"), new ModelLoadOptions { Processing = false });
        var config = model.Config;
        Assert.Equal((3, 4, 2, 2), (config.NLayers, config.NHeads, config.NKeyValueHeads, config.QueryGroup));
        Assert.Equal([3, 2, 16, 4], model.Weights.WK.Shape.ToArray());
        Assert.Equal([3, 4, 16, 4], model.W_K.Shape.ToArray());

        // Query head h reads key/value head h / 2 (heads 0, 1 → 0; 2, 3 → 1), never h % 2.
        double[] stored = model.Weights.WV.ToArray(), repeated = model.W_V.ToArray(), storedBias = model.Weights.BK.ToArray(), repeatedBias = model.b_K.ToArray();
        const int PerHead = 16 * 4;
        for (int layer = 0; layer < 3; layer++)
        {
            for (int head = 0; head < 4; head++)
            {
                Assert.Equal(stored.AsSpan((layer * 2 + head / 2) * PerHead, PerHead), repeated.AsSpan((layer * 4 + head) * PerHead, PerHead));
                Assert.Equal(storedBias.AsSpan((layer * 2 + head / 2) * 4, 4), repeatedBias.AsSpan((layer * 4 + head) * 4, 4));
            }
        }

        Assert.NotEqual(repeated.AsSpan(PerHead, PerHead).ToArray(), repeated.AsSpan(2 * PerHead, PerHead).ToArray());
    }

    [Fact]
    public void OV_QK_and_the_full_OV_circuit_have_TransformerLens_shapes_and_stay_factored()
    {
        using var model = TransformerModel.Load<float>(ReferenceFiles.PathOf("dev_qwen2"));
        Assert.Equal([2, 4, 16, 16], model.OV.Shape.ToArray());
        Assert.Equal(4, model.OV.MDim);
        Assert.Equal([2, 4, 16, 16], model.QK.Shape.ToArray());
        Assert.Null(model.W_pos);

        using var product = model.W_E * model.OV * model.W_U;
        Assert.True(product.IsFactored);
        var fullOv = (FactoredMatrix<float>)product;
        Assert.Equal([2, 4, 44, 44], fullOv.Shape.ToArray());
        Assert.Equal(4, fullOv.MDim);
    }

    [Fact]
    public void The_synthetic_model_has_GPT2_small_shapes_and_its_planted_heads_copy()
    {
        using var model = TransformerModel.Synthetic<float>();
        Assert.Equal((12, 12, 768, 64, 50257), (model.NLayers, model.NHeads, model.Config.DModel, model.Config.DHead, model.Config.DVocab));
        Assert.Equal([12, 12, 768, 768], model.OV.Shape.ToArray());
        Assert.Equal([1024, 768], model.W_pos!.Shape.ToArray());

        using var eigen = model.OV.Eigenvalues();
        float[] re = eigen.Real.ToArray(), im = eigen.Imaginary.ToArray();
        foreach (var planted in SyntheticGpt2.PlantedHeads)
        {
            int at = (planted.Layer * 12 + planted.Head) * 64;
            double sum = 0, magnitude = 0;
            for (int i = at; i < at + 64; i++)
            {
                sum += re[i];
                magnitude += Math.Sqrt((double)re[i] * re[i] + (double)im[i] * im[i]);
            }

            Assert.Equal(planted.Copying ? 1.0 : -1.0, sum / magnitude, 1e-4);
        }
    }
}
