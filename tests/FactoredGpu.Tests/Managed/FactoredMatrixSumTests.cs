using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Managed;

/// <summary>Sums and differences of factored matrices against <c>A₁B₁ ± A₂B₂</c> computed densely in float64.</summary>
public sealed class FactoredMatrixSumTests
{
    public static TheoryData<int[], int[], int, int, int, int> Shapes() => new()
    {
        { [], [], 1, 1, 1, 1 },
        { [], [], 7, 3, 5, 11 },
        { [3], [], 5, 2, 1, 4 },
        { [2, 1], [1, 3], 6, 4, 7, 3 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Sum_and_difference_match_the_dense_products(int[] lead1, int[] lead2, int l, int m1, int m2, int r)
    {
        var random = new Random(l + 10 * m1 + 100 * m2 + 1000 * r);
        int[] lead = FactoredGpu.Shapes.Broadcast(lead1, lead2);
        using var f1 = Random(random, lead1, l, m1, r, out double[] p1);
        using var f2 = Random(random, lead2, l, m2, r, out double[] p2);
        p1 = Dense.Broadcast(p1, [.. lead1, l, r], [.. lead, l, r]);
        p2 = Dense.Broadcast(p2, [.. lead2, l, r], [.. lead, l, r]);

        using var sum = f1 + f2;
        Assert.Equal([.. lead, l, r], sum.Shape.ToArray());
        Assert.Equal(m1 + m2, sum.MDim);
        using (var product = sum.AB())
        {
            Close.Parity(p1.Zip(p2, (x, y) => x + y).ToArray(), product.ToArray(), "sum");
        }

        using var difference = f1.Subtract(f2);
        using (var product = difference.AB())
        {
            Close.Parity(p1.Zip(p2, (x, y) => x - y).ToArray(), product.ToArray(), "difference");
        }
    }

    [Fact]
    public void Mismatched_shapes_throw_naming_both()
    {
        var random = new Random(5);
        using var f = Random(random, [2], 3, 2, 4, out _);
        using var wrongR = Random(random, [2], 3, 2, 5, out _);
        using var wrongL = Random(random, [], 4, 2, 4, out _);
        using var wrongLead = Random(random, [3], 3, 2, 4, out _);
        foreach (var other in new[] { wrongR, wrongL, wrongLead })
        {
            var e = Assert.Throws<ArgumentException>(() => f.Add(other));
            Assert.Contains(FactoredGpu.Shapes.Format(f.Shape), e.Message, StringComparison.Ordinal);
            Assert.Contains(FactoredGpu.Shapes.Format(other.Shape), e.Message, StringComparison.Ordinal);
        }
    }

    private static FactoredMatrix<double> Random(Random random, int[] lead, int l, int m, int r, out double[] product)
    {
        int count = lead.Aggregate(1, (x, y) => x * y);
        double[] a = Dense.Random(random, count * l * m), b = Dense.Random(random, count * m * r);
        product = Dense.Matmul(a, b, count, l, m, r);
        using var ta = StridedTensor<double>.FromArray(a, [.. lead, l, m]);
        using var tb = StridedTensor<double>.FromArray(b, [.. lead, m, r]);
        return new FactoredMatrix<double>(ta, tb);
    }
}
