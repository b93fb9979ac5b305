using FactoredGpu.Tests.Support;
using FactoredGpu.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra;
using Xunit;
using static FactoredGpu.Tests.Support.Dense;

namespace FactoredGpu.Tests.LinearAlgebra;

public class BatchedCholeskyTests
{
    /// <summary>Tolerance relative to max(1, max|A|).</summary>
    private const double Tolerance = 1e-12;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 9)]
    [InlineData(3, 7)]
    [InlineData(17, 1)]
    [InlineData(64, 9)]
    [InlineData(65, 2)]
    public void Decompose_ReconstructsAndMatchesMathNet(int n, int count)
    {
        double[] matrices = SpdBatch(n * 13, n, count);
        var (lower, ok) = Run(matrices, n, count);
        Assert.All(ok, Assert.True);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<double> a = matrices.AsSpan(i * n * n, n * n), l = lower.AsSpan(i * n * n, n * n);
            double bound = Tolerance * Math.Max(1, MaxAbsDifference(a, new double[a.Length]));
            Assert.True(MaxAbsDifference(Multiply(l, l, n, n, n, transposeB: true), a) <= bound, $"matrix {i}: L·Lᵀ ≠ A within {bound}");
            var reference = Matrix<double>.Build.DenseOfRowMajor(n, n, a.ToArray()).Cholesky().Factor;
            for (int r = 0; r < n; r++)
            {
                for (int c = 0; c < n; c++)
                {
                    // The factor is unique, so it matches MathNet entry by entry; the upper triangle is zeroed.
                    Assert.True(Math.Abs(l[r * n + c] - reference[r, c]) <= bound, $"matrix {i}: L[{r},{c}]");
                    Assert.True(c <= r || l[r * n + c] == 0);
                }
            }
        }
    }

    [Fact]
    public void NonPositiveDefinite_IsReportedPerMatrix()
    {
        const int n = 8;
        double[] spd = SpdBatch(1, n, 1);
        double[] indefinite = (double[])spd.Clone();
        indefinite[3 * n + 3] = -indefinite[3 * n + 3];
        indefinite[3 * n + 3] -= 100; // a negative pivot appears at row 3
        double[] singularPsd = Gram(Uniform(2, 1, 3, n), 3, n); // rank 3 < 8: pivot 4 is rounding noise
        double[] negativeDiagonal = (double[])spd.Clone();
        negativeDiagonal[0] = -1;
        double[] nan = (double[])spd.Clone();
        nan[5 * n + 2] = double.NaN;
        double[] batch = [.. spd, .. indefinite, .. singularPsd, .. negativeDiagonal, .. nan, .. spd];
        var (lower, ok) = Run(batch, n, 6);
        Assert.Equal([true, false, false, false, false, true], ok);
        for (int i = 1; i <= 4; i++)
        {
            Assert.All(lower.AsSpan(i * n * n, n * n).ToArray(), x => Assert.True(double.IsNaN(x)));
        }

        Assert.Equal(lower[..(n * n)], lower[(5 * n * n)..]);
    }

    [Fact]
    public void Results_AreBitIdenticalAcrossRunsAndBatchSplits()
    {
        const int n = 64, count = 9;
        double[] matrices = SpdBatch(3, n, count);
        var (l1, _) = Run(matrices, n, count);
        var (l2, _) = Run(matrices, n, count);
        Assert.Equal(l1, l2);
        var (l3, _) = Run(matrices.AsSpan(2 * n * n, n * n).ToArray(), n, 1);
        Assert.Equal(l1.AsSpan(2 * n * n, n * n).ToArray(), l3);
    }

    [Fact]
    public void EmptyShapesAndWrongLengths()
    {
        BatchedCholesky.Decompose([], 0, 3, [], new bool[3]);
        BatchedCholesky.Decompose([], 5, 0, [], []);
        var e = Assert.Throws<ArgumentException>(() => BatchedCholesky.Decompose(new double[8], 2, 2, new double[8], new bool[3]));
        Assert.Equal("positiveDefinite", e.ParamName);
        Assert.Contains("2", e.Message, StringComparison.Ordinal);
        Assert.Contains("3", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => BatchedCholesky.Decompose(new double[8], 2, 2, new double[7], new bool[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchedCholesky.Decompose([], -2, 2, [], new bool[2]));
    }

    /// <summary>count SPD matrices XᵀX/n + I, X n×n random.</summary>
    private static double[] SpdBatch(int seed, int n, int count)
    {
        var batch = new double[count * n * n];
        for (int i = 0; i < count; i++)
        {
            double[] g = Gram(Uniform(seed + i, 1, n, n), n, n);
            for (int j = 0; j < g.Length; j++)
            {
                batch[i * n * n + j] = g[j] / n + (j % (n + 1) == 0 ? 1 : 0);
            }
        }

        return batch;
    }

    private static (double[] Lower, bool[] PositiveDefinite) Run(double[] matrices, int n, int count)
    {
        var lower = new double[count * n * n];
        var ok = new bool[count];
        BatchedCholesky.Decompose(matrices, n, count, lower, ok);
        return (lower, ok);
    }
}
