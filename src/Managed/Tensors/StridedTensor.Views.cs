using System.Numerics;
using FactoredGpu.Kernels;

namespace FactoredGpu;

/// <content>Views: broadcasting, transposition, new axes and indexing. None of these copies, except a list index.</content>
public sealed partial class StridedTensor<T>
{
    /// <summary>Broadcasts to <paramref name="shape"/> by numpy rules, as a view with zero strides.</summary>
    /// <param name="shape">The target shape; this tensor's shape must broadcast to it.</param>
    /// <returns>The view.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast; the message names both.</exception>
    public StridedTensor<T> BroadcastTo(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Any(d => d < 0))
        {
            throw new ArgumentException($"Cannot broadcast to {Shapes.Format(shape)}: a size is negative.", nameof(shape));
        }

        int extra = shape.Length - Rank;
        if (extra < 0)
        {
            throw new ArgumentException($"Cannot broadcast shape {Shapes.Format(_shape)} to the shorter shape {Shapes.Format(shape)}.", nameof(shape));
        }

        var strides = new long[shape.Length];
        for (int d = 0; d < Rank; d++)
        {
            int size = _shape[d], target = shape[d + extra];
            if (size == target)
            {
                strides[d + extra] = _strides[d];
            }
            else if (size != 1)
            {
                throw new ArgumentException($"Cannot broadcast shape {Shapes.Format(_shape)} to {Shapes.Format(shape)}.", nameof(shape));
            }
        }

        return View(Offset, (int[])shape.Clone(), strides);
    }

    /// <summary>Broadcasts the leading dimensions to <paramref name="leading"/>, keeping the last <paramref name="keep"/> dimensions.</summary>
    internal StridedTensor<T> BroadcastLeading(ReadOnlySpan<int> leading, int keep = 2) =>
        BroadcastTo(Shapes.Concat(leading, _shape.AsSpan(Rank - keep)));

    /// <summary>Swaps the last two dimensions (the matrix transpose of every matrix in the batch), as a view.</summary>
    /// <returns>The view.</returns>
    /// <exception cref="InvalidOperationException">The tensor has fewer than two dimensions.</exception>
    public StridedTensor<T> Transpose()
    {
        if (Rank < 2)
        {
            throw new InvalidOperationException($"A tensor of shape {Shapes.Format(_shape)} has no matrix dimensions to transpose.");
        }

        var shape = (int[])_shape.Clone();
        var strides = (long[])_strides.Clone();
        (shape[^1], shape[^2]) = (shape[^2], shape[^1]);
        (strides[^1], strides[^2]) = (strides[^2], strides[^1]);
        return View(Offset, shape, strides);
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="axis"/> (PyTorch's <c>unsqueeze</c>), as a view.</summary>
    /// <param name="axis">The position of the new dimension, <c>-(Rank+1) ≤ axis ≤ Rank</c>.</param>
    /// <returns>The view.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is out of range.</exception>
    public StridedTensor<T> Unsqueeze(int axis)
    {
        int at = NormalizeAxis(axis, Rank + 1);
        var shape = new List<int>(_shape);
        var strides = new List<long>(_strides);
        shape.Insert(at, 1);
        strides.Insert(at, 0);
        return View(Offset, [.. shape], [.. strides]);
    }

    /// <summary>Removes dimension <paramref name="axis"/>, which must have size 1, as a view.</summary>
    /// <param name="axis">The dimension; negative counts from the end.</param>
    /// <returns>The view.</returns>
    /// <exception cref="ArgumentException">The dimension's size is not 1.</exception>
    public StridedTensor<T> Squeeze(int axis)
    {
        int at = NormalizeAxis(axis, Rank);
        if (_shape[at] != 1)
        {
            throw new ArgumentException($"Dimension {axis} of shape {Shapes.Format(_shape)} has size {_shape[at]}, not 1.", nameof(axis));
        }

        return Index(Enumerable.Repeat(TensorIndex.All, at).Append(TensorIndex.At(0)).ToArray());
    }

    /// <summary>
    /// Numpy/PyTorch indexing: integers drop a dimension, slices keep it, <see cref="TensorIndex.NewAxis"/> inserts one,
    /// and (at most one) list gathers positions; unindexed trailing dimensions are kept whole.
    /// </summary>
    /// <param name="index">The index entries, outermost dimension first.</param>
    /// <returns>A view, or a new tensor when a list index gathers.</returns>
    /// <exception cref="ArgumentException">More entries than dimensions, or more than one list.</exception>
    /// <exception cref="IndexOutOfRangeException">An integer or list position is out of range.</exception>
    public StridedTensor<T> Index(params TensorIndex[] index)
    {
        ArgumentNullException.ThrowIfNull(index);
        int used = index.Count(i => i.Kind != TensorIndexKind.NewAxis);
        if (used > Rank)
        {
            throw new ArgumentException($"Index ({string.Join(", ", index)}) has {used} entries; shape {Shapes.Format(_shape)} has {Rank} dimensions.", nameof(index));
        }

        if (index.Count(i => i.Kind == TensorIndexKind.List) > 1)
        {
            throw new ArgumentException("At most one list index is supported.", nameof(index));
        }

        var shape = new List<int>();
        var strides = new List<long>();
        long offset = Offset;
        int d = 0, listAxis = -1;
        int[]? listPositions = null;
        foreach (var entry in index)
        {
            switch (entry.Kind)
            {
                case TensorIndexKind.NewAxis:
                    shape.Add(1);
                    strides.Add(0);
                    break;
                case TensorIndexKind.Integer:
                    offset += NormalizePosition(entry.Value, _shape[d], d) * _strides[d];
                    d++;
                    break;
                case TensorIndexKind.Slice:
                    var (start, count) = SliceBounds(entry, _shape[d]);
                    offset += start * _strides[d];
                    shape.Add(count);
                    strides.Add(_strides[d] * entry.Step);
                    d++;
                    break;
                default:
                    listAxis = shape.Count;
                    listPositions = entry.List!.Select(p => NormalizePosition(p, _shape[d], d)).ToArray();
                    shape.Add(_shape[d]);
                    strides.Add(_strides[d]);
                    d++;
                    break;
            }
        }

        for (; d < Rank; d++)
        {
            shape.Add(_shape[d]);
            strides.Add(_strides[d]);
        }

        var view = View(offset, [.. shape], [.. strides]);
        if (listPositions is null)
        {
            return view;
        }

        using (view)
        {
            return view.Take(listAxis, listPositions);
        }
    }

    /// <summary>Gathers <paramref name="positions"/> along <paramref name="axis"/> into a new contiguous tensor.</summary>
    /// <param name="axis">The dimension to gather along.</param>
    /// <param name="positions">The positions, in order; they must be in range.</param>
    /// <returns>The new tensor.</returns>
    internal StridedTensor<T> Take(int axis, int[] positions)
    {
        var shape = (int[])_shape.Clone();
        shape[axis] = positions.Length;
        var result = Zeros(Backend, shape);
        var prefix = Enumerable.Repeat(TensorIndex.All, axis);
        for (int i = 0; i < positions.Length; i++)
        {
            using var source = Index([.. prefix, TensorIndex.At(positions[i])]);
            using var target = result.Index([.. prefix, TensorIndex.At(i)]);
            source.CopyTo(target);
        }

        return result;
    }

    /// <summary>This tensor's matrices as a kernel operand: leading dimensions enumerated, rank 0 and 1 as one row.</summary>
    internal MatrixBatch<T> AsBatch()
    {
        ThrowIfDisposed();
        if (Rank < 2)
        {
            int cols = Rank == 1 ? _shape[0] : 1;
            long colStride = Rank == 1 ? _strides[0] : 1;
            return new MatrixBatch<T>(Buffer, [Offset], 1, cols, 0, colStride);
        }

        return new MatrixBatch<T>(Buffer, LeadingOffsets(), _shape[^2], _shape[^1], _strides[^2], _strides[^1]);
    }

    /// <summary>The element offset of each matrix, leading dimensions enumerated row-major.</summary>
    internal long[] LeadingOffsets()
    {
        int lead = Rank - 2;
        var offsets = new long[Shapes.Product(_shape.AsSpan(0, lead))];
        var position = new int[lead];
        long current = Offset;
        for (long b = 0; b < offsets.Length; b++)
        {
            offsets[b] = current;
            for (int d = lead - 1; d >= 0; d--)
            {
                current += _strides[d];
                if (++position[d] < _shape[d])
                {
                    break;
                }

                current -= _strides[d] * _shape[d];
                position[d] = 0;
            }
        }

        return offsets;
    }

    private static (int Start, int Count) SliceBounds(TensorIndex slice, int size)
    {
        static int Clamp(int value, int size) => Math.Clamp(value < 0 ? value + size : value, 0, size);
        int start = slice.Start is int s ? Clamp(s, size) : 0;
        int stop = slice.Stop is int e ? Clamp(e, size) : size;
        int count = stop <= start ? 0 : (int)((stop - start + (long)slice.Step - 1) / slice.Step);
        return (start, count);
    }
}
