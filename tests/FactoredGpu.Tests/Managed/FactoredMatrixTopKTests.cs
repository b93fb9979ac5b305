using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Managed;

/// <summary><see cref="FactoredMatrix{TScalar}.TopK"/> against the dense float64 product, tiled and untiled.</summary>
public sealed class FactoredMatrixTopKTests
{
    public static TheoryData<int[], int[], int, int, int, int> Cases() => new()
    {
        { [], [], 1, 1, 1, 1 },
        { [], [], 7, 3, 13, 1 },
        { [], [], 11, 5, 17, 4 },
        { [], [], 5, 2, 9, 9 },
        { [3], [], 10, 4, 23, 3 },
        { [2, 1], [1, 3], 8, 6, 31, 5 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Selects_the_largest_entries_of_every_row(int[] aLead, int[] bLead, int l, int m, int r, int k)
    {
        var random = new Random(l * 1000 + r * 10 + k);
        int[] aShape = [.. aLead, l, m], bShape = [.. bLead, m, r];
        double[] aData = Dense.Random(random, aShape.Aggregate(1, (x, y) => x * y)), bData = Dense.Random(random, bShape.Aggregate(1, (x, y) => x * y));
        int[] lead = FactoredGpu.Shapes.Broadcast(aLead, bLead);
        int count = lead.Aggregate(1, (x, y) => x * y);
        double[] ab = Dense.Matmul(Dense.Broadcast(aData, aShape, [.. lead, l, m]), Dense.Broadcast(bData, bShape, [.. lead, m, r]), count, l, m, r);
        using var a = StridedTensor<double>.FromArray(aData, aShape);
        using var b = StridedTensor<double>.FromArray(bData, bShape);
        using var f = new FactoredMatrix<double>(a, b);

        using var whole = f.TopK(k);
        using var tiled = f.TopK(k, Budget(count * l, k, r, rows: 3));
        Assert.Equal([.. lead, l, k], whole.Shape.ToArray());
        Assert.Equal(whole.Shape.ToArray(), whole.Values.Shape.ToArray());
        double[] values = whole.Values.ToArray();

        // The tile height changes nothing, bit for bit.
        Assert.Equal(values, tiled.Values.ToArray());
        Assert.Equal(whole.Indices, tiled.Indices);

        for (int row = 0; row < count * l; row++)
        {
            var dense = ab.AsSpan(row * r, r);
            var chosen = whole.Indices.AsSpan(row * k, k).ToArray();
            Assert.Equal(k, chosen.Distinct().Count());
            double weakest = double.PositiveInfinity;
            for (int j = 0; j < k; j++)
            {
                Close.Parity([dense[chosen[j]]], [values[row * k + j]], $"row {row} entry {j}");
                Assert.True(j == 0 || values[row * k + j - 1] >= values[row * k + j], $"row {row} is not descending");
                weakest = Math.Min(weakest, dense[chosen[j]]);
            }

            // Random N(0, 1) products have no near-ties, so every unselected entry is strictly smaller.
            for (int c = 0; c < r; c++)
            {
                Assert.True(chosen.Contains(c) || dense[c] < weakest, $"row {row}: column {c} ({dense[c]}) beats a selected entry ({weakest})");
            }
        }
    }

    [Fact]
    public void Ties_go_to_the_lower_column_and_NaN_ranks_last()
    {
        // One row, exact products: columns 0..5 of A·B are 1, NaN, 2, 1, 2, 1.
        using var a = StridedTensor<float>.FromArray([1f], 1, 1);
        using var b = StridedTensor<float>.FromArray([1f, float.NaN, 2f, 1f, 2f, 1f], 1, 6);
        using var f = new FactoredMatrix<float>(a, b);
        using var all = f.TopK(6, 1024);
        Assert.Equal([2, 4, 0, 3, 5, 1], all.Indices);
        Assert.Equal([2f, 2f, 1f, 1f, 1f, float.NaN], all.Values.ToArray());
        using var three = f.TopK(3, 1024);
        Assert.Equal([2, 4, 0], three.Indices);
    }

    [Fact]
    public void Rejects_bad_k_and_budgets_too_small_for_a_row_or_the_result()
    {
        using var a = StridedTensor<double>.FromArray(new double[4 * 2], 4, 2);
        using var b = StridedTensor<double>.FromArray(new double[2 * 10], 2, 10);
        using var f = new FactoredMatrix<double>(a, b);
        Assert.Throws<ArgumentOutOfRangeException>(() => f.TopK(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.TopK(11));

        // The result of TopK(2) is 4·2·(8 + 4) = 96 bytes; one row is 80, counted twice (backend tile and host copy).
        Assert.Throws<InsufficientMemoryException>(() => f.TopK(2, 95));
        Assert.Throws<InsufficientMemoryException>(() => f.TopK(2, 96 + 159));
        using var oneRowAtATime = f.TopK(2, 96 + 160);
        Assert.Equal([4, 2], oneRowAtATime.Shape.ToArray());
    }

    /// <summary>A budget that holds the float64 result plus exactly <paramref name="rows"/> product rows (each counted twice: backend tile and host copy).</summary>
    private static long Budget(int totalRows, int k, int r, int rows) => (long)totalRows * k * (sizeof(double) + sizeof(int)) + 2L * rows * r * sizeof(double);
}
