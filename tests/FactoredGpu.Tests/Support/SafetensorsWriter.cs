using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace FactoredGpu.Tests.Support;

/// <summary>Writes safetensors files for tests, byte by byte as the format describes, including deliberately broken ones.</summary>
internal static class SafetensorsWriter
{
    /// <summary>One tensor: its key, dtype string and shape, and its raw little-endian bytes.</summary>
    public sealed record Entry(string Name, string DType, int[] Shape, byte[] Bytes);

    public static Entry F32(string name, int[] shape, params float[] values) => new(name, "F32", shape, Bytes(values, (v, s) => BinaryPrimitives.WriteSingleLittleEndian(s, v), 4));

    public static Entry F64(string name, int[] shape, params double[] values) => new(name, "F64", shape, Bytes(values, (v, s) => BinaryPrimitives.WriteDoubleLittleEndian(s, v), 8));

    public static Entry F16(string name, int[] shape, params Half[] values) => new(name, "F16", shape, Bytes(values, (v, s) => BinaryPrimitives.WriteHalfLittleEndian(s, v), 2));

    /// <summary>bfloat16 by truncating each float's low 16 bits (exact for the values tests use).</summary>
    public static Entry BF16(string name, int[] shape, params float[] values) =>
        new(name, "BF16", shape, Bytes(values, (v, s) => BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)), 2));

    /// <summary>A well-formed file: the entries' bytes laid out back to back in order, offsets computed.</summary>
    public static byte[] Build(IEnumerable<Entry> entries, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new Dictionary<string, object>();
        if (metadata is not null)
        {
            header["__metadata__"] = metadata;
        }

        var data = new MemoryStream();
        foreach (var entry in entries)
        {
            header[entry.Name] = new { dtype = entry.DType, shape = entry.Shape, data_offsets = new[] { data.Length, data.Length + entry.Bytes.Length } };
            data.Write(entry.Bytes);
        }

        return Assemble(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header)), data.ToArray());
    }

    /// <summary>A file from raw header bytes and data: 8-byte little-endian header length, header, data.</summary>
    public static byte[] Assemble(byte[] header, byte[] data, ulong? declaredHeaderLength = null)
    {
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, declaredHeaderLength ?? (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    /// <summary>A file whose header is the given JSON text, followed by <paramref name="dataLength"/> zero bytes.</summary>
    public static byte[] WithHeader(string json, int dataLength) => Assemble(Encoding.UTF8.GetBytes(json), new byte[dataLength]);

    private static byte[] Bytes<T>(T[] values, Action<T, Span<byte>> write, int size)
    {
        var bytes = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++)
        {
            write(values[i], bytes.AsSpan(i * size, size));
        }

        return bytes;
    }
}
