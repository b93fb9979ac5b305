using FactoredGpu;

namespace FactoredGpu.Bench.Workloads;

/// <summary>Views of the first heads of <c>[L, H, ..., ...]</c> weights, for routes run on a part of a model.</summary>
internal static class HeadSubset
{
    /// <summary>
    /// The first <paramref name="heads"/> heads of <paramref name="weights"/> as a view: all of them, the first layer
    /// (<paramref name="heads"/> = H) or the first head (1).
    /// </summary>
    public static StridedTensor<float> Take(StridedTensor<float> weights, int heads)
    {
        int layers = weights.Dim(0), perLayer = weights.Dim(1);
        return heads == layers * perLayer ? weights.Index(TensorIndex.All)
            : heads == perLayer ? weights.Index(TensorIndex.Slice(0, 1))
            : heads == 1 ? weights.Index(TensorIndex.Slice(0, 1), TensorIndex.Slice(0, 1))
            : throw new ArgumentOutOfRangeException(nameof(heads), heads, $"Take all {layers * perLayer} heads, one layer ({perLayer}) or one head.");
    }
}
