using System.Text.Json;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Parity;

/// <summary>
/// TransformerLens's full OV (<c>W_E @ OV @ W_U</c>) and full QK (<c>W_E @ QK @ W_E.T</c>) circuits of the dev GPT-2
/// checkpoint (<c>dev_gpt2_reference.json</c>, processed weights) against the lazy <see cref="MatrixChain{TScalar}"/> route,
/// which never forms the [L, H, V, dh] factors TransformerLens builds, and the eager TransformerLens-shaped
/// <see cref="FactoredMatrix{TScalar}"/> route.
/// </summary>
public sealed class FullCircuitParityTests
{
    private static readonly Lazy<JsonDocument> Reference = new(() => ReferenceFiles.Load("dev_gpt2_reference.json"));

    [Fact]
    public void Full_OV_in_float64_matches_eigenvalues_copying_scores_singular_values_and_norms()
    {
        using var ov = new FullOv<double>("float64");
        var (circuit, chain, we, wu) = (ov.Circuit, ov.Chain, ov.WE, ov.WU);

        // Reference README tolerances (float64): eigenvalues 1e-9·max(1, max|λ|) as multisets; copying scores abs 1e-9;
        // norm 1e-10·max(1, S_max). SingularValues goes through Grams (√ε-class): 1e-7·max(1, S_max).
        using var eigen = chain.Eigenvalues();
        var (shape, re, im) = ReferenceFiles.Complex(circuit.GetProperty("eigenvalues"));
        Assert.Equal(shape, eigen.Shape.ToArray());
        AssertEigenvalues(re, im, eigen.Real.ToArray(), eigen.Imaginary.ToArray(), shape[^1], 1e-9);
        Close.All(ReferenceFiles.Real(circuit.GetProperty("copying_score")).Data, CopyingScores(eigen.Real.ToArray(), eigen.Imaginary.ToArray(), shape[^1]), 0, 1e-9, "copying score");

        double[] s = ReferenceFiles.Real(circuit.GetProperty("S")).Data;
        using var norm = chain.Norm();
        Close.All(ReferenceFiles.Real(circuit.GetProperty("norm")).Data, norm.ToArray(), 0, 1e-10 * Math.Max(1, s.Max()), "norm");
        using var values = chain.SingularValues();
        Close.All(s, values.ToArray(), 0, 1e-7 * Math.Max(1, s.Max()), "S");

        // The planted heads of layer 1: a copying head (+1) and an anti-copying head (−1).
        double[] scores = CopyingScores(eigen.Real.ToArray(), eigen.Imaginary.ToArray(), shape[^1]);
        Assert.Equal(1.0, scores[2], 1e-9);
        Assert.Equal(-1.0, scores[3], 1e-9);

        // The TransformerLens-shaped eager route reports TransformerLens's factor shapes and hidden dimension.
        using var factored = new FactoredMatrix<double>(ov.WV, ov.WO);
        using var left = we * factored;
        using var product = (FactoredMatrix<double>)left * wu;
        var full = product.Factored!;
        Assert.Equal(ReferenceFiles.Shape(circuit.GetProperty("eigenvalues"))[..^1].Concat([we.Dim(0), wu.Dim(1)]).ToArray(), full.Shape.ToArray());
        Assert.Equal(circuit.GetProperty("mdim").GetInt32(), full.MDim);
        Assert.Equal(circuit.GetProperty("A_shape").EnumerateArray().Select(x => x.GetInt32()).ToArray(), full.A.Shape.ToArray());
        Assert.Equal(circuit.GetProperty("B_shape").EnumerateArray().Select(x => x.GetInt32()).ToArray(), full.B.Shape.ToArray());
    }

    [Fact]
    public void Full_QK_in_float64_matches_eigenvalues_singular_values_and_norms()
    {
        var variant = Reference.Value.RootElement.GetProperty("variants").GetProperty("float64").GetProperty("processed");
        var weights = variant.GetProperty("weights");
        var circuit = variant.GetProperty("circuits").GetProperty("full_QK");
        using var we = ReferenceFiles.Tensor(weights.GetProperty("W_E"));
        using var wq = ReferenceFiles.Tensor(weights.GetProperty("W_Q"));
        using var wk = ReferenceFiles.Tensor(weights.GetProperty("W_K"));
        using var wkt = wk.Transpose();
        using var wet = we.Transpose();
        using var chain = MatrixChain<double>.Of(we, wq, wkt, wet);

        using var eigen = chain.Eigenvalues();
        var (shape, re, im) = ReferenceFiles.Complex(circuit.GetProperty("eigenvalues"));
        AssertEigenvalues(re, im, eigen.Real.ToArray(), eigen.Imaginary.ToArray(), shape[^1], 1e-9);
        double[] s = ReferenceFiles.Real(circuit.GetProperty("S")).Data;
        using var norm = chain.Norm();
        Close.All(ReferenceFiles.Real(circuit.GetProperty("norm")).Data, norm.ToArray(), 0, 1e-10 * Math.Max(1, s.Max()), "norm");
        using var values = chain.SingularValues();
        Close.All(s, values.ToArray(), 0, 1e-7 * Math.Max(1, s.Max()), "S");
    }

    [Fact]
    public void Full_OV_in_float32_matches_within_float_tolerances()
    {
        using var ov = new FullOv<float>("float32");
        var (circuit, chain) = (ov.Circuit, ov.Chain);

        // Reference README (float32): full OV eigenvalues ≤ 1e-4·max|λ|; copying scores abs 1e-5.
        using var eigen = chain.Eigenvalues();
        var (shape, re, im) = ReferenceFiles.Complex(circuit.GetProperty("eigenvalues"));
        double[] actualRe = [.. eigen.Real.ToArray().Select(x => (double)x)], actualIm = [.. eigen.Imaginary.ToArray().Select(x => (double)x)];
        AssertEigenvalues(re, im, actualRe, actualIm, shape[^1], 1e-4);
        Close.All(ReferenceFiles.Real(circuit.GetProperty("copying_score")).Data, CopyingScores(actualRe, actualIm, shape[^1]), 0, 1e-5, "copying score");
    }

    [Fact]
    public void W_E_times_OV_times_W_U_is_lazy_and_matches_TransformerLens()
    {
        using var ov = new FullOv<double>("float64");
        using var factored = new FactoredMatrix<double>(ov.WV, ov.WO);
        using var left = ov.WE * factored;
        using var right = (FactoredMatrix<double>)left * ov.WU;
        var full = right.Factored!;

        // TransformerLens's shape and hidden dimension, with neither [L, H, V, dh] factor computed.
        Assert.True(full.IsLazy);
        Assert.Equal(ov.Circuit.GetProperty("mdim").GetInt32(), full.MDim);
        Assert.Equal([3, 2, 40, 40], full.Shape.ToArray());
        using var eigen = full.Eigenvalues();
        using var norm = full.Norm();
        using var values = full.SingularValues();
        Assert.False(full.FactorsMaterialized);

        var (shape, re, im) = ReferenceFiles.Complex(ov.Circuit.GetProperty("eigenvalues"));
        AssertEigenvalues(re, im, eigen.Real.ToArray(), eigen.Imaginary.ToArray(), shape[^1], 1e-9);
        double[] s = ReferenceFiles.Real(ov.Circuit.GetProperty("S")).Data;
        Close.All(ReferenceFiles.Real(ov.Circuit.GetProperty("norm")).Data, norm.ToArray(), 0, 1e-10 * Math.Max(1, s.Max()), "norm");
        Close.All(s, values.ToArray(), 0, 1e-7 * Math.Max(1, s.Max()), "S");

        // Asked for, the factors and the product are TransformerLens's (README: rtol 1e-12).
        Assert.Equal(ov.Circuit.GetProperty("A_shape").EnumerateArray().Select(x => x.GetInt32()).ToArray(), full.A.Shape.ToArray());
        using var ab = full.AB();
        Close.Parity(ReferenceFiles.Real(ov.Circuit.GetProperty("AB")).Data, ab.ToArray(), "AB");
    }

    [Fact]
    public void Full_OV_diagonal_and_row_top_k_match_the_recorded_product()
    {
        using var ov = new FullOv<double>("float64");
        var chain = ov.Chain;
        var (abShape, ab) = ReferenceFiles.Real(ov.Circuit.GetProperty("AB"));
        int v = abShape[^1], heads = ab.Length / (v * v), k = 3;

        // Reference README (float64 products): rtol 1e-12, atol 1e-12·max(1, max |x|).
        using var diagonal = chain.Diagonal();
        Assert.Equal([.. abShape[..^2], v], diagonal.Shape.ToArray());
        Close.Parity([.. Enumerable.Range(0, heads * v).Select(i => ab[((i / v) * v * v) + ((i % v) * v) + (i % v)])], diagonal.ToArray(), "diag(full OV)");

        // Top-k per row: the recorded row sorted descending; indices compared where the value gap is clear.
        using var top = chain.TopK(k, memoryBudgetBytes: 4096);
        double[] values = top.Values.ToArray();
        for (int row = 0; row < heads * v; row++)
        {
            var expected = Enumerable.Range(0, v).OrderByDescending(j => ab[(row * v) + j]).ThenBy(j => j).Take(k + 1).ToArray();
            for (int i = 0; i < k; i++)
            {
                double want = ab[(row * v) + expected[i]];
                Assert.Equal(want, values[(row * k) + i], 1e-12 * Math.Max(1, Math.Abs(want)));
                if (Math.Abs(want - ab[(row * v) + expected[i + 1]]) > 1e-9)
                {
                    Assert.Equal(expected[i], top.Indices[(row * k) + i]);
                }
            }
        }
    }

    /// <summary>The processed dev GPT-2 weights of one precision, the recorded full OV circuit, and the lazy chain W_E·W_V·W_O·W_U.</summary>
    private sealed class FullOv<T> : IDisposable
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        public FullOv(string precision)
        {
            var variant = Reference.Value.RootElement.GetProperty("variants").GetProperty(precision).GetProperty("processed");
            var weights = variant.GetProperty("weights");
            Circuit = variant.GetProperty("circuits").GetProperty("full_OV");
            StridedTensor<T> Load(string name)
            {
                var (shape, data) = ReferenceFiles.Real(weights.GetProperty(name));
                return StridedTensor<T>.FromArray([.. data.Select(T.CreateTruncating)], shape);
            }

            (WE, WV, WO, WU) = (Load("W_E"), Load("W_V"), Load("W_O"), Load("W_U"));
            Chain = MatrixChain<T>.Of(WE, WV, WO, WU);
        }

        public JsonElement Circuit { get; }

        public StridedTensor<T> WE { get; }

        public StridedTensor<T> WV { get; }

        public StridedTensor<T> WO { get; }

        public StridedTensor<T> WU { get; }

        public MatrixChain<T> Chain { get; }

        public void Dispose()
        {
            Chain.Dispose();
            foreach (var tensor in new[] { WE, WV, WO, WU })
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>Per head, as multisets, within <paramref name="relative"/>·max(1, max|λ|) of that head.</summary>
    internal static void AssertEigenvalues(double[] re, double[] im, double[] actualRe, double[] actualIm, int m, double relative)
    {
        for (int head = 0; head * m < re.Length; head++)
        {
            var range = (head * m)..((head + 1) * m);
            double scale = Math.Max(1, re[range].Zip(im[range], (x, y) => Math.Sqrt(x * x + y * y)).Max());
            Close.Multiset(re[range], im[range], actualRe[range], actualIm[range], relative * scale, $"head {head}");
        }
    }

    /// <summary>TransformerLens's copying score: <c>Re(Σλ) / Σ|λ|</c> per head.</summary>
    internal static double[] CopyingScores(double[] re, double[] im, int m) =>
        [.. Enumerable.Range(0, re.Length / m).Select(h =>
            Enumerable.Range(h * m, m).Sum(i => re[i]) / Enumerable.Range(h * m, m).Sum(i => Math.Sqrt(re[i] * re[i] + im[i] * im[i])))];
}
