using FactoredGpu.Tests.Support;
using FactoredGpu.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra;
using Xunit;
using static FactoredGpu.Tests.Support.Dense;

namespace FactoredGpu.Tests.LinearAlgebra;

public class BatchedSvdTests
{
    /// <summary>Tolerance relative to max(1, S_max): 1e-12, a hundred times tighter than TransformerLens parity (1e-10).</summary>
    private const double Tolerance = 1e-12;

    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 1, 7, 3 }, { 7, 1, 3 }, { 2, 2, 9 }, { 3, 3, 7 }, { 17, 17, 1 }, { 63, 63, 2 },
        { 64, 64, 9 }, { 65, 65, 1 }, { 769, 17, 1 }, { 127, 63, 2 }, { 17, 65, 7 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Decompose_ReconstructsWithOrthonormalFactors(int rows, int cols, int count) =>
        CheckDecomposition(Uniform(rows * 1000 + cols, count, rows, cols), rows, cols, count);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SingularValues_MatchMathNetAndDecompose(int rows, int cols, int count)
    {
        double[] matrices = Uniform(rows * 31 + cols, count, rows, cols);
        int k = Math.Min(rows, cols);
        var s = new double[count * k];
        BatchedSvd.SingularValues(matrices, rows, cols, count, s);
        var decomposed = new double[count * k];
        BatchedSvd.Decompose(matrices, rows, cols, count, new double[count * rows * k], decomposed, new double[count * cols * k]);
        Assert.Equal(decomposed, s); // bit for bit: both run the same bidiagonal QR on the same bidiagonal
        for (int i = 0; i < count; i++)
        {
            double[] expected = Matrix<double>.Build.DenseOfRowMajor(rows, cols, matrices.AsSpan(i * rows * cols, rows * cols).ToArray())
                .Svd(computeVectors: false).S.ToArray();
            double bound = Tolerance * Math.Max(1, expected[0]);
            Assert.True(MaxAbsDifference(expected, s.AsSpan(i * k, k)) <= bound, $"matrix {i}: S differs from MathNet by more than {bound}");
        }
    }

    [Fact]
    public void RankDeficient_TrailingValuesAreNegligible()
    {
        // 64×64 of rank 5: the trailing 59 singular values are rounding noise ~1e-16·S_max, so compare absolutely.
        const int n = 64, rank = 5;
        double[] matrix = Multiply(Uniform(1, 1, n, rank), Uniform(2, 1, rank, n), n, rank, n);
        double[] s = CheckDecomposition(matrix, n, n, 1);
        Assert.All(s[rank..], value => Assert.True(value <= 1e-13 * s[0], $"trailing value {value} vs S_max {s[0]}"));
        Assert.True(s[rank - 1] > 1e-3 * s[0]);
    }

    [Fact]
    public void GradedSpectrum_SmallValuesAccurateToAbsoluteTolerance()
    {
        // U·diag(10^-j)·Vᵀ with U, V orthonormal (QR of random matrices): known singular values spanning 15 decades.
        const int n = 16;
        var uq = Matrix<double>.Build.DenseOfRowMajor(n, n, Uniform(3, 1, n, n)).QR().Q;
        var vq = Matrix<double>.Build.DenseOfRowMajor(n, n, Uniform(4, 1, n, n)).QR().Q;
        var known = Enumerable.Range(0, n).Select(j => Math.Pow(10, -j)).ToArray();
        double[] matrix = (uq * Matrix<double>.Build.DiagonalOfDiagonalArray(known) * vq.Transpose()).ToRowArrays().SelectMany(r => r).ToArray();
        double[] s = CheckDecomposition(matrix, n, n, 1);
        Assert.True(MaxAbsDifference(known, s) <= Tolerance, "S differs from the known spectrum by more than 1e-12");
    }

    [Fact]
    public void ZeroMatrix_HasZeroValuesAndOrthonormalVectors()
    {
        double[] s = CheckDecomposition(new double[5 * 3], 5, 3, 1);
        Assert.All(s, value => Assert.Equal(0, value));
    }

    [Fact]
    public void HugeAndTinyScales_DoNotOverflowOrUnderflow()
    {
        double[] matrix = Uniform(5, 1, 9, 6);
        var s = new double[6];
        BatchedSvd.SingularValues(matrix, 9, 6, 1, s);
        foreach (double scale in new[] { 1e300, 1e-300 })
        {
            var scaled = new double[6];
            BatchedSvd.SingularValues(matrix.Select(x => x * scale).ToArray(), 9, 6, 1, scaled);
            for (int j = 0; j < 6; j++)
            {
                Assert.True(Math.Abs(scaled[j] / scale - s[j]) <= 1e-14 * s[0], $"scale {scale}: S[{j}] = {scaled[j]}");
            }
        }
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void NonFiniteMatrix_GivesNaNForThatMatrixOnly(double poison)
    {
        const int rows = 6, cols = 4, count = 3, k = 4;
        double[] matrices = Uniform(6, count, rows, cols);
        var cleanU = new double[count * rows * k];
        var cleanS = new double[count * k];
        var cleanV = new double[count * cols * k];
        BatchedSvd.Decompose(matrices, rows, cols, count, cleanU, cleanS, cleanV);
        matrices[rows * cols + 5] = poison;
        var u = new double[cleanU.Length];
        var s = new double[cleanS.Length];
        var v = new double[cleanV.Length];
        BatchedSvd.Decompose(matrices, rows, cols, count, u, s, v);
        var values = new double[cleanS.Length];
        BatchedSvd.SingularValues(matrices, rows, cols, count, values);
        Assert.All(u.AsSpan(rows * k, rows * k).ToArray(), x => Assert.True(double.IsNaN(x)));
        Assert.All(s.AsSpan(k, k).ToArray(), x => Assert.True(double.IsNaN(x)));
        Assert.All(v.AsSpan(cols * k, cols * k).ToArray(), x => Assert.True(double.IsNaN(x)));
        Assert.All(values.AsSpan(k, k).ToArray(), x => Assert.True(double.IsNaN(x)));
        foreach (int i in new[] { 0, 2 })
        {
            Assert.Equal(cleanU.AsSpan(i * rows * k, rows * k).ToArray(), u.AsSpan(i * rows * k, rows * k).ToArray());
            Assert.Equal(cleanS.AsSpan(i * k, k).ToArray(), s.AsSpan(i * k, k).ToArray());
            Assert.Equal(cleanS.AsSpan(i * k, k).ToArray(), values.AsSpan(i * k, k).ToArray());
            Assert.Equal(cleanV.AsSpan(i * cols * k, cols * k).ToArray(), v.AsSpan(i * cols * k, cols * k).ToArray());
        }
    }

    [Fact]
    public void Results_AreBitIdenticalAcrossRunsAndBatchSplits()
    {
        const int n = 64, count = 9;
        double[] matrices = Uniform(7, count, n, n);
        var (u1, s1, v1) = Run(matrices, n, n, count);
        var (u2, s2, v2) = Run(matrices, n, n, count);
        Assert.Equal(u1, u2);
        Assert.Equal(s1, s2);
        Assert.Equal(v1, v2);

        // Matrix 4 alone (serial path) equals matrix 4 of the parallel batch.
        var (u3, s3, v3) = Run(matrices.AsSpan(4 * n * n, n * n).ToArray(), n, n, 1);
        Assert.Equal(u1.AsSpan(4 * n * n, n * n).ToArray(), u3);
        Assert.Equal(s1.AsSpan(4 * n, n).ToArray(), s3);
        Assert.Equal(v1.AsSpan(4 * n * n, n * n).ToArray(), v3);
    }

    [Fact]
    public void EmptyShapes_AreAccepted()
    {
        BatchedSvd.SingularValues([], 3, 4, 0, []);
        BatchedSvd.SingularValues([], 0, 4, 2, []);
        BatchedSvd.Decompose([], 3, 0, 2, [], [], []);
        BatchedSvd.Decompose([], 5, 5, 0, [], [], []);
    }

    [Fact]
    public void WrongLengthsAndSizes_Throw()
    {
        var e = Assert.Throws<ArgumentException>(() => BatchedSvd.SingularValues(new double[11], 3, 4, 1, new double[3]));
        Assert.Contains("12", e.Message, StringComparison.Ordinal);
        Assert.Contains("11", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => BatchedSvd.SingularValues(new double[12], 3, 4, 1, new double[4]));
        Assert.Equal("s", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => BatchedSvd.Decompose(new double[12], 3, 4, 1, new double[9], new double[3], new double[11]));
        Assert.Equal("v", e.ParamName);
        Assert.Contains("12", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchedSvd.SingularValues([], -1, 4, 1, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchedSvd.Decompose([], 1, 1, -1, [], [], []));
    }

    private static (double[] U, double[] S, double[] V) Run(double[] matrices, int rows, int cols, int count)
    {
        int k = Math.Min(rows, cols);
        var u = new double[count * rows * k];
        var s = new double[count * k];
        var v = new double[count * cols * k];
        BatchedSvd.Decompose(matrices, rows, cols, count, u, s, v);
        return (u, s, v);
    }

    /// <summary>Checks every identity of a thin SVD for each matrix; returns all singular values.</summary>
    private static double[] CheckDecomposition(double[] matrices, int rows, int cols, int count)
    {
        int k = Math.Min(rows, cols);
        var (u, s, v) = Run(matrices, rows, cols, count);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<double> ui = u.AsSpan(i * rows * k, rows * k), si = s.AsSpan(i * k, k), vi = v.AsSpan(i * cols * k, cols * k);
            double bound = Tolerance * Math.Max(1, si[0]);
            for (int j = 0; j < k; j++)
            {
                Assert.True(si[j] >= 0 && (j == 0 || si[j] <= si[j - 1]), $"matrix {i}: S not descending and non-negative at {j}");
            }

            var scaledU = new double[rows * k];
            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < k; j++)
                {
                    scaledU[r * k + j] = ui[r * k + j] * si[j];
                }
            }

            double[] reconstruction = Multiply(scaledU, vi, rows, k, cols, transposeB: true);
            Assert.True(MaxAbsDifference(reconstruction, matrices.AsSpan(i * rows * cols, rows * cols)) <= bound, $"matrix {i}: U·S·Vᵀ ≠ M within {bound}");
            Assert.True(OrthonormalityError(ui, rows, k) <= Tolerance, $"matrix {i}: UᵀU ≠ I within 1e-12");
            Assert.True(OrthonormalityError(vi, cols, k) <= Tolerance, $"matrix {i}: VᵀV ≠ I within 1e-12");
            for (int j = 0; j < k; j++)
            {
                int largest = 0;
                for (int r = 1; r < rows; r++)
                {
                    largest = Math.Abs(ui[r * k + j]) > Math.Abs(ui[largest * k + j]) ? r : largest;
                }

                Assert.True(ui[largest * k + j] > 0, $"matrix {i}: sign convention broken in column {j}");
            }
        }

        return s;
    }
}
