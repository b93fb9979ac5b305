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
/// <para>Structured factors (<see cref="ChainFactor{TScalar}"/>) are costed as what is computed: applying a diagonal to an
/// <c>l×r</c> operand costs <c>l·r</c>, a centring projection <c>2·l·r</c> (a mean and a subtraction per element), and a
/// sub-chain <c>Xᵀ·X</c> of a factor and its transposed view is one symmetric Gram product, <c>n·m·(m+1)</c> for
/// <c>X [n, m]</c> (half a GEMM's <c>2·n·m²</c>); <c>Xᵀ·P_n·X = XᵀX − sᵀs/n</c> with <c>s = 1ᵀX</c> adds <c>2·n·m</c>
/// for the column sums and <c>2·m²</c> for the rank-1 correction.</para>
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

    /// <summary>The split value marking a sub-chain evaluated as one Gram product (<see cref="IsGram"/>).</summary>
    internal const int GramSplit = -1;

    /// <summary>What the step forming factors first..last at <paramref name="split"/> computes.</summary>
    internal static ChainStepKind StepKind(ChainLayout layout, int first, int split, int last, bool trace) =>
        trace ? ChainStepKind.Trace
        : split == GramSplit ? (last - first == 1 ? ChainStepKind.Gram : ChainStepKind.ProjectedGram)
        : Structured(layout, first, split) is { } left ? (layout.Kind(left) == ChainFactorKind.Diagonal ? ChainStepKind.Scale : ChainStepKind.Centre)
        : Structured(layout, split + 1, last) is { } right ? (layout.Kind(right) == ChainFactorKind.Diagonal ? ChainStepKind.Scale : ChainStepKind.Centre)
        : ChainStepKind.Product;

    /// <summary>The FLOPs of the step forming factors first..last at <paramref name="split"/> (or tracing it).</summary>
    internal static long StepFlops(ChainLayout layout, int first, int split, int last, bool trace)
    {
        long l = layout.Rows(first), r = layout.Cols(last);
        long perMatrix = StepKind(layout, first, split, last, trace) switch
        {
            ChainStepKind.Trace => checked(2L * l * layout.Cols(split)),
            ChainStepKind.Gram => checked(layout.Rows(last) * r * (r + 1)),
            ChainStepKind.ProjectedGram => checked((layout.Rows(last) * r * (r + 1)) + (2L * layout.Rows(last) * r) + (2L * r * r)),
            ChainStepKind.Scale => checked(l * r),
            ChainStepKind.Centre => checked(2L * l * r),
            _ => checked(2L * l * layout.Cols(split) * r),
        };
        return checked(perMatrix * layout.DistinctBatch(first, last));
    }

    /// <summary>
    /// Whether factors first..last are <c>Xᵀ·X</c> or <c>Xᵀ·P·X</c>: the outer two dense views of one memory, each the
    /// other's transpose, with at most a centring projection between them.
    /// </summary>
    internal static bool IsGram(ChainLayout layout, int first, int last) =>
        (last - first == 1 || (last - first == 2 && layout.Kind(first + 1) == ChainFactorKind.Centring)) &&
        layout.Kind(first) == ChainFactorKind.Dense && layout.Kind(last) == ChainFactorKind.Dense && layout.AreTransposes(first, last);

    /// <summary>The factor index when first..last is one structured (diagonal or centring) factor, else null.</summary>
    internal static int? Structured(ChainLayout layout, int first, int last) =>
        first == last && layout.Kind(first) != ChainFactorKind.Dense ? first : null;

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
                if (!trace && IsGram(layout, first, last))
                {
                    (cost[first, last], split[first, last]) = (StepFlops(layout, first, GramSplit, last, trace: false), GramSplit);
                }

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
