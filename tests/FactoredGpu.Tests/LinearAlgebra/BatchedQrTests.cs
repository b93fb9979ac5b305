using FactoredGpu.Tests.Support;
using FactoredGpu.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;
using Xunit;
using static FactoredGpu.Tests.Support.Dense;

namespace FactoredGpu.Tests.LinearAlgebra;

public class BatchedQrTests
{
    /// <summary>Tolerance relative to max(1, max|M|).</summary>
    private const double Tolerance = 1e-12;

    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 1, 7, 3 }, { 7, 1, 3 }, { 2, 2, 9 }, { 3, 3, 7 }, { 17, 17, 1 }, { 64, 64, 9 },
        { 65, 65, 1 }, { 769, 17, 1 }, { 127, 63, 2 }, { 17, 65, 7 }, { 768, 64, 3 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Decompose_SatisfiesQrIdentitiesAndMatchesMathNet(int rows, int cols, int count)
    {
        double[] matrices = Uniform(rows * 977 + cols, count, rows, cols);
        var (q, r) = Run(matrices, rows, cols, count);
        int k = Math.Min(rows, cols);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<double> m = matrices.AsSpan(i * rows * cols, rows * cols), qi = q.AsSpan(i * rows * k, rows * k), ri = r.AsSpan(i * k * cols, k * cols);
            double bound = Tolerance * Math.Max(1, MaxAbsDifference(m, new double[m.Length]));
            Assert.True(MaxAbsDifference(Multiply(qi, ri, rows, k, cols), m) <= bound, $"matrix {i}: Q·R ≠ M within {bound}");
            Assert.True(OrthonormalityError(qi, rows, k) <= Tolerance, $"matrix {i}: QᵀQ ≠ I within 1e-12");

            // MathNet's thin R (it factors only rows ≥ cols, so wide shapes stop at the identities above), rows
            // negated to our non-negative diagonal: the factorization is unique for full rank.
            if (rows < cols)
            {
                continue;
            }

            var reference = Matrix<double>.Build.DenseOfRowMajor(rows, cols, m.ToArray()).QR(QRMethod.Thin).R;
            for (int a = 0; a < k; a++)
            {
                Assert.True(ri[a * cols + a] >= 0, $"matrix {i}: R[{a},{a}] negative");
                double sign = reference[a, a] < 0 ? -1 : 1;
                for (int b = 0; b < cols; b++)
                {
                    double expected = b < a ? 0 : sign * reference[a, b];
                    Assert.True(Math.Abs(ri[a * cols + b] - expected) <= bound, $"matrix {i}: R[{a},{b}] = {ri[a * cols + b]}, MathNet {expected}");
                }
            }
        }
    }

    [Fact]
    public void ZeroMatrix_GivesOrthonormalQAndZeroR()
    {
        var (q, r) = Run(new double[6 * 4], 6, 4, 1);
        Assert.All(r, x => Assert.Equal(0, x));
        Assert.True(OrthonormalityError(q, 6, 4) <= Tolerance);
    }

    [Fact]
    public void NonFiniteMatrix_GivesNaNForThatMatrixOnly()
    {
        const int rows = 5, cols = 3, count = 3;
        double[] matrices = Uniform(8, count, rows, cols);
        var (cleanQ, cleanR) = Run(matrices, rows, cols, count);
        matrices[rows * cols + 4] = double.NaN;
        matrices[2 * rows * cols] = double.PositiveInfinity;
        var (q, r) = Run(matrices, rows, cols, count);
        Assert.All(q[(rows * cols)..], x => Assert.True(double.IsNaN(x)));
        Assert.All(r[(cols * cols)..], x => Assert.True(double.IsNaN(x)));
        Assert.Equal(cleanQ[..(rows * cols)], q[..(rows * cols)]);
        Assert.Equal(cleanR[..(cols * cols)], r[..(cols * cols)]);
    }

    [Fact]
    public void Results_AreBitIdenticalAcrossRunsAndBatchSplits()
    {
        const int rows = 768, cols = 64, count = 7;
        double[] matrices = Uniform(9, count, rows, cols);
        var (q1, r1) = Run(matrices, rows, cols, count);
        var (q2, r2) = Run(matrices, rows, cols, count);
        Assert.Equal(q1, q2);
        Assert.Equal(r1, r2);
        var (q3, r3) = Run(matrices.AsSpan(6 * rows * cols, rows * cols).ToArray(), rows, cols, 1);
        Assert.Equal(q1[(6 * rows * cols)..], q3);
        Assert.Equal(r1[(6 * cols * cols)..], r3);
    }

    [Fact]
    public void EmptyShapesAndWrongLengths()
    {
        BatchedQr.Decompose([], 4, 4, 0, [], []);
        BatchedQr.Decompose([], 0, 4, 3, [], []);
        var e = Assert.Throws<ArgumentException>(() => BatchedQr.Decompose(new double[12], 4, 3, 1, new double[12], new double[8]));
        Assert.Equal("r", e.ParamName);
        Assert.Contains("9", e.Message, StringComparison.Ordinal);
        Assert.Contains("8", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => BatchedQr.Decompose(new double[13], 4, 3, 1, new double[12], new double[9]));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchedQr.Decompose([], 4, -3, 1, [], []));
    }

    private static (double[] Q, double[] R) Run(double[] matrices, int rows, int cols, int count)
    {
        int k = Math.Min(rows, cols);
        var q = new double[count * rows * k];
        var r = new double[count * k * cols];
        BatchedQr.Decompose(matrices, rows, cols, count, q, r);
        return (q, r);
    }
}
