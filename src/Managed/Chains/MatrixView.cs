namespace FactoredGpu;

/// <summary>Where a dense factor's matrices lie: its memory, first element and strides.</summary>
internal sealed record MatrixView(object Buffer, long Offset, long RowStride, long ColStride, long[] LeadingStrides)
{
    /// <summary>Whether this view and <paramref name="other"/> read one memory, each the other's transpose (shapes aside).</summary>
    public bool Transposes(MatrixView other) =>
        ReferenceEquals(Buffer, other.Buffer) && Offset == other.Offset && (RowStride, ColStride) == (other.ColStride, other.RowStride) &&
        LeadingStrides.SequenceEqual(other.LeadingStrides);

    public static MatrixView Of<T>(StridedTensor<T> tensor)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        new(tensor.Buffer, tensor.Offset, tensor.Strides[^2], tensor.Strides[^1], tensor.Strides[..^2].ToArray());
}
