using System.Numerics;

namespace FactoredGpu;

/// <summary>
/// The row-wise top-k of a product (<see cref="FactoredMatrix{TScalar}.TopK"/>): for every row, the <c>k</c> largest
/// values and their column indices, best first.
/// </summary>
/// <typeparam name="TScalar">The element type.</typeparam>
public sealed class TopKResult<TScalar> : IDisposable
    where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
{
    private readonly int[] _shape;

    internal TopKResult(StridedTensor<TScalar> values, int[] indices, int[] shape)
    {
        Values = values;
        Indices = indices;
        _shape = shape;
    }

    /// <summary>The selected values <c>[..., l, k]</c>, descending along the last dimension.</summary>
    public StridedTensor<TScalar> Values { get; }

    /// <summary>The column index of each entry of <see cref="Values"/>, row-major in <see cref="Shape"/>.</summary>
#pragma warning disable CA1819 // An index table handed to the caller: a copy per access would defeat its purpose.
    public int[] Indices { get; }
#pragma warning restore CA1819

    /// <summary>The shape of <see cref="Values"/> and <see cref="Indices"/>: the leading dimensions, <c>l</c>, <c>k</c>.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Releases <see cref="Values"/>.</summary>
    public void Dispose() => Values.Dispose();
}
