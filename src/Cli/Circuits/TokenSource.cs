using FactoredGpu.Circuits;
using FactoredGpu.Tokens;

namespace FactoredGpu.Cli.Circuits;

/// <summary>Where <c>factored circuits</c> gets token text: the checkpoint folder's tokenizer, or GPT-2's for the synthetic model.</summary>
internal static class TokenSource
{
    /// <summary>
    /// The vocabulary for <paramref name="weights"/> (a checkpoint file or folder; <see langword="null"/> for the synthetic
    /// model, which has GPT-2's vocabulary size), and the one line that says where it came from, or that tokens are
    /// shown as ids because there is none (or it could not be read).
    /// </summary>
    public static (TokenVocabulary? Vocabulary, string Line) For(string? weights)
    {
        if (weights is null)
        {
            var gpt2 = TokenVocabulary.Gpt2();
            return (gpt2, gpt2.Source);
        }

        string folder = Directory.Exists(weights) ? weights : Path.GetDirectoryName(Path.GetFullPath(weights))!;
        try
        {
            return TokenVocabulary.FromModelFolder(folder) is { } vocabulary
                ? (vocabulary, vocabulary.Source)
                : (null, $"none ({TokenVocabulary.TokenizerJson}, or {TokenVocabulary.VocabJson} + {TokenVocabulary.MergesTxt}, not in {folder}): tokens shown as ids");
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return (null, $"{e.Message}: tokens shown as ids");
        }
    }

    /// <summary>Token <paramref name="index"/> of <paramref name="tokens"/> as printed: its id and, where known, its quoted text (<c>262 ' the'</c>).</summary>
    public static string Label(HeadTokens tokens, int index)
    {
        string id = tokens.TokenIds[index].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return tokens.Tokens is null ? id : $"{id} {(tokens.Tokens[index] is { } text ? TokenText.Quote(text) : "<not in the vocabulary>")}";
    }
}
