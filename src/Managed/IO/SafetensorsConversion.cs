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

    // A bfloat16 is the upper 16 bits of a binary32: shift into place, then widen to T if T is double.
    private static void FromBFloat16<T>(ReadOnlySpan<ushort> source, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Chunk = 1 << 16;
        var buffer = new uint[Math.Min(Chunk, source.Length)];
        for (var start = 0; start < source.Length; start += Chunk)
        {
            var length = Math.Min(Chunk, source.Length - start);
            var bits = buffer.AsSpan(0, length);
            TensorPrimitives.ConvertTruncating(source.Slice(start, length), bits);
            TensorPrimitives.ShiftLeft(bits, 16, bits);
            Widen(MemoryMarshal.Cast<uint, float>(bits), destination.Slice(start, length));
        }
    }
}
