using System.Text.Json;

namespace FactoredGpu.Cli.Circuits;

/// <summary>
/// A checkpoint's vocabulary size from its Hugging Face <c>config.json</c> (<c>vocab_size</c>), read before any weight
/// is loaded so that options bounded by the vocabulary fail at once.
/// </summary>
internal static class CheckpointVocabulary
{
    /// <summary>
    /// <c>vocab_size</c> of the <c>config.json</c> in <paramref name="weights"/> (a model folder) or beside it (a
    /// checkpoint file); <see langword="null"/> when there is none, or it cannot be read (loading then says why).
    /// </summary>
    public static int? Read(string weights)
    {
        string? folder = Directory.Exists(weights) ? weights : Path.GetDirectoryName(Path.GetFullPath(weights));
        string config = Path.Combine(folder ?? ".", "config.json");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(config));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("vocab_size", out var size)
                && size.TryGetInt32(out int vocabulary)
                ? vocabulary
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
