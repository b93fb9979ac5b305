using FactoredGpu.Tests.Support;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace FactoredGpu.Tests.Managed;

/// <summary>Gram-based members on badly scaled factors of well-scaled products, and the norm under cancellation.</summary>
public sealed class FactoredMatrixScalingTests
{
    [Theory]
    [InlineData(1.0)]
    [InlineData(1e20)]
    [InlineData(1e-20)]
    [InlineData(3e30)]
    public void Norm_and_singular_values_do_not_depend_on_how_the_scale_is_split(double s)
    {
        // (s·X, Y/s) is the same matrix for every s: in float, AᵀA overflowed (Norm = ∞, SingularValues = NaN).
        const int Heads = 3, L = 7, M = 4, R = 5;
        var random = new Random(20);
        double[] x = Dense.Random(random, Heads * L * M), y = Dense.Random(random, Heads * M * R);
        float[] a = [.. x.Select(v => (float)(v * s))], b = [.. y.Select(v => (float)(v / s))];
        using var at = StridedTensor<float>.FromArray(a, Heads, L, M);
        using var bt = StridedTensor<float>.FromArray(b, Heads, M, R);
        using var f = new FactoredMatrix<float>(at, bt);
        using var norm = f.Norm();
        using var singular = f.SingularValues();
        float[] norms = norm.ToArray(), values = singular.ToArray();
        for (int h = 0; h < Heads; h++)
        {
            // The reference: the float factors widened exactly, multiplied in double.
            double[] product = Dense.Multiply(
                a.AsSpan(h * L * M, L * M).ToArray().Select(v => (double)v).ToArray(),
                b.AsSpan(h * M * R, M * R).ToArray().Select(v => (double)v).ToArray(), L, M, R);
            var dense = Matrix<double>.Build.DenseOfRowMajor(L, R, product);
            double expectedNorm = dense.FrobeniusNorm();
            Assert.True(Math.Abs(norms[h] - expectedNorm) <= 1e-5 * expectedNorm, $"head {h}: norm {norms[h]}, expected {expectedNorm}");
            double[] expected = dense.Svd(computeVectors: false).S.ToArray()[..M];
            Close.All(expected, values.AsSpan(h * M, M).ToArray(), 0, 1e-5 * expected[0], $"head {h} singular values");
        }
    }

    [Fact]
    public void Norm_meets_its_bound_when_the_product_cancels()
    {
        // A = [I | X], B = [−X·Y; Y]: A·B = 0 up to the rounding of X·Y, while ‖A‖·‖B‖ is about 10. The Gram route's
        // error was √ε·‖A‖·‖B‖ (400 times the bound in float, 2·10⁷ times in double).
        const int N = 8, K = 8, R = 8, M = N + K;
        var random = new Random(9);
        double[] x = Dense.Random(random, N * K), y = Dense.Random(random, K * R);
        AssertWithinBound<double>(x, y, 2.220446049250313e-16);
        AssertWithinBound<float>(x, y, 1.1920928955078125e-07);

        static void AssertWithinBound<T>(double[] x, double[] y, double epsilon)
            where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            double[] xy = Dense.Multiply([.. x.Select(Round)], [.. y.Select(Round)], N, K, R);
            double[] a = new double[N * M], b = new double[M * R];
            for (int i = 0; i < N; i++)
            {
                a[(i * M) + i] = 1;
                for (int j = 0; j < K; j++)
                {
                    a[(i * M) + N + j] = Round(x[(i * K) + j]);
                }

                for (int j = 0; j < R; j++)
                {
                    b[(i * R) + j] = Round(-xy[(i * R) + j]);
                }
            }

            for (int i = 0; i < K * R; i++)
            {
                b[(N * R) + i] = Round(y[i]);
            }

            using var at = StridedTensor<T>.FromArray([.. a.Select(T.CreateTruncating)], N, M);
            using var bt = StridedTensor<T>.FromArray([.. b.Select(T.CreateTruncating)], M, R);
            using var f = new FactoredMatrix<T>(at, bt);
            double expected = Matrix<double>.Build.DenseOfRowMajor(N, R, Dense.Multiply(a, b, N, M, R)).FrobeniusNorm();
            double bound = epsilon * Math.Sqrt(a.Sum(v => v * v)) * Math.Sqrt(b.Sum(v => v * v));
            double actual = double.CreateTruncating(f.Norm().ToScalar());
            Assert.True(Math.Abs(actual - expected) <= 4 * bound, $"{typeof(T).Name}: norm {actual:E3}, expected {expected:E3}, bound ε·‖A‖·‖B‖ = {bound:E3}");

            double Round(double v) => double.CreateTruncating(T.CreateTruncating(v));
        }
    }
}
