using System.Text.Json;

namespace FactoredGpu.Tests.Support;

/// <summary>Small Hugging Face tokenizers written into a folder, in the file formats a model folder carries.</summary>
internal static class TokenizerFiles
{
    /// <summary>
    /// A byte-level BPE vocabulary of <paramref name="size"/> tokens (at least 12): GPT-2's byte alphabet spelling of
    /// "The", " the", "\n", "\t" and their parts, then single letters; each merge joins two earlier tokens.
    /// </summary>
    public static (string[] Vocabulary, string[][] Merges) ByteLevel(int size)
    {
        string[] words = ["T", "h", "e", "t", "Ġ", "Ċ", "ĉ", "Th", "The", "Ġt", "Ġth", "Ġthe"];
        string[][] merges = [["T", "h"], ["Th", "e"], ["Ġ", "t"], ["Ġt", "h"], ["Ġth", "e"]];
        var letters = Enumerable.Range('a', 26).Concat(Enumerable.Range('A', 26)).Select(c => ((char)c).ToString()).Where(s => !words.Contains(s));
        return ([.. words.Concat(letters).Take(size)], merges);
    }

    /// <summary>Writes <c>tokenizer.json</c> with a byte-level BPE model; merges as <c>"a b"</c> strings or, in the newer format, <c>["a", "b"]</c> pairs.</summary>
    public static void WriteTokenizerJson(string folder, string[] vocabulary, string[][] merges, bool pairMerges = false, IReadOnlyDictionary<string, int>? added = null) =>
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["version"] = "1.0",
            ["added_tokens"] = (added ?? new Dictionary<string, int>()).Select(a => new { id = a.Value, content = a.Key, special = true }),
            ["pre_tokenizer"] = new { type = "ByteLevel", add_prefix_space = false },
            ["decoder"] = new { type = "ByteLevel" },
            ["model"] = new Dictionary<string, object>
            {
                ["type"] = "BPE",
                ["vocab"] = vocabulary.Select((token, id) => (token, id)).ToDictionary(x => x.token, x => x.id),
                ["merges"] = pairMerges ? merges : merges.Select(m => string.Join(' ', m)).ToArray(),
            },
        }));

    /// <summary>Writes GPT-2's two-file form: <c>vocab.json</c> and <c>merges.txt</c> (with its version line).</summary>
    public static void WriteVocabAndMerges(string folder, string[] vocabulary, string[][] merges)
    {
        File.WriteAllText(Path.Combine(folder, "vocab.json"), JsonSerializer.Serialize(vocabulary.Select((token, id) => (token, id)).ToDictionary(x => x.token, x => x.id)));
        File.WriteAllLines(Path.Combine(folder, "merges.txt"), ["#version: 0.2", .. merges.Select(m => string.Join(' ', m))]);
    }
}
