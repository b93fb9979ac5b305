using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Managed;

/// <summary><see cref="FactoredMatrix{TScalar}.Diagonal"/> against the diagonal of the dense float64 product.</summary>
public sealed class FactoredMatrixDiagonalTests
{
    public static TheoryData<int[], int[], int, int, int> Shapes() => new()
    {
        { [], [], 1, 1, 1 },
        { [], [], 7, 3, 5 },
        { [], [], 5, 9, 11 },
        { [3], [], 13, 4, 6 },
        { [2, 1], [1, 3], 6, 17, 6 },
        { [0], [], 4, 2, 4 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Matches_the_diagonal_of_the_dense_product(int[] aLead, int[] bLead, int l, int m, int r)
    {
        var random = new Random(l * 100 + m * 10 + r);
        int[] aShape = [.. aLead, l, m], bShape = [.. bLead, m, r];
        double[] aData = Dense.Random(random, aShape.Aggregate(1, (x, y) => x * y)), bData = Dense.Random(random, bShape.Aggregate(1, (x, y) => x * y));
        int[] lead = FactoredGpu.Shapes.Broadcast(aLead, bLead);
        int count = lead.Aggregate(1, (x, y) => x * y), n = Math.Min(l, r);
        double[] ab = Dense.Matmul(Dense.Broadcast(aData, aShape, [.. lead, l, m]), Dense.Broadcast(bData, bShape, [.. lead, m, r]), count, l, m, r);
        var expected = new double[count * n];
        for (int h = 0; h < count; h++)
        {
            for (int i = 0; i < n; i++)
            {
                expected[h * n + i] = ab[(h * l + i) * r + i];
            }
        }

        using var a = StridedTensor<double>.FromArray(aData, aShape);
        using var b = StridedTensor<double>.FromArray(bData, bShape);
        using var f = new FactoredMatrix<double>(a, b);
        using var diagonal = f.Diagonal();
        Assert.Equal([.. lead, n], diagonal.Shape.ToArray());
        Close.Parity(expected, diagonal.ToArray(), "diagonal");
    }
}
