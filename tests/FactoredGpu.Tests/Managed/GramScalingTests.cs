using System.Numerics;
using FactoredGpu.Circuits;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Managed;

/// <summary>
/// Issue 14, defect 7: members that form Gram matrices of the factors (composition scores, chain norms and singular
/// values) must not depend on <c>s</c> in <c>(s·A, B/s)</c> while the product is representable, against float64 references.
/// </summary>
public sealed class GramScalingTests
{
    private const int Heads = 3, D = 6, Dh = 4;

    public static TheoryData<double> FloatScales => [1e20, 1e-20];

    public static TheoryData<double> DoubleScales => [Math.ScaleB(1, 600), Math.ScaleB(1, -600)];

    [Theory]
    [MemberData(nameof(FloatScales))]
    public void Float_composition_scores_do_not_depend_on_factor_scaling(double s) => CompositionScoresMatchReference<float>(s, 1e-4);

    [Theory]
    [MemberData(nameof(DoubleScales))]
    public void Double_composition_scores_do_not_depend_on_factor_scaling(double s) => CompositionScoresMatchReference<double>(s, 1e-10);

    [Theory]
    [MemberData(nameof(FloatScales))]
    public void Float_chain_norms_and_singular_values_do_not_depend_on_factor_scaling(double s) => ChainMatchesReference<float>(s, 1e-4);

    [Theory]
    [MemberData(nameof(DoubleScales))]
    public void Double_chain_norms_and_singular_values_do_not_depend_on_factor_scaling(double s) => ChainMatchesReference<double>(s, 1e-10);

    private static void CompositionScoresMatchReference<T>(double s, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Two layers of OV and QK circuits [2, heads, d, d] = W1 [.., d, dh] · W2 [.., dh, d].
        double[] v = Dense.Uniform(1, 2 * Heads, D, Dh), o = Dense.Uniform(2, 2 * Heads, Dh, D);
        double[] q = Dense.Uniform(3, 2 * Heads, D, Dh), k = Dense.Uniform(4, 2 * Heads, Dh, D);
        using var ov = Circuit<T>(v, o, s);
        using var qk = Circuit<T>(q, k, s);
        using var tables = CompositionScores.ForModel(ov, qk);
        using var pairwise = CompositionScores.Compute(ov, qk);

        double[] ovDense = Dense.Matmul(v, o, 2 * Heads, D, Dh, D), qkDense = Dense.Matmul(q, k, 2 * Heads, D, Dh, D);
        var expected = new double[2 * Heads * 2 * Heads];
        var expectedMasked = new double[expected.Length];
        for (int i = 0; i < 2 * Heads; i++)
        {
            for (int j = 0; j < 2 * Heads; j++)
            {
                var left = ovDense.AsSpan(i * D * D, D * D);
                var right = qkDense.AsSpan(j * D * D, D * D);
                expected[i * 2 * Heads + j] = Frobenius(Dense.Multiply(left, right, D, D, D)) / (Frobenius(left) * Frobenius(right));
                expectedMasked[i * 2 * Heads + j] = j / Heads > i / Heads ? expected[i * 2 * Heads + j] : 0;
            }
        }

        Close.All(expected, Doubles(pairwise), tolerance, tolerance, $"Compute, s = {s}");
        Close.All(expectedMasked, Doubles(tables.Q), tolerance, tolerance, $"ForModel Q, s = {s}");
    }

    private static void ChainMatchesReference<T>(double s, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // X1·X2·X3 with X1 = s·U, X2 = V, X3 = W/s: the product is the same for every s.
        double[] u = Dense.Uniform(5, Heads, 5, 3), v = Dense.Uniform(6, Heads, 3, 4), w = Dense.Uniform(7, Heads, 4, 6);
        using var x1 = Tensor<T>(u, s, Heads, 5, 3);
        using var x2 = Tensor<T>(v, 1, Heads, 3, 4);
        using var x3 = Tensor<T>(w, 1 / s, Heads, 4, 6);
        using var chain = MatrixChain<T>.Of(x1, x2, x3);
        using var norms = chain.Norm();
        using var singular = chain.SingularValues();

        double[] product = Dense.Matmul(Dense.Matmul(u, v, Heads, 5, 3, 4), w, Heads, 5, 4, 6);
        double[] expectedNorms = [.. Enumerable.Range(0, Heads).Select(h => Frobenius(product.AsSpan(h * 30, 30)))];
        Close.All(expectedNorms, Doubles(norms), tolerance, 0, $"Norm, s = {s}");

        // Σσ² = ‖·‖²_F and σ_max ≥ ‖·‖_F/√rank: finite values that add up to the float64 norm.
        double[] sigma = Doubles(singular);
        int count = sigma.Length / Heads;
        double[] fromSigma = [.. Enumerable.Range(0, Heads).Select(h => Math.Sqrt(sigma.Skip(h * count).Take(count).Sum(x => x * x)))];
        Close.All(expectedNorms, fromSigma, tolerance, 0, $"SingularValues, s = {s}");
    }

    private static FactoredMatrix<T> Circuit<T>(double[] a, double[] b, double s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var at = Tensor<T>(a, s, 2, Heads, D, Dh);
        using var bt = Tensor<T>(b, 1 / s, 2, Heads, Dh, D);
        return new FactoredMatrix<T>(at, bt);
    }

    private static StridedTensor<T> Tensor<T>(double[] values, double scale, params int[] shape)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        StridedTensor<T>.FromArray([.. values.Select(x => T.CreateTruncating(x * scale))], shape);

    private static double[] Doubles<T>(StridedTensor<T> tensor)
        where T : unmanaged, IFloatingPointIeee754<T> => [.. tensor.ToArray().Select(double.CreateTruncating)];

    private static double Frobenius(ReadOnlySpan<double> x)
    {
        double sum = 0;
        foreach (double value in x)
        {
            sum += value * value;
        }

        return Math.Sqrt(sum);
    }
}
