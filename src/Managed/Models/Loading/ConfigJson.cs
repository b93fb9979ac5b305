using System.Text.Json;

namespace FactoredGpu.Models;

/// <summary>A Hugging Face <c>config.json</c> (or shard index) with typed field access whose errors name the file and the field.</summary>
internal sealed class ConfigJson
{
    private readonly JsonElement _root;

    private ConfigJson(string path, JsonElement root) => (Path, _root) = (path, root);

    /// <summary>The file the fields come from.</summary>
    public string Path { get; }

    /// <summary>Reads a JSON object from a small regular file.</summary>
    /// <exception cref="InvalidDataException">The file is not a regular file of sane size, or not a JSON object.</exception>
    public static ConfigJson Read(string path)
    {
        byte[] bytes = RegularFile.ReadSmall(path);
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: expected a JSON object, found {document.RootElement.ValueKind}.");
            }

            return new ConfigJson(path, document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }
    }

    /// <summary>The first entry of <c>architectures</c>, else <see langword="null"/>.</summary>
    public string? Architecture =>
        _root.TryGetProperty("architectures", out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0 && list[0].ValueKind == JsonValueKind.String
            ? list[0].GetString()
            : null;

    /// <summary>The root object.</summary>
    public JsonElement Root => _root;

    /// <summary>An integer field that must be present.</summary>
    public int Int(string name) => OptionalInt(name) ?? throw new InvalidDataException($"{Path}: the field '{name}' is missing.");

    /// <summary>The first present integer field of <paramref name="names"/> (older and newer spellings), or <see langword="null"/>.</summary>
    public int? OptionalInt(params string[] names)
    {
        foreach (string name in names)
        {
            if (Field(name) is { } value)
            {
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result)
                    ? result
                    : throw new InvalidDataException($"{Path}: the field '{name}' must be an integer; it was {value.GetRawText()}.");
            }
        }

        return null;
    }

    /// <summary>The first present number field of <paramref name="names"/>, or <see langword="null"/>.</summary>
    public double? OptionalDouble(params string[] names)
    {
        foreach (string name in names)
        {
            if (Field(name) is { } value)
            {
                return value.ValueKind == JsonValueKind.Number
                    ? value.GetDouble()
                    : throw new InvalidDataException($"{Path}: the field '{name}' must be a number; it was {value.GetRawText()}.");
            }
        }

        return null;
    }

    /// <summary>A boolean field, or <paramref name="fallback"/> when absent.</summary>
    public bool Bool(string name, bool fallback) => Field(name) switch
    {
        null => fallback,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { } other => throw new InvalidDataException($"{Path}: the field '{name}' must be true or false; it was {other.GetRawText()}."),
    };

    /// <summary>A string field, or <see langword="null"/>.</summary>
    public string? String(string name) => Field(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>A field by dotted path (<c>rope_parameters.rope_theta</c>); JSON <c>null</c> counts as absent.</summary>
    private JsonElement? Field(string name)
    {
        var at = _root;
        foreach (string part in name.Split('.'))
        {
            if (at.ValueKind != JsonValueKind.Object || !at.TryGetProperty(part, out at))
            {
                return null;
            }
        }

        return at.ValueKind == JsonValueKind.Null ? null : at;
    }
}
