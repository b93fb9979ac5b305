using FactoredGpu.Circuits;
using FactoredGpu.Models;
using FactoredGpu.Tests.Parity;
using Xunit;

namespace FactoredGpu.Tests.Chains;

/// <summary>
/// Chains with diagonal and centring factors and a factor's transposed view: the planner's Gram steps and their FLOPs,
/// and every reduction against float64 host loops over the same matrices written out densely.
/// </summary>
public sealed class StructuredChainTests
{
    [Fact]
    public void A_factor_and_its_transposed_view_are_one_Gram_step_at_half_a_GEMM()
    {
        // X [n = 37, m = 5]: Xᵀ·X by the Gram kernel is n·m·(m+1) = 1 110 FLOPs (a GEMM: 2·n·m² = 1 850); with P_n between,
        // + 2·n·m = 370 for the column sums and 2·m² = 50 for the rank-1 correction.
        double[] x = Random(1, 37 * 5);
        using var matrix = StridedTensor<double>.FromArray(x, 37, 5);
        using var transposed = matrix.Transpose();
        using ChainFactor<double> xT = ChainFactor<double>.Dense(transposed), xF = ChainFactor<double>.Dense(matrix), p = ChainFactor<double>.Centring(37);

        using var gram = MatrixChain<double>.Of(xT, xF);
        var step = Assert.Single(gram.PlanProduct().Steps);
        Assert.Equal(ChainStepKind.Gram, step.Kind);
        Assert.Equal(1_110, step.Flops);

        using var projected = MatrixChain<double>.Of(xT, p, xF);
        var plan = projected.PlanProduct();
        step = Assert.Single(plan.Steps);
        Assert.Equal(ChainStepKind.ProjectedGram, step.Kind);
        Assert.Equal(1_110 + 370 + 50, plan.TotalFlops);
        Assert.Contains("Gram X1·P·X3", plan.Explain(), StringComparison.Ordinal);

        double[] centred = Centre(x, 37, 5, columns: true);
        AssertClose(Product(Transpose(x, 37, 5), centred, 5, 37, 5), projected.Materialize().ToArray(), 1e-13);
        AssertClose(Product(Transpose(x, 37, 5), x, 5, 37, 5), gram.Materialize().ToArray(), 1e-13);
    }

    [Fact]
    public void Two_dense_matrices_that_merely_have_transposed_shapes_are_multiplied()
    {
        using var a = StridedTensor<double>.FromArray(Random(2, 15), 3, 5);
        using var b = StridedTensor<double>.FromArray(Random(3, 15), 5, 3);
        using var chain = MatrixChain<double>.Of(a, b);
        Assert.Equal(ChainStepKind.Product, Assert.Single(chain.PlanProduct().Steps).Kind);
    }

    [Fact]
    public void A_tied_full_OV_chain_equals_its_dense_twin_in_every_reduction()
    {
        // The shapes of a processed tied LayerNorm model: W_E = X·P_d, W_U = P_d·diag(g)·Xᵀ·P_V; 2 × 3 heads.
        const int V = 29, D = 6, Dh = 3;
        double[] x = Random(4, V * D), g = [.. Random(5, D).Select(v => 1 + v)], wv = Random(6, 6 * D * Dh), wo = Random(7, 6 * Dh * D);
        using var xTensor = StridedTensor<double>.FromArray(x, V, D);
        using var xT = xTensor.Transpose();
        using var gTensor = StridedTensor<double>.FromArray(g, D);
        using var wV = StridedTensor<double>.FromArray(wv, 2, 3, D, Dh);
        using var wO = StridedTensor<double>.FromArray(wo, 2, 3, Dh, D);
        using ChainFactor<double> fx = xTensor, fxT = xT, pd = ChainFactor<double>.Centring(D), pv = ChainFactor<double>.Centring(V),
            diag = ChainFactor<double>.Diagonal(gTensor), fv = wV, fo = wO;
        using var structured = MatrixChain<double>.Of(fx, pd, fv, fo, pd, diag, fxT, pv);

        double[] wE = Centre(x, V, D, columns: false);
        double[] wU = Centre(Centre(Scale(Transpose(x, V, D), g, D, V), D, V, columns: true), D, V, columns: false);
        using var wETensor = StridedTensor<double>.FromArray(wE, V, D);
        using var wUTensor = StridedTensor<double>.FromArray(wU, D, V);
        using var dense = MatrixChain<double>.Of(wETensor, wV, wO, wUTensor);

        var plan = structured.PlanEigenvalues();
        var gramStep = Assert.Single(plan.Steps, s => s.Kind == ChainStepKind.ProjectedGram);
        Assert.Equal(1, gramStep.DistinctBatch);
        Assert.Equal((V * D * (D + 1)) + (2 * V * D) + (2 * D * D), gramStep.Flops);
        Assert.DoesNotContain(plan.Steps, s => s.ResultShape[^1] == V || s.ResultShape[^2] == V);

        using var eigenStructured = structured.Eigenvalues();
        using var eigenDense = dense.Eigenvalues();
        AssertClose(eigenDense.Real.ToArray(), eigenStructured.Real.ToArray(), 1e-11);
        AssertClose(eigenDense.Imaginary.ToArray(), eigenStructured.Imaginary.ToArray(), 1e-11);
        AssertClose(dense.Materialize().ToArray(), structured.Materialize().ToArray(), 1e-12);
        AssertClose(dense.Diagonal().ToArray(), structured.Diagonal().ToArray(), 1e-12);
        AssertClose(dense.Trace().ToArray(), structured.Trace().ToArray(), 1e-12);
        AssertClose(dense.Norm().ToArray(), structured.Norm().ToArray(), 1e-12);
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("qwen2")]
    public void A_tied_dev_model_forms_W_U_W_E_as_a_Gram_product_equal_to_the_dense_one(string family)
    {
        var dev = family == "gpt2" ? DevModel.Gpt2 : DevModel.Qwen2;
        using var model = TransformerModel.Load<double>(dev.CheckpointPath, new ModelLoadOptions { Heads = family == "gpt2" ? 2 : null });
        var weights = model.Weights;
        var tie = Assert.IsType<TiedUnembedding<double>>(weights.Tie);
        Assert.Equal(family == "gpt2", tie.CentredModel);
        long v = weights.DVocab, d = weights.DModel;

        var plan = CircuitAnalysis.FullOvPlan(model);
        var gram = Assert.Single(plan.Steps, s => s.Kind == ChainStepKind.ProjectedGram);
        Assert.Equal((v * d * (d + 1)) + (2 * v * d) + (2 * d * d), gram.Flops);
        Assert.Equal(1, gram.DistinctBatch);

        // W_U·W_E from the structure against the product of the materialized (TransformerLens-checked) matrices.
        using var x = tie.Embedding.Transpose();
        var factors = new List<ChainFactor<double>>();
        if (tie.CentredModel)
        {
            factors.Add(ChainFactor<double>.Centring((int)d));
        }

        factors.AddRange([ChainFactor<double>.Diagonal(tie.Scale), x, ChainFactor<double>.Centring((int)v), tie.Embedding]);
        if (tie.CentredModel)
        {
            factors.Add(ChainFactor<double>.Centring((int)d));
        }

        using var chain = MatrixChain<double>.Of([.. factors]);
        using var structured = chain.Materialize();
        double[] expected = Product(weights.WU.ToArray(), weights.WE.ToArray(), (int)d, (int)v, (int)d);
        AssertClose(expected, structured.ToArray(), 1e-13);
        foreach (var factor in factors)
        {
            factor.Dispose();
        }
    }

    [Fact]
    public void Bad_structured_factors_get_one_clear_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChainFactor<double>.Centring(0));
        using var scalar = StridedTensor<double>.FromArray([1.0]);
        Assert.Contains("scalar", Assert.Throws<ArgumentException>(() => ChainFactor<double>.Diagonal(scalar)).Message, StringComparison.Ordinal);
        using ChainFactor<double> p = ChainFactor<double>.Centring(4);
        Assert.Contains("centring", Assert.Throws<ArgumentException>(() => MatrixChain<double>.Of(p, p)).Message, StringComparison.Ordinal);
        using var wrong = StridedTensor<double>.Zeros(3, 5);
        Assert.Contains("inner sizes", Assert.Throws<ArgumentException>(() => MatrixChain<double>.Of(p, wrong)).Message, StringComparison.Ordinal);
    }

    private static double[] Random(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.NextDouble() - 0.3)];
    }

    private static double[] Transpose(double[] a, int rows, int cols) =>
        [.. Enumerable.Range(0, rows * cols).Select(k => a[(k % rows * cols) + (k / rows)])];

    /// <summary>diag(g)·A for A [rows, cols].</summary>
    private static double[] Scale(double[] a, double[] g, int rows, int cols) =>
        [.. Enumerable.Range(0, rows * cols).Select(k => a[k] * g[k / cols])];

    /// <summary>P·A (each column loses its mean) or A·P (each row loses its mean).</summary>
    private static double[] Centre(double[] a, int rows, int cols, bool columns) =>
        [.. Enumerable.Range(0, rows * cols).Select(k => a[k] - (columns
            ? Enumerable.Range(0, rows).Average(r => a[(r * cols) + (k % cols)])
            : Enumerable.Range(0, cols).Average(c => a[(k / cols * cols) + c])))];

    private static double[] Product(double[] a, double[] b, int l, int m, int r)
    {
        var c = new double[l * r];
        for (int i = 0; i < l; i++)
        {
            for (int j = 0; j < r; j++)
            {
                double sum = 0;
                for (int k = 0; k < m; k++)
                {
                    sum += a[(i * m) + k] * b[(k * r) + j];
                }

                c[(i * r) + j] = sum;
            }
        }

        return c;
    }

    /// <summary>Relative to the largest magnitude of <paramref name="expected"/>.</summary>
    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"element {i}: {actual[i]} vs {expected[i]} (scale {scale})");
        }
    }
}
