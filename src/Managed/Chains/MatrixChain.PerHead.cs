using System.Numerics;

namespace FactoredGpu;

/// <content>Reductions that need the two halves of the product: computed one leading index (head) at a time.</content>
public sealed partial class MatrixChain<TScalar>
{
    /// <summary>
    /// The diagonal of the product per leading index, shape <c>[..., min(l, r)]</c> — e.g. how strongly each token of a
    /// full OV circuit maps to itself — without building the <c>l×r</c> product.
    /// </summary>
    /// <returns>The diagonals.</returns>
    /// <remarks>
    /// Each leading index in turn is split where its inner size is smallest, both halves are evaluated in the planner's
    /// order (for a GPT-2 full OV head: <c>W_E·W_V</c> [50257, 64] and <c>W_O·W_U</c> [64, 50257], 13 MB each in float32)
    /// and <see cref="FactoredMatrix{TScalar}.Diagonal"/> runs on them; memory stays at one head's halves however many
    /// heads there are. The cost is that of the halves: about <c>4·V·d·d_head</c> FLOPs per head.
    /// </remarks>
    public StridedTensor<TScalar> Diagonal()
    {
        int d = Math.Min(LDim, RDim);
        var values = new TScalar[Shapes.Product(LeadingShape) * d];
        ForEachHead((head, factored) =>
        {
            using var diagonal = factored.Diagonal();
            diagonal.ToArray().CopyTo(values, head * d);
        });
        return StridedTensor<TScalar>.FromArray(Backend, values, Shapes.Concat(LeadingShape, d));
    }

    /// <summary>
    /// The <paramref name="k"/> largest entries of every row of the product and their column indices, per leading
    /// index — "what does token t map to" — streamed in row tiles without building the <c>l×r</c> product.
    /// </summary>
    /// <param name="k">How many entries per row, <c>1 ≤ k ≤ r</c>.</param>
    /// <param name="memoryBudgetBytes">The budget for one head's tiles and result (see <see cref="FactoredMatrix{TScalar}.TopK"/>).</param>
    /// <returns>Values <c>[..., l, k]</c>, descending along the last dimension, and their column indices.</returns>
    /// <remarks>One head at a time, as <see cref="Diagonal"/>: its halves, then <see cref="FactoredMatrix{TScalar}.TopK"/>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1 or greater than <c>r</c>.</exception>
    /// <exception cref="InsufficientMemoryException">One head's result or one row of its product does not fit the budget.</exception>
    public TopKResult<TScalar> TopK(int k, long memoryBudgetBytes = FactoredMatrix<TScalar>.DefaultTopKBudgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, RDim);
        int perHead = LDim * k;
        var values = new TScalar[Shapes.Product(LeadingShape) * perHead];
        var indices = new int[values.Length];
        ForEachHead((head, factored) =>
        {
            using var top = factored.TopK(k, memoryBudgetBytes);
            top.Values.ToArray().CopyTo(values, head * perHead);
            top.Indices.CopyTo(indices, head * perHead);
        });
        int[] shape = Shapes.Concat(LeadingShape, LDim, k);
        return new TopKResult<TScalar>(StridedTensor<TScalar>.FromArray(Backend, values, shape), indices, shape);
    }

    /// <summary>Runs <paramref name="action"/> on each leading index's chain as a factored matrix at its smallest split.</summary>
    private void ForEachHead(Action<int, FactoredMatrix<TScalar>> action)
    {
        int[] leading = LeadingShape.ToArray();
        long heads = Shapes.Product(leading);
        var position = new int[leading.Length];
        for (int head = 0; head < heads; head++)
        {
            int rest = head;
            for (int d = leading.Length - 1; d >= 0; d--)
            {
                position[d] = rest % leading[d];
                rest /= leading[d];
            }

            var index = position.Select(p => TensorIndex.At(p)).ToArray();
            var single = _factors.Select(f => f.At(leading, index)).ToArray();
            try
            {
                using var chain = Of(single);
                using var factored = chain.ToFactoredMatrix();
                action(head, factored);
            }
            finally
            {
                foreach (var factor in single)
                {
                    factor.Dispose();
                }
            }
        }
    }
}
