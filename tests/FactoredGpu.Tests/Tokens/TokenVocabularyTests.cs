using System.Text.Json;
using FactoredGpu.Tests.Support;
using FactoredGpu.Tokens;
using Xunit;

namespace FactoredGpu.Tests.Tokens;

/// <summary>Token text from GPT-2's packaged vocabulary and from tokenizer files in a model folder.</summary>
public sealed class TokenVocabularyTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("factored-tokens-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Theory]
    [InlineData(464, "The")]
    [InlineData(262, " the")]
    [InlineData(198, "\n")]
    [InlineData(628, "\n\n")]
    [InlineData(50256, "<|endoftext|>")]
    public void Gpt2_decodes_known_ids(int id, string text)
    {
        // GPT-2's vocab.json: "The" 464, "Ġthe" 262, "Ċ" 198, "ĊĊ" 628, "<|endoftext|>" 50256.
        Assert.Equal(text, TokenVocabulary.Gpt2().Decode(id));
    }

    [Fact]
    public void Gpt2_has_no_ids_beyond_its_50257_tokens()
    {
        var gpt2 = TokenVocabulary.Gpt2();
        Assert.Null(gpt2.Decode(50257));
        Assert.Null(gpt2.Decode(-1));
        Assert.Equal("<id 50257>", gpt2.Display(50257));
        Assert.Equal("' the'", gpt2.Display(262));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Tokenizer_json_decodes_byte_level_tokens(bool pairMerges)
    {
        var (vocabulary, merges) = TokenizerFiles.ByteLevel(20);
        TokenizerFiles.WriteTokenizerJson(_folder.FullName, vocabulary, merges, pairMerges, new Dictionary<string, int> { ["<|endoftext|>"] = 20 });

        var tokens = TokenVocabulary.FromModelFolder(_folder.FullName)!;
        Assert.Equal(Path.Combine(_folder.FullName, "tokenizer.json"), tokens.Source);
        AssertByteLevel(tokens, vocabulary);
        Assert.Equal("<|endoftext|>", tokens.Decode(20));
    }

    [Fact]
    public void Vocab_json_and_merges_txt_decode_byte_level_tokens()
    {
        var (vocabulary, merges) = TokenizerFiles.ByteLevel(20);
        TokenizerFiles.WriteVocabAndMerges(_folder.FullName, vocabulary, merges);

        var tokens = TokenVocabulary.FromModelFolder(_folder.FullName)!;
        Assert.Equal(Path.Combine(_folder.FullName, "vocab.json"), tokens.Source);
        AssertByteLevel(tokens, vocabulary);
    }

    [Fact]
    public void SentencePiece_style_tokenizer_json_shows_spaces_and_fallback_bytes()
    {
        // Llama 2's form: '▁' marks a space, bytes that have no token of their own are <0xNN>, no byte-level decoder.
        File.WriteAllText(Path.Combine(_folder.FullName, "tokenizer.json"), JsonSerializer.Serialize(new
        {
            decoder = new { type = "Sequence", decoders = new object[] { new { type = "Replace" }, new { type = "ByteFallback" } } },
            model = new { type = "BPE", vocab = new Dictionary<string, int> { ["▁"] = 0, ["t"] = 1, ["▁t"] = 2, ["<0x0A>"] = 3, ["<0xE2>"] = 4 }, merges = new[] { "▁ t" } },
        }));

        var tokens = TokenVocabulary.FromModelFolder(_folder.FullName)!;
        Assert.Equal(" t", tokens.Decode(2));
        Assert.Equal("\n", tokens.Decode(3));
        Assert.Equal("\uFFFD", tokens.Decode(4));
    }

    [Fact]
    public void A_folder_without_tokenizer_files_has_no_vocabulary()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "vocab.json"), "{}");
        Assert.Null(TokenVocabulary.FromModelFolder(_folder.FullName));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{"model": {"type": "Unigram", "vocab": []}}""")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]}}""")]
    public void A_malformed_or_unsupported_tokenizer_json_is_named(string text)
    {
        string path = Path.Combine(_folder.FullName, "tokenizer.json");
        File.WriteAllText(path, text);
        var error = Assert.Throws<InvalidDataException>(() => TokenVocabulary.FromModelFolder(_folder.FullName));
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" the", "' the'")]
    [InlineData("The", "'The'")]
    [InlineData("\n", @"'\n'")]
    [InlineData("\r\n\t", @"'\r\n\t'")]
    [InlineData("it's", @"'it\'s'")]
    [InlineData(@"a\b", @"'a\\b'")]
    [InlineData("\u0000\u007f", @"'\x00\x7f'")]
    [InlineData("\u200b", @"'\u200b'")]
    [InlineData("é\uFFFD", "'é\uFFFD'")]
    [InlineData("", "''")]
    public void Quote_makes_spaces_and_control_characters_visible(string text, string quoted)
    {
        Assert.Equal(quoted, TokenText.Quote(text));
    }

    private static void AssertByteLevel(TokenVocabulary tokens, string[] vocabulary)
    {
        Assert.Equal("The", tokens.Decode(Array.IndexOf(vocabulary, "The")));
        Assert.Equal(" the", tokens.Decode(Array.IndexOf(vocabulary, "Ġthe")));
        Assert.Equal("\n", tokens.Decode(Array.IndexOf(vocabulary, "Ċ")));
        Assert.Equal("\t", tokens.Decode(Array.IndexOf(vocabulary, "ĉ")));
        Assert.Equal("' the'", tokens.Display(Array.IndexOf(vocabulary, "Ġthe")));
        Assert.Equal(@"'\n'", tokens.Display(Array.IndexOf(vocabulary, "Ċ")));
    }
}
