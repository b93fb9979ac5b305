namespace FactoredGpu.IO;

/// <summary>One tensor's entry in a safetensors header, validated against the file.</summary>
/// <param name="Name">The tensor's key.</param>
/// <param name="DType">Its element type.</param>
/// <param name="Shape">Its shape (empty for a scalar).</param>
/// <param name="DataOffset">Where its bytes start, counted from the start of the data area.</param>
/// <param name="ByteLength">How many bytes it has: the product of the shape times the element size.</param>
public sealed record SafetensorsTensorInfo(string Name, SafetensorsDType DType, int[] Shape, long DataOffset, long ByteLength)
{
    /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount => ByteLength / SafetensorsHeader.ElementSize(DType);
}
