using System.Diagnostics;
using System.Text;
using FactoredGpu.IO;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.IO;

/// <summary>A corpus of broken safetensors files, generated here: each must fail on open with its own clear message, fast.</summary>
public sealed class SafetensorsMalformedTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("factored-st-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Valid() => SafetensorsWriter.Build([SafetensorsWriter.F32("a", [2, 2], 1, 2, 3, 4), SafetensorsWriter.F32("b", [3], 5, 6, 7)]);

    private static byte[] Header(string json, int dataLength = 28) => SafetensorsWriter.WithHeader(json, dataLength);

    /// <summary>Case name, the file's bytes, and fragments its error message must contain.</summary>
    public static TheoryData<string, byte[], string[]> Corpus()
    {
        var valid = Valid();
        var headerLength = (int)BitConverter.ToUInt64(valid, 0);
        return new TheoryData<string, byte[], string[]>
        {
            { "empty file", [], ["0 bytes", "too short"] },
            { "shorter than the length field", [1, 2, 3, 4, 5], ["5 bytes"] },
            { "zero header length", SafetensorsWriter.Assemble([], [], 0), ["0-byte header"] },
            { "header length past the end", SafetensorsWriter.Assemble(Encoding.UTF8.GetBytes("{}"), [], 4096), ["4096-byte header", "truncated"] },
            { "header length over 100 MB", SafetensorsWriter.Assemble(Encoding.UTF8.GetBytes("{}"), [], 1UL << 40), ["1099511627776-byte header"] },
            { "truncated inside the header", valid[..(8 + headerLength / 2)], ["byte header", "truncated"] },
            { "truncated inside the data", valid[..^4], ["'b'", "past the end of the data area", "truncated"] },
            { "header not UTF-8", SafetensorsWriter.Assemble([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D], []), ["not valid UTF-8"] },
            { "header not JSON", Header("this is not json", 0), ["not valid JSON"] },
            { "header a JSON array", Header("[1, 2]", 0), ["JSON Array, not an object"] },
            { "tensor entry not an object", Header("""{"a": 3}""", 0), ["'a'", "not an object"] },
            { "missing dtype", Header("""{"a": {"shape": [1], "data_offsets": [0, 4]}}""", 4), ["'a'", "no 'dtype'"] },
            { "missing shape", Header("""{"a": {"dtype": "F32", "data_offsets": [0, 4]}}""", 4), ["'a'", "no 'shape'"] },
            { "missing data_offsets", Header("""{"a": {"dtype": "F32", "shape": [1]}}""", 4), ["'a'", "no 'data_offsets'"] },
            { "unsupported dtype", Header("""{"a": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}}""", 8), ["'a'", "dtype I64", "not supported"] },
            { "unknown dtype", Header("""{"a": {"dtype": "Q7", "shape": [1], "data_offsets": [0, 1]}}""", 1), ["'a'", "unknown dtype 'Q7'"] },
            { "dtype not a string", Header("""{"a": {"dtype": 4, "shape": [1], "data_offsets": [0, 4]}}""", 4), ["'a'", "dtype that is not a string"] },
            { "negative size", Header("""{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}""", 4), ["'a'", "shape entry -1"] },
            { "fractional size", Header("""{"a": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}""", 4), ["'a'", "shape entry 1.5"] },
            { "shape not an array", Header("""{"a": {"dtype": "F32", "shape": "2x2", "data_offsets": [0, 16]}}""", 16), ["'a'", "shape that is not an array"] },
            { "shape overflows", Header("""{"a": {"dtype": "F64", "shape": [2147483647, 2147483647, 2147483647], "data_offsets": [0, 8]}}""", 8), ["'a'", "too large"] },
            { "offsets not a pair", Header("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}}""", 8), ["'a'", "not a [begin, end] pair"] },
            { "offsets reversed", Header("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}""", 8), ["'a'", "not 0 <= begin <= end"] },
            { "negative offset", Header("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}}""", 8), ["'a'", "not 0 <= begin <= end"] },
            { "byte length differs from shape", Header("""{"a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 12]}}""", 12), ["'a'", "16 bytes", "span 12"] },
            { "overlapping tensors", Header("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}""", 12), ["'a'", "'b'", "overlap"] },
            { "gap between tensors", Header("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}}""", 12), ["gap of 4 bytes", "'a'", "'b'"] },
            { "gap before the first tensor", Header("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}""", 8), ["gap of 4 bytes", "start of the data area", "'a'"] },
            { "trailing bytes", SafetensorsWriter.Assemble(valid[8..(8 + headerLength)], [.. valid[(8 + headerLength)..], 0, 0, 0]), ["3 bytes follow the last tensor", "cover 28"] },
            { "zero-size tensor inside another", Header("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "e": {"dtype": "F32", "shape": [0], "data_offsets": [4, 4]}}""", 8), ["'a'", "'e'", "overlap"] },
            { "repeated key", Header("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}""", 8), ["'a' twice"] },
            { "metadata not an object", Header("""{"__metadata__": "pt"}""", 0), ["'__metadata__'", "not an object of strings"] },
            { "metadata value not a string", Header("""{"__metadata__": {"step": 3}}""", 0), ["'__metadata__' entry 'step'", "not a string"] },
        };
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Each_malformed_file_fails_on_open_with_its_reason(string name, byte[] bytes, string[] fragments)
    {
        var path = Path.Combine(_dir, name.Replace(' ', '_') + ".safetensors");
        File.WriteAllBytes(path, bytes);

        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        clock.Stop();

        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Equal(path, e.FilePath);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain('\n', e.Message);
        // Validation reads only the header: a broken file is rejected in milliseconds, whatever it claims to hold.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"{name}: took {clock.Elapsed}");
    }

    [Fact]
    public void A_directory_and_a_missing_file_are_told_apart()
    {
        var directory = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(_dir));
        Assert.Contains("is a directory", directory.Message, StringComparison.Ordinal);

        var missing = Path.Combine(_dir, "nope.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => SafetensorsFile.Open(missing));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tensors_laid_back_to_back_with_empty_ones_between_open()
    {
        var path = Path.Combine(_dir, "empty-between.safetensors");
        File.WriteAllBytes(path, SafetensorsWriter.Build(
            [SafetensorsWriter.F32("e0", [0]), SafetensorsWriter.F32("a", [1], 1), SafetensorsWriter.F32("e1", [2, 0]), SafetensorsWriter.F32("b", [1], 2)]));
        using var file = SafetensorsFile.Open(path);
        Assert.Equal([2f], file.Read<float>("b").ToArray());
        Assert.Empty(file.Read<float>("e1").ToArray());
    }

    [Fact]
    public void The_valid_file_the_corpus_breaks_opens()
    {
        var path = Path.Combine(_dir, "valid.safetensors");
        File.WriteAllBytes(path, Valid());
        using var file = SafetensorsFile.Open(path);
        Assert.Equal([5f, 6f, 7f], file.Read<float>("b").ToArray());
    }
}
