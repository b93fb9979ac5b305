using System.Numerics;

namespace FactoredGpu;

/// <content>Indexing, new leading dimensions and the corner preview.</content>
public sealed partial class FactoredMatrix<TScalar>
{
    /// <summary>
    /// TransformerLens's indexing: up to <c>nLead</c> entries index the leading dimensions of both factors; one more
    /// selects rows of <c>A</c>; two more select rows of <c>A</c> and columns of <c>B</c>. As a row or column index, an
    /// integer <c>i</c> acts as the slice <c>i..i+1</c> (the dimension is kept, size 1; negative counts from the end).
    /// </summary>
    /// <param name="index">The index entries (integers, slices, lists, new axes).</param>
    /// <returns>The selected factored matrix.</returns>
    /// <exception cref="ArgumentException">More than <c>nLead + 2</c> entries.</exception>
    /// <exception cref="IndexOutOfRangeException">An integer is out of range (TransformerLens returns an empty matrix for an out-of-range row or column; this throws).</exception>
    public FactoredMatrix<TScalar> this[params TensorIndex[] index]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(index);
            int lead = NDim - 2;
            int used = index.Count(i => i.Kind != TensorIndexKind.NewAxis);
            if (used > NDim)
            {
                throw new ArgumentException($"({string.Join(", ", index)}) is too long an index for a FactoredMatrix with shape {Shapes.Format(_shape)}.", nameof(index));
            }

            if (used <= lead)
            {
                using var a = A.Index(index);
                using var b = B.Index(index);
                return new FactoredMatrix<TScalar>(a, b);
            }

            if (index.Any(i => i.Kind == TensorIndexKind.NewAxis))
            {
                throw new ArgumentException($"({string.Join(", ", index)}): a new axis is only supported when indexing leading dimensions alone; use Unsqueeze.", nameof(index));
            }

            var keep = (TensorIndex[])index.Clone();
            keep[^1] = AsKeptSlice(keep[^1], used == lead + 1 ? LDim : RDim);
            if (used == lead + 1)
            {
                using var a = A.Index(keep);
                using var b = B.Index(keep[..^1]);
                return new FactoredMatrix<TScalar>(a, b);
            }

            keep[^2] = AsKeptSlice(keep[^2], LDim);
            using var rows = A.Index(keep[..^1]);
            using var columns = B.Index([.. keep[..^2], TensorIndex.All, keep[^1]]);
            return new FactoredMatrix<TScalar>(rows, columns);
        }
    }

    /// <summary>Inserts a leading dimension of size 1 in both factors (PyTorch's <c>unsqueeze</c>).</summary>
    /// <param name="axis">The position: <c>0 ≤ axis ≤ nLead</c>, or counted from the end, <c>−(nLead + 3) ≤ axis ≤ −3</c>.</param>
    /// <returns>The factored matrix with one more leading dimension.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> would split the matrix dimensions (−1, −2) or is out of range.</exception>
    public FactoredMatrix<TScalar> Unsqueeze(int axis)
    {
        int lead = NDim - 2;
        if (axis > lead || axis < -(lead + 3) || axis is -1 or -2)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), $"Unsqueeze({axis}) must insert a leading dimension: 0..{lead} or {-(lead + 3)}..-3 for shape {Shapes.Format(_shape)}.");
        }

        using var a = A.Unsqueeze(axis);
        using var b = B.Unsqueeze(axis);
        return new FactoredMatrix<TScalar>(a, b);
    }

    /// <summary>
    /// The top-left corner of the product, <c>A[..., :k, :]·B[..., :, :k]</c>, with every dimension (leading ones too)
    /// cut to <c>:k</c> — TransformerLens's <c>get_corner</c>.
    /// </summary>
    /// <param name="k">The corner size.</param>
    /// <returns>A dense tensor of at most <c>k</c> along every dimension.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is negative.</exception>
    public StridedTensor<TScalar> GetCorner(int k = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var corner = Enumerable.Repeat(TensorIndex.Slice(0, k), NDim).ToArray();
        using var rows = A.Index([.. corner[..^1], TensorIndex.All]);
        using var columns = B.Index([.. corner[..^2], TensorIndex.All, corner[^1]]);
        using var product = rows * columns;
        using var cut = product.Index(corner);
        return cut.Contiguous();
    }

    private static TensorIndex AsKeptSlice(TensorIndex entry, int size)
    {
        if (entry.Kind != TensorIndexKind.Integer)
        {
            return entry;
        }

        int position = StridedTensor<TScalar>.NormalizePosition(entry.Value, size, -1);
        return TensorIndex.Slice(position, position + 1);
    }
}
