using FactoredGpu.Circuits;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Parity;

/// <summary>
/// <see cref="CompositionScores.ForModel"/> (Gram sandwiches, one product per table) at GPT-2 small's width against the
/// pairwise route of <see cref="CompositionScores.Compute"/> in float64.
/// </summary>
public sealed class CompositionForModelPrecisionTests
{
    [Theory]
    [InlineData(2, 3, 768, 64)] // GPT-2 small's width
    [InlineData(1, 3, 17, 5)] // one layer: no head has a later layer, every score is 0
    [InlineData(3, 2, 17, 5)]
    public void Float32_model_tables_agree_with_float64_pairwise_scores(int L, int H, int D, int Dh)
    {
        var random = new Random(5);
        double[] wq = Dense.Random(random, L * H * D * Dh), wk = Dense.Random(random, L * H * D * Dh);
        double[] wv = Dense.Random(random, L * H * D * Dh), wo = Dense.Random(random, L * H * Dh * D);
        FactoredMatrix<T> Circuit<T>(double[] a, double[] b, bool transposeB)
            where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            using var left = StridedTensor<T>.FromArray([.. a.Select(T.CreateTruncating)], L, H, D, Dh);
            using var right = StridedTensor<T>.FromArray([.. b.Select(T.CreateTruncating)], transposeB ? [L, H, D, Dh] : [L, H, Dh, D]);
            using var rightT = transposeB ? right.Transpose() : right.BroadcastTo(right.Shape.ToArray());
            return new FactoredMatrix<T>(left, rightT);
        }

        using var ov32 = Circuit<float>(wv, wo, false);
        using var qk32 = Circuit<float>(wq, wk, true);
        using var tables = CompositionScores.ForModel(ov32, qk32);
        using var ov64 = Circuit<double>(wv, wo, false);
        using var qk64 = Circuit<double>(wq, wk, true);
        using var qk64T = qk64.T;
        foreach (var (table, right) in new[] { (tables.Q, qk64), (tables.K, qk64T), (tables.V, ov64) })
        {
            using var reference = CompositionScores.Compute(ov64, right);
            double[] expected = [.. reference.ToArray().Select((x, i) => i / H % L > i / (H * L * H) ? x : 0)];

            // Documented: a few ε·d at most in float32 (here ≈ 5e-5); in practice far below.
            Close.All(expected, table.ToArray(), 0, 2e-5, "ForModel float32 vs pairwise float64");
        }
    }
}
