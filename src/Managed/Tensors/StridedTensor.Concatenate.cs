using System.Numerics;

namespace FactoredGpu;

/// <content>Concatenation along one axis.</content>
public sealed partial class StridedTensor<T>
{
    /// <summary>
    /// Joins <paramref name="parts"/> along <paramref name="axis"/> into a new contiguous tensor (PyTorch's <c>cat</c>):
    /// each part is copied by the backend into its slice of the result.
    /// </summary>
    /// <param name="axis">The dimension to join along; negative counts from the end.</param>
    /// <param name="parts">At least one tensor; all on one backend, with equal shapes except along <paramref name="axis"/>.</param>
    /// <returns>The joined tensor, owned by the caller.</returns>
    /// <exception cref="ArgumentException">No parts, ranks or other sizes differ (the message names the shapes), or the backends differ.</exception>
    internal static StridedTensor<T> Concatenate(int axis, params ReadOnlySpan<StridedTensor<T>> parts)
    {
        if (parts.Length == 0)
        {
            throw new ArgumentException("Nothing to concatenate.", nameof(parts));
        }

        var first = parts[0];
        int at = NormalizeAxis(axis, first.Rank);
        var shape = (int[])first._shape.Clone();
        shape[at] = 0;
        foreach (var part in parts)
        {
            SameBackend(first, part);
            bool sameOtherSizes = part.Rank == first.Rank && Enumerable.Range(0, first.Rank).All(d => d == at || part._shape[d] == first._shape[d]);
            if (!sameOtherSizes)
            {
                throw new ArgumentException($"Cannot concatenate shapes {Shapes.Format(first._shape)} and {Shapes.Format(part._shape)} along axis {axis}.", nameof(parts));
            }

            shape[at] = checked(shape[at] + part._shape[at]);
        }

        var result = Zeros(first.Backend, shape);
        var slot = Enumerable.Repeat(TensorIndex.All, at + 1).ToArray();
        int start = 0;
        foreach (var part in parts)
        {
            slot[at] = TensorIndex.Slice(start, start + part._shape[at]);
            using var target = result.Index(slot);
            part.CopyTo(target);
            start += part._shape[at];
        }

        return result;
    }
}
