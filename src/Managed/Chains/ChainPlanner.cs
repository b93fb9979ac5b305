namespace FactoredGpu;

/// <summary>
/// Chooses association orders for matrix chains by dynamic programming over all parenthesizations, counting each
/// intermediate product once per <em>distinct</em> batch element: a factor shared by every head (no leading dims, or
/// zero strides) does not multiply the cost, so <c>W_U·W_E</c> in a full OV circuit is computed once, not per head.
/// </summary>
/// <remarks>
/// <para>A step multiplying an <c>l×m</c> by an <c>m×r</c> operand costs <c>2·l·m·r</c> FLOPs times the product of the
/// leading sizes over the dimensions along which at least one factor of that sub-chain varies (size &gt; 1 and a non-zero
/// stride). This is what <see cref="StridedTensor{T}.Matmul"/> actually computes. Ties go to the leftmost split, so
/// plans are deterministic. The search is <c>O(k³)</c> in the number of factors.</para>
/// <para>The overloads here take shapes only, so plans for tensors too large to allocate can be inspected; a
/// <see cref="MatrixChain{TScalar}"/> plans its own reductions from its tensors' shapes and strides.</para>
/// </remarks>
public static class ChainPlanner
{
    /// <summary>The cheapest order for the product <c>X₁·X₂·…·X_k</c>.</summary>
    /// <param name="shapes">The factor shapes <c>[..., rows, cols]</c>, left to right; at least two.</param>
    /// <param name="varies">
    /// Per factor, one flag per own leading dimension: whether it really varies (false for a broadcast view with stride
    /// 0). Null: every leading dimension of size &gt; 1 varies.
    /// </param>
    /// <param name="names">Names for <see cref="ChainPlan.Explain"/>; null: <c>X1</c>, <c>X2</c>, ….</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentException">The shapes do not form a chain (rank &lt; 2, inner sizes differ, leading dims do not broadcast), or the flags or names do not match them.</exception>
    public static ChainPlan ForProduct(IReadOnlyList<int[]> shapes, IReadOnlyList<bool[]>? varies = null, IReadOnlyList<string>? names = null) =>
        ForProduct(ChainLayout.Create(shapes, varies), Names(shapes, names));

    /// <summary>
    /// The plan for the eigenvalues of a square chain: the cyclic rotation <c>X_i⋯X_k·X₁⋯X_{i−1}</c> whose outer size
    /// (rows of <c>X_i</c>) is smallest (ties: the cheapest), multiplied in its cheapest order. The non-zero
    /// eigenvalues of every rotation are the same.
    /// </summary>
    /// <param name="shapes">The factor shapes, left to right; rows of the first must equal columns of the last.</param>
    /// <param name="varies">As for <see cref="ForProduct(IReadOnlyList{int[]}, IReadOnlyList{bool[]}?, IReadOnlyList{string}?)"/>.</param>
    /// <param name="names">As for <see cref="ForProduct(IReadOnlyList{int[]}, IReadOnlyList{bool[]}?, IReadOnlyList{string}?)"/>.</param>
    /// <returns>The plan; <see cref="ChainPlan.Order"/> gives the rotation.</returns>
    /// <exception cref="ArgumentException">The shapes do not form a square chain.</exception>
    public static ChainPlan ForEigenvalues(IReadOnlyList<int[]> shapes, IReadOnlyList<bool[]>? varies = null, IReadOnlyList<string>? names = null) =>
        ForRotation(ChainLayout.Create(shapes, varies), Names(shapes, names), traceAtRoot: false);

    /// <summary>
    /// The plan for the trace of a square chain: the smallest cyclic rotation as for eigenvalues, whose last step is
    /// <c>tr(P·Q)</c> (<c>2·l·m</c> FLOPs per batch element) at the split that minimizes the total.
    /// </summary>
    /// <param name="shapes">The factor shapes, left to right; rows of the first must equal columns of the last.</param>
    /// <param name="varies">As for <see cref="ForProduct(IReadOnlyList{int[]}, IReadOnlyList{bool[]}?, IReadOnlyList{string}?)"/>.</param>
    /// <param name="names">As for <see cref="ForProduct(IReadOnlyList{int[]}, IReadOnlyList{bool[]}?, IReadOnlyList{string}?)"/>.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentException">The shapes do not form a square chain.</exception>
    public static ChainPlan ForTrace(IReadOnlyList<int[]> shapes, IReadOnlyList<bool[]>? varies = null, IReadOnlyList<string>? names = null) =>
        ForRotation(ChainLayout.Create(shapes, varies), Names(shapes, names), traceAtRoot: true);

    internal static ChainPlan ForProduct(ChainLayout layout, string[] names) =>
        Solve(layout, [.. Enumerable.Range(0, layout.Count)], names, traceAtRoot: false);

    internal static ChainPlan ForRotation(ChainLayout layout, string[] names, bool traceAtRoot)
    {
        int k = layout.Count;
        if (layout.Rows(0) != layout.Cols(k - 1))
        {
            throw new ArgumentException($"Eigenvalues and traces need a square chain; its product has shape {Shapes.Format(layout.ProductShape(0, k - 1))}.", nameof(layout));
        }

        int outer = Enumerable.Range(0, k).Min(layout.Rows);
        ChainPlan? best = null;
        for (int start = 0; start < k; start++)
        {
            if (layout.Rows(start) != outer)
            {
                continue;
            }

            int[] order = [.. Enumerable.Range(0, k).Select(i => (start + i) % k)];
            var plan = Solve(layout.Reorder(order), order, [.. order.Select(i => names[i])], traceAtRoot);
            if (best is null || plan.TotalFlops < best.TotalFlops)
            {
                best = plan;
            }
        }

        return best!;
    }

    /// <summary>The FLOPs of multiplying the products of factors first..split and split+1..last (or tracing it).</summary>
    internal static long StepFlops(ChainLayout layout, int first, int split, int last, bool trace)
    {
        long perMatrix = checked(2L * layout.Rows(first) * layout.Cols(split) * (trace ? 1 : layout.Cols(last)));
        return checked(perMatrix * layout.DistinctBatch(first, last));
    }

    internal static string[] Names(IReadOnlyList<int[]> shapes, IReadOnlyList<string>? names)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        if (names is not null && names.Count != shapes.Count)
        {
            throw new ArgumentException($"{names.Count} names were given for {shapes.Count} factors.", nameof(names));
        }

        return [.. Enumerable.Range(0, shapes.Count).Select(i => names?[i] ?? $"X{i + 1}")];
    }

    /// <summary>Classic matrix-chain dynamic programming (CLRS §15.2) with the distinct-batch cost.</summary>
    private static ChainPlan Solve(ChainLayout layout, int[] order, string[] names, bool traceAtRoot)
    {
        int k = layout.Count;
        var cost = new long[k, k];
        var split = new int[k, k];
        for (int length = 2; length <= k; length++)
        {
            for (int first = 0; first + length - 1 < k; first++)
            {
                int last = first + length - 1;
                bool trace = traceAtRoot && length == k;
                cost[first, last] = long.MaxValue;
                for (int s = first; s < last; s++)
                {
                    long candidate = checked(cost[first, s] + cost[s + 1, last] + StepFlops(layout, first, s, last, trace));
                    if (candidate < cost[first, last])
                    {
                        (cost[first, last], split[first, last]) = (candidate, s);
                    }
                }
            }
        }

        return new ChainPlan(layout, order, names, split, traceAtRoot);
    }
}
