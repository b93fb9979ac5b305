using System.Text.Json;
using System.Text.Unicode;

namespace FactoredGpu.IO;

/// <summary>
/// Parses and validates a safetensors header: everything the format promises is checked against the file before any
/// tensor data is touched.
/// </summary>
/// <remarks>
/// The format (huggingface/safetensors): an 8-byte little-endian header length <c>N</c>, <c>N</c> bytes of UTF-8 JSON
/// mapping tensor names to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets relative to the data area
/// that follows the header) plus an optional <c>"__metadata__"</c> object of strings, then the data.
/// </remarks>
internal static class SafetensorsHeader
{
    /// <summary>The largest header accepted, as in the reference implementation (100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    // Every dtype the format defines, with its size, so that an unsupported one is named as such.
    private static readonly Dictionary<string, int> UnsupportedDTypes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1, ["F8_E8M0"] = 1, ["F4"] = 1, ["F6_E2M3"] = 1,
        ["F6_E3M2"] = 1, ["I16"] = 2, ["U16"] = 2, ["I32"] = 4, ["U32"] = 4, ["I64"] = 8, ["U64"] = 8, ["C64"] = 8,
    };

    /// <summary>The size in bytes of one element of <paramref name="dtype"/>.</summary>
    public static int ElementSize(SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F16 or SafetensorsDType.BF16 => 2,
        SafetensorsDType.F32 => 4,
        SafetensorsDType.F64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>Validates the header bytes of <paramref name="path"/> against a data area of <paramref name="dataLength"/> bytes.</summary>
    /// <returns>The tensors, in header order, and the metadata.</returns>
    /// <exception cref="SafetensorsFormatException">Anything the format promises does not hold; the message says what.</exception>
    public static (List<SafetensorsTensorInfo> Tensors, Dictionary<string, string> Metadata) Parse(
        string path, ReadOnlySpan<byte> header, long dataLength)
    {
        if (!Utf8.IsValid(header))
        {
            throw new SafetensorsFormatException(path, "the header is not valid UTF-8.", null);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(path, $"the header is not valid JSON ({e.Message}).", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SafetensorsFormatException(path, $"the header is a JSON {document.RootElement.ValueKind}, not an object.", null);
            }

            var tensors = new List<SafetensorsTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw new SafetensorsFormatException(path, $"the header names '{property.Name}' twice.", null);
                }

                if (property.Name == MetadataKey)
                {
                    ReadMetadata(path, property.Value, metadata);
                }
                else
                {
                    tensors.Add(ReadTensor(path, property.Name, property.Value, dataLength));
                }
            }

            CheckCoverage(path, tensors, dataLength);
            return (tensors, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(path, $"'{MetadataKey}' is a JSON {value.ValueKind}, not an object of strings.", null);
        }

        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafetensorsFormatException(path, $"'{MetadataKey}' entry '{entry.Name}' is a JSON {entry.Value.ValueKind}, not a string.", null);
            }

            metadata[entry.Name] = entry.Value.GetString()!;
        }
    }

    private static SafetensorsTensorInfo ReadTensor(string path, string name, JsonElement value, long dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Bad(path, name, $"is a JSON {value.ValueKind}, not an object with dtype, shape and data_offsets");
        }

        var dtype = ReadDType(path, name, Required(path, name, value, "dtype"));
        var shape = ReadShape(path, name, Required(path, name, value, "shape"));
        var (begin, end) = ReadOffsets(path, name, Required(path, name, value, "data_offsets"), dataLength);

        long expected;
        try
        {
            expected = ElementSize(dtype);
            foreach (var size in shape)
            {
                expected = checked(expected * size);
            }
        }
        catch (OverflowException e)
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}' has shape [{string.Join(", ", shape)}], too large to address.", e);
        }

        if (end - begin != expected)
        {
            throw Bad(path, name, $"has shape [{string.Join(", ", shape)}] of {dtype}, {expected} bytes, but its data_offsets [{begin}, {end}] span {end - begin}");
        }

        return new SafetensorsTensorInfo(name, dtype, shape, begin, end - begin);
    }

    private static JsonElement Required(string path, string name, JsonElement value, string field) =>
        value.TryGetProperty(field, out var element) ? element : throw Bad(path, name, $"has no '{field}'");

    private static SafetensorsDType ReadDType(string path, string name, JsonElement element)
    {
        var text = element.ValueKind == JsonValueKind.String ? element.GetString()! : throw Bad(path, name, "has a dtype that is not a string");
        return text switch
        {
            "F16" => SafetensorsDType.F16,
            "BF16" => SafetensorsDType.BF16,
            "F32" => SafetensorsDType.F32,
            "F64" => SafetensorsDType.F64,
            _ when UnsupportedDTypes.ContainsKey(text) => throw Bad(path, name, $"has dtype {text}, which is not supported (F32, F16, BF16 and F64 are)"),
            _ => throw Bad(path, name, $"has unknown dtype '{text}' (F32, F16, BF16 and F64 are supported)"),
        };
    }

    private static int[] ReadShape(string path, string name, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Bad(path, name, "has a shape that is not an array");
        }

        var shape = new int[element.GetArrayLength()];
        var i = 0;
        foreach (var size in element.EnumerateArray())
        {
            if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt32(out shape[i]) || shape[i] < 0)
            {
                throw Bad(path, name, $"has shape entry {size.GetRawText()}, not a size between 0 and {int.MaxValue}");
            }

            i++;
        }

        return shape;
    }

    private static (long Begin, long End) ReadOffsets(string path, string name, JsonElement element, long dataLength)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != 2)
        {
            throw Bad(path, name, "has data_offsets that are not a [begin, end] pair");
        }

        var begin = element[0];
        var end = element[1];
        if (begin.ValueKind != JsonValueKind.Number || !begin.TryGetInt64(out var b) ||
            end.ValueKind != JsonValueKind.Number || !end.TryGetInt64(out var e) || b < 0 || e < b)
        {
            throw Bad(path, name, $"has data_offsets {element.GetRawText()}, not 0 <= begin <= end");
        }

        if (e > dataLength)
        {
            throw Bad(path, name, $"has data_offsets [{b}, {e}] past the end of the data area ({dataLength} bytes): the file is truncated or corrupt");
        }

        return (b, e);
    }

    /// <summary>
    /// The reference implementation's rule: sorted by offset, each tensor begins where the previous one ends (no overlap,
    /// no gap) and the last one ends at the end of the data area (no trailing bytes).
    /// </summary>
    private static void CheckCoverage(string path, List<SafetensorsTensorInfo> tensors, long dataLength)
    {
        var byOffset = tensors.OrderBy(t => t.DataOffset).ThenBy(t => t.ByteLength).ToArray();
        long end = 0;
        SafetensorsTensorInfo? previous = null;
        foreach (var tensor in byOffset)
        {
            if (tensor.DataOffset < end)
            {
                throw new SafetensorsFormatException(
                    path,
                    $"tensors '{previous!.Name}' and '{tensor.Name}' overlap in the data area " +
                    $"([{previous.DataOffset}, {previous.DataOffset + previous.ByteLength}] and [{tensor.DataOffset}, {tensor.DataOffset + tensor.ByteLength}]).",
                    null);
            }

            if (tensor.DataOffset > end)
            {
                string after = previous is null ? "the start of the data area" : $"tensor '{previous.Name}' (which ends at {end})";
                throw new SafetensorsFormatException(
                    path, $"the data area has a gap of {tensor.DataOffset - end} bytes between {after} and tensor '{tensor.Name}' (which begins at {tensor.DataOffset}).", null);
            }

            end = tensor.DataOffset + tensor.ByteLength;
            previous = tensor;
        }

        if (end != dataLength)
        {
            throw new SafetensorsFormatException(
                path, $"{dataLength - end} bytes follow the last tensor's data (the data area is {dataLength} bytes, the tensors cover {end}): trailing bytes or a corrupt header.", null);
        }
    }

    private static SafetensorsFormatException Bad(string path, string name, string problem) => new(path, $"tensor '{name}' {problem}.", null);
}
