using System.Text.Json;
using FactoredGpu.Circuits;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Parity;

/// <summary>
/// <see cref="CompositionScores"/> against TransformerLens's <c>composition_scores(OV, QK | QKᵀ | OV, broadcast_dims=True)</c>
/// on the processed dev GPT-2 checkpoint (<c>dev_gpt2_reference.json</c>).
/// </summary>
public sealed class CompositionScoresParityTests
{
    private static readonly Lazy<JsonDocument> Reference = new(() => ReferenceFiles.Load("dev_gpt2_reference.json"));

    public static TheoryData<string> Modes() => ["Q", "K", "V"];

    [Theory]
    [MemberData(nameof(Modes))]
    public void Float64_matches_TransformerLens(string mode)
    {
        using var scores = Scores(mode, ReferenceFiles.Tensor);
        var (shape, expected) = ReferenceFiles.Real(Circuits("float64").GetProperty("composition_scores_unmasked").GetProperty(mode));
        Assert.Equal(shape, scores.Shape.ToArray());

        // Reference README: composition scores, float64, abs 1e-9.
        Close.All(expected, scores.ToArray(), 0, 1e-9, $"{mode}-composition");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Float32_matches_TransformerLens(string mode)
    {
        using var scores = Scores(mode, ReferenceFiles.TensorF, "float32");
        var (_, expected) = ReferenceFiles.Real(Circuits("float32").GetProperty("composition_scores_unmasked").GetProperty(mode));

        // Reference README: composition scores, float32, abs 1e-5.
        Close.All(expected, scores.ToArray(), 0, 1e-5, $"{mode}-composition (float32)");
    }

    [Fact]
    public void Model_tables_zero_pairs_whose_second_layer_is_not_later()
    {
        using var ov = Ov(ReferenceFiles.Tensor, "float64");
        using var qk = Qk(ReferenceFiles.Tensor, "float64");
        using var tables = CompositionScores.ForModel(ov, qk);
        foreach (var (mode, table) in new[] { ("Q", tables.Q), ("K", tables.K), ("V", tables.V) })
        {
            var (_, unmasked) = ReferenceFiles.Real(Circuits("float64").GetProperty("composition_scores_unmasked").GetProperty(mode));
            // Index i of [3, 2, 3, 2] has layer1 = i / 12 and layer2 = i / 2 % 3.
            double[] expected = unmasked.Select((x, i) => i / 2 % 3 > i / 12 ? x : 0).ToArray();
            Close.All(expected, table.ToArray(), 0, 1e-9, $"{mode}-composition table");
        }
    }

    [Fact]
    public void Unbroadcast_scores_match_a_dense_reference_and_bad_shapes_throw()
    {
        var random = new Random(11);
        int l = 5, k = 7, r = 4, m1 = 3, m2 = 2;
        double[] a1 = Dense.Random(random, 2 * l * m1), b1 = Dense.Random(random, 2 * m1 * k), a2 = Dense.Random(random, k * m2), b2 = Dense.Random(random, m2 * r);
        using var ta1 = StridedTensor<double>.FromArray(a1, 2, l, m1);
        using var tb1 = StridedTensor<double>.FromArray(b1, 2, m1, k);
        using var ta2 = StridedTensor<double>.FromArray(a2, k, m2);
        using var tb2 = StridedTensor<double>.FromArray(b2, m2, r);
        using var left = new FactoredMatrix<double>(ta1, tb1);
        using var right = new FactoredMatrix<double>(ta2, tb2);
        using var scores = CompositionScores.Compute(left, right, broadcastDims: false);

        double[] leftDense = Dense.Matmul(a1, b1, 2, l, m1, k), rightDense = Dense.Multiply(a2, b2, k, m2, r);
        static double Frobenius(IEnumerable<double> x) => Math.Sqrt(x.Sum(v => v * v));
        var expected = Enumerable.Range(0, 2).Select(h =>
        {
            var head = leftDense.AsSpan(h * l * k, l * k);
            return Frobenius(Dense.Multiply(head, rightDense, l, k, r)) / (Frobenius(head.ToArray()) * Frobenius(rightDense));
        }).ToArray();
        Assert.Equal([2], scores.Shape.ToArray());
        Close.All(expected, scores.ToArray(), 1e-12, 1e-14, "scores");

        var e = Assert.Throws<ArgumentException>(() => CompositionScores.Compute(right, left));
        Assert.Contains(FactoredGpu.Shapes.Format(left.Shape), e.Message, StringComparison.Ordinal);
    }

    private static JsonElement Circuits(string variant) => Processed(variant).GetProperty("circuits");

    private static StridedTensor<T> Scores<T>(string mode, Func<JsonElement, StridedTensor<T>> load, string variant = "float64")
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        using var ov = Ov(load, variant);
        using var qk = Qk(load, variant);
        using var qkT = qk.T;
        return CompositionScores.Compute(ov, mode switch { "Q" => qk, "K" => qkT, _ => ov });
    }

    private static FactoredMatrix<T> Ov<T>(Func<JsonElement, StridedTensor<T>> load, string variant)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        using var wv = load(Weights(variant).GetProperty("W_V"));
        using var wo = load(Weights(variant).GetProperty("W_O"));
        return new FactoredMatrix<T>(wv, wo);
    }

    private static FactoredMatrix<T> Qk<T>(Func<JsonElement, StridedTensor<T>> load, string variant)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        using var wq = load(Weights(variant).GetProperty("W_Q"));
        using var wk = load(Weights(variant).GetProperty("W_K"));
        using var wkT = wk.Transpose();
        return new FactoredMatrix<T>(wq, wkT);
    }

    private static JsonElement Weights(string variant) => Processed(variant).GetProperty("weights");

    private static JsonElement Processed(string variant) => Reference.Value.RootElement.GetProperty("variants").GetProperty(variant).GetProperty("processed");
}
