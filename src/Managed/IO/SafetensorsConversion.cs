using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace FactoredGpu.IO;

/// <summary>Converts a stored safetensors element run (little-endian) to <see cref="float"/> or <see cref="double"/>.</summary>
internal static unsafe class SafetensorsConversion
{
    /// <summary>Converts <c>destination.Length</c> elements of <paramref name="dtype"/> at <paramref name="source"/>.</summary>
    /// <remarks>The source may be unaligned (safetensors offsets are byte offsets); x64 and Arm64 loads allow that.</remarks>
    public static void Convert<T>(SafetensorsDType dtype, byte* source, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Reading safetensors needs a little-endian machine.");
        }

        var count = destination.Length;
        switch (dtype)
        {
            case SafetensorsDType.F32:
                Widen(new ReadOnlySpan<float>(source, count), destination);
                break;
            case SafetensorsDType.F64:
                Widen(new ReadOnlySpan<double>(source, count), destination);
                break;
            case SafetensorsDType.F16:
                Widen(new ReadOnlySpan<Half>(source, count), destination);
                break;
            case SafetensorsDType.BF16:
                FromBFloat16(new ReadOnlySpan<ushort>(source, count), destination);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null);
        }
    }

    private static void Widen<TFrom, T>(ReadOnlySpan<TFrom> source, Span<T> destination)
        where TFrom : unmanaged, IFloatingPointIeee754<TFrom>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(TFrom) == typeof(T))
        {
            MemoryMarshal.Cast<TFrom, T>(source).CopyTo(destination);
        }
        else
        {
            // Round to nearest (double → float) or exact widening; out-of-range values become ±∞, never an exception.
            TensorPrimitives.ConvertTruncating(source, destination);
        }
    }

    /// <summary>Elements converted at a time into a stack buffer on the way to <see cref="double"/>.</summary>
    private const int DoubleChunk = 2048;

    // A bfloat16 is the upper 16 bits of a binary32: widen each to 32 bits and shift it into place, straight into a float
    // destination, or through a small stack buffer when T is double.
    private static void FromBFloat16<T>(ReadOnlySpan<ushort> source, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            ToSingle(source, MemoryMarshal.Cast<T, uint>(destination));
            return;
        }

        Span<uint> bits = stackalloc uint[DoubleChunk];
        for (var start = 0; start < source.Length; start += DoubleChunk)
        {
            var length = Math.Min(DoubleChunk, source.Length - start);
            ToSingle(source.Slice(start, length), bits);
            Widen<float, T>(MemoryMarshal.Cast<uint, float>(bits[..length]), destination.Slice(start, length));
        }
    }

    /// <summary>The binary32 bit patterns of <paramref name="source"/>'s bfloat16 values, a vector at a time.</summary>
    private static void ToSingle(ReadOnlySpan<ushort> source, Span<uint> destination)
    {
        int i = 0, width = Vector<ushort>.Count, half = Vector<uint>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= source.Length - width; i += width)
            {
                Vector.Widen(new Vector<ushort>(source[i..]), out Vector<uint> low, out Vector<uint> high);
                (low << 16).CopyTo(destination[i..]);
                (high << 16).CopyTo(destination[(i + half)..]);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = (uint)source[i] << 16;
        }
    }
}
