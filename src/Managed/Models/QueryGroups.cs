using System.Numerics;

namespace FactoredGpu.Models;

/// <summary>
/// Grouped-query attention as strided views: query head <c>h = k·G + g</c> of a layer uses key/value head <c>k</c>
/// (<c>G = H / KV</c>; TransformerLens's and Hugging Face's <c>repeat_interleave</c> grouping). A head axis of
/// <c>H</c> is split into <c>[KV, G]</c>, and a key/value tensor is broadcast over <c>G</c> with stride 0, so per-query-head
/// work sees the shared factor without a copy; flattening <c>[KV, G]</c> row-major gives query head order back.
/// </summary>
internal static class QueryGroups
{
    /// <summary><c>[L, KV, ...]</c> as <c>[L, KV, G, ...]</c>, stride 0 over <c>G</c> (a view).</summary>
    public static StridedTensor<T> Broadcast<T>(StridedTensor<T> perKeyValueHead, int group)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var strides = perKeyValueHead.Strides;
        return perKeyValueHead.View(
            perKeyValueHead.Offset,
            [perKeyValueHead.Dim(0), perKeyValueHead.Dim(1), group, .. perKeyValueHead.Shape[2..]],
            [strides[0], strides[1], 0, .. strides[2..]]);
    }

    /// <summary><c>[L, H, ...]</c> as <c>[L, KV, G, ...]</c> with <c>KV = H / G</c> (a view).</summary>
    public static StridedTensor<T> Split<T>(StridedTensor<T> perQueryHead, int group)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var strides = perQueryHead.Strides;
        return perQueryHead.View(
            perQueryHead.Offset,
            [perQueryHead.Dim(0), perQueryHead.Dim(1) / group, group, .. perQueryHead.Shape[2..]],
            [strides[0], strides[1] * group, strides[1], .. strides[2..]]);
    }

    /// <summary>
    /// <c>[L, KV, ...]</c> repeated to <c>[L, H, ...]</c> (<c>torch.repeat_interleave(x, G, dim=1)</c>): a view when
    /// <c>G = 1</c>, else a copy (a strided view cannot merge a broadcast axis into the head axis).
    /// </summary>
    public static StridedTensor<T> Repeat<T>(StridedTensor<T> perKeyValueHead, int group)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (group == 1)
        {
            return perKeyValueHead.BroadcastTo(perKeyValueHead.Shape.ToArray());
        }

        using var broadcast = Broadcast(perKeyValueHead, group);
        using var copy = broadcast.Contiguous();
        int[] shape = [perKeyValueHead.Dim(0), perKeyValueHead.Dim(1) * group, .. perKeyValueHead.Shape[2..]];
        return copy.View(copy.Offset, shape, StridedTensor<T>.ContiguousStrides(shape));
    }
}
