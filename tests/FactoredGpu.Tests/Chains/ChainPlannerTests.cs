using Xunit;

namespace FactoredGpu.Tests.Chains;

/// <summary>The planner's association orders on hand-computed examples, its text, and its errors.</summary>
public sealed class ChainPlannerTests
{
    private const long V = 50257, D = 768, Dh = 64, Heads = 144;

    [Fact]
    public void Three_factors_take_the_textbook_order()
    {
        // CLRS 15.2: [10,100]·[100,5]·[5,50]. (X1·X2)·X3 = 2·10·100·5 + 2·10·5·50 = 15 000;
        // X1·(X2·X3) = 2·100·5·50 + 2·10·100·50 = 150 000.
        var plan = ChainPlanner.ForProduct([[10, 100], [100, 5], [5, 50]]);

        Assert.Equal("(X1·X2)·X3", plan.Parenthesization);
        Assert.Equal(15_000, plan.TotalFlops);
        Assert.Equal([0, 1, 2], plan.Order);
    }

    [Fact]
    public void A_shared_pair_is_multiplied_once_and_that_changes_the_order()
    {
        // X1 [2,3,4,30], X2 [30,50] and X3 [50,30] shared by the 6 heads, X4 [2,3,30,5]. Candidates:
        //   (X1·(X2·X3))·X4 = 2·30·50·30·1 + 2·4·30·30·6 + 2·4·30·5·6 = 90 000 + 43 200 + 7 200 = 140 400  ← best
        //   ((X1·X2)·X3)·X4 = 2·4·30·50·6 + 2·4·50·30·6 + 7 200      = 72 000 + 72 000 + 7 200 = 151 200
        //   X1·((X2·X3)·X4) = 90 000 + 2·30·30·5·6 + 7 200            = 151 200
        //   (X1·X2)·(X3·X4) = 72 000 + 2·50·30·5·6 + 2·4·50·5·6        = 174 000
        //   X1·(X2·(X3·X4)) = 90 000 + 2·30·50·5·6 + 7 200            = 187 200
        // Counting X2·X3 six times (540 000) would make ((X1·X2)·X3)·X4 the choice instead.
        int[][] shapes = [[2, 3, 4, 30], [30, 50], [50, 30], [2, 3, 30, 5]];
        var plan = ChainPlanner.ForProduct(shapes);

        Assert.Equal("(X1·(X2·X3))·X4", plan.Parenthesization);
        Assert.Equal(140_400, plan.TotalFlops);
        var shared = Assert.Single(plan.Steps, s => s.Left == "X2" && s.Right == "X3");
        Assert.Equal(1, shared.DistinctBatch);
        Assert.Equal(90_000, shared.Flops);

        // The same factors as zero-stride views with leading dims: flags say they do not vary, so the plan is the same.
        var broadcast = ChainPlanner.ForProduct(
            [[2, 3, 4, 30], [2, 3, 30, 50], [2, 3, 50, 30], [2, 3, 30, 5]],
            [[true, true], [false, false], [false, false], [true, true]]);
        Assert.Equal(plan.Parenthesization, broadcast.Parenthesization);
        Assert.Equal(plan.TotalFlops, broadcast.TotalFlops);
    }

    [Fact]
    public void Full_ov_eigenvalues_rotate_to_W_O_and_share_W_U_W_E()
    {
        // W_E·W_V·W_O·W_U is [12,12,50257,50257]; the smallest outer size is W_O's 64 rows, so the rotation is
        // W_O·W_U·W_E·W_V. W_U·W_E (768×768, 2·768·50257·768 FLOPs) is computed once; then 144 products with it
        // (2·768·768·64 each) and 144 64×64 products (2·64·768·64). Either side of (W_U·W_E) costs the same; the
        // leftmost split wins the tie.
        var plan = ChainPlanner.ForEigenvalues(FullOvShapes, names: ["W_E", "W_V", "W_O", "W_U"]);

        Assert.Equal([2, 3, 0, 1], plan.Order);
        Assert.Equal("W_O·((W_U·W_E)·W_V)", plan.Parenthesization);
        var shared = Assert.Single(plan.Steps, s => s.Left == "W_U" && s.Right == "W_E");
        Assert.Equal(1, shared.DistinctBatch);
        Assert.Equal(2 * D * V * D, shared.Flops);
        Assert.Equal([768, 768], shared.ResultShape);
        Assert.Equal((2 * D * V * D) + (2 * D * D * Dh * Heads) + (2 * Dh * D * Dh * Heads), plan.TotalFlops);
        Assert.Equal([12, 12, 64, 64], plan.ResultShape);

        string text = plan.Explain();
        Assert.Contains("Plan: W_O·((W_U·W_E)·W_V)", text, StringComparison.Ordinal);
        Assert.Contains("Cyclic rotation starting at factor 3 (W_O)", text, StringComparison.Ordinal);
        Assert.Contains("W_U·W_E: [768, 50257]·[50257, 768] → [768, 768], distinct batch 1,", text, StringComparison.Ordinal);
        Assert.Contains("distinct batch 144", text, StringComparison.Ordinal);
        Assert.Contains($"Total: {plan.TotalFlops:N0} FLOPs", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Full_ov_trace_ends_in_a_trace_of_a_64_by_768_and_768_by_64_pair()
    {
        var plan = ChainPlanner.ForTrace(FullOvShapes, names: ["W_E", "W_V", "W_O", "W_U"]);

        var last = plan.Steps[^1];
        Assert.True(last.IsTrace);
        Assert.Equal([12, 12], last.ResultShape);
        Assert.Equal(2 * Dh * D * Heads, last.Flops);
        Assert.Equal((2 * D * V * D) + (2 * D * D * Dh * Heads) + (2 * Dh * D * Heads), plan.TotalFlops);
        Assert.StartsWith("tr(", plan.Parenthesization, StringComparison.Ordinal);
    }

    [Fact]
    public void Shapes_that_do_not_chain_are_errors_naming_them()
    {
        var inner = Assert.Throws<ArgumentException>(() => ChainPlanner.ForProduct([[2, 3], [4, 5]]));
        Assert.Contains("[2, 3]", inner.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 5]", inner.Message, StringComparison.Ordinal);

        var lead = Assert.Throws<ArgumentException>(() => ChainPlanner.ForProduct([[2, 4, 3], [3, 3, 5]]));
        Assert.Contains("[2, 4, 3]", lead.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 3, 5]", lead.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => ChainPlanner.ForProduct([[3], [3, 3]]));
        Assert.Throws<ArgumentException>(() => ChainPlanner.ForProduct([[3, 3]]));
        Assert.Throws<ArgumentException>(() => ChainPlanner.ForProduct([[2, 3, 3], [3, 3]], [[true, false], []]));
        var square = Assert.Throws<ArgumentException>(() => ChainPlanner.ForEigenvalues([[2, 3], [3, 4]]));
        Assert.Contains("[2, 4]", square.Message, StringComparison.Ordinal);
    }

    private static int[][] FullOvShapes => [[50257, 768], [12, 12, 768, 64], [12, 12, 64, 768], [768, 50257]];
}
