using FactoredGpu.IO;
using FactoredGpu.Models;
using FactoredGpu.Tests.Parity;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Models;

/// <summary><see cref="TransformerCheckpoint.Load"/> on the dev GPT-2 checkpoint and on broken copies of it written by the tests.</summary>
public sealed class Gpt2CheckpointTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("factoredgpu-gpt2-").FullName;

    private static string DevPath => ReferenceFiles.PathOf("dev_gpt2.safetensors");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Dev_checkpoint_converts_to_TransformerLens_unprocessed_and_processed_weights()
    {
        using var loaded = Load<double>(DevPath, 2);
        Assert.Equal((3, 2, 16, 8, 40, 8), (loaded.NLayers, loaded.NHeads, loaded.DModel, loaded.DHead, loaded.DVocab, loaded.Config.NCtx));
        Assert.Equal(64, loaded.Mlp!.DMlp);

        // The float64 variant is the float32 checkpoint cast up: equal to the last bit (parity tolerance).
        var actual = DevModel.Gpt2.ToStateDict(loaded);
        foreach (var (key, values) in DevModel.Gpt2.StateDict("float64", "unprocessed"))
        {
            Close.Parity(values, actual[key], key);
        }

        using var processed = WeightProcessing.Process(loaded);
        var processedActual = DevModel.Gpt2.ToStateDict(processed);
        foreach (var (key, values) in DevModel.Gpt2.StateDict("float64", "processed"))
        {
            Close.Parity(values, processedActual[key], key);
        }
    }

    [Fact]
    public void Float32_load_matches_the_float32_variant_exactly()
    {
        using var loaded = Load<float>(DevPath, 2);
        var actual = DevModel.Gpt2.ToStateDict(loaded);
        foreach (var (key, values) in DevModel.Gpt2.StateDict("float32", "unprocessed"))
        {
            Close.All(values, actual[key], 0, 0, key);
        }
    }

    [Fact]
    public void Heads_come_from_config_json_beside_the_checkpoint()
    {
        string path = Path.Combine(_directory, "model.safetensors");
        File.Copy(DevPath, path);
        File.WriteAllText(Path.Combine(_directory, "config.json"), """{"model_type": "gpt2", "n_head": 2, "n_embd": 16}""");
        using var loaded = Load<float>(path, null);
        Assert.Equal((2, 8), (loaded.NHeads, loaded.DHead));

        File.WriteAllText(Path.Combine(_directory, "config.json"), """{"n_head": 3}""");
        var e = Assert.Throws<InvalidDataException>(() => Load<float>(path, 2));
        Assert.Contains("n_head = 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Heads_that_cannot_be_told_or_do_not_divide_d_model_are_errors()
    {
        // d_model 16 is not a multiple of 64, and there is no config.json beside the reference checkpoint.
        var missing = Assert.Throws<ArgumentException>(() => Load<float>(DevPath, null));
        Assert.Contains("--heads", missing.Message, StringComparison.Ordinal);
        var bad = Assert.Throws<ArgumentException>(() => Load<float>(DevPath, 3));
        Assert.Contains("d_model = 16", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transformer_prefix_and_attention_buffers_are_accepted()
    {
        var entries = DevEntries().Select(e => e with { Name = "transformer." + e.Name }).ToList();
        entries.Add(SafetensorsWriter.F32("transformer.h.0.attn.bias", [1, 1, 8, 8], new float[64]));
        entries.Add(SafetensorsWriter.F32("transformer.h.0.attn.masked_bias", [], -1e4f));
        using var loaded = Load<float>(Write(entries), 2);
        using var reference = Load<float>(DevPath, 2);
        Assert.Equal(reference.WQ.ToArray(), loaded.WQ.ToArray());
        Assert.Equal(reference.WO.ToArray(), loaded.WO.ToArray());
        Assert.Equal(reference.WU.ToArray(), loaded.WU.ToArray());
    }

    [Fact]
    public void A_missing_tensor_is_named()
    {
        string path = Write(DevEntries().Where(e => e.Name != "h.1.attn.c_proj.bias"));
        var e = Assert.Throws<InvalidDataException>(() => Load<float>(path, 2));
        Assert.Contains("'h.1.attn.c_proj.bias'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mis_shaped_tensor_is_named_with_both_shapes()
    {
        string path = Write(DevEntries().Select(e => e.Name == "h.2.ln_2.weight" ? SafetensorsWriter.F32(e.Name, [15], new float[15]) : e));
        var e = Assert.Throws<InvalidDataException>(() => Load<float>(path, 2));
        Assert.Contains("'h.2.ln_2.weight'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[16]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[15]", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("h.2.attn.c_attn.weight", float.NaN)]
    [InlineData("wte.weight", float.PositiveInfinity)]
    [InlineData("ln_f.bias", float.NegativeInfinity)]
    public void Non_finite_weights_are_rejected_naming_the_tensor(string key, float value)
    {
        string path = Write(DevEntries().Select(e => e.Name == key ? Poison(e, value) : e));
        var e = Assert.Throws<InvalidDataException>(() => Load<double>(path, 2));
        Assert.Contains($"'{key}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_MLP_tensor_is_an_error_only_when_the_MLPs_are_asked_for()
    {
        string partial = Write(DevEntries().Where(e => e.Name != "h.0.mlp.c_fc.bias"));
        var e = Assert.Throws<InvalidDataException>(() => Load<float>(partial, 2));
        Assert.Contains("h.0.mlp.c_fc.bias", e.Message, StringComparison.Ordinal);

        // Circuits never ask for them: no MLP tensor (nor ln2) is read.
        string attentionOnly = Write(DevEntries().Where(x => !x.Name.Contains(".mlp.", StringComparison.Ordinal) && !x.Name.Contains("ln_2", StringComparison.Ordinal)));
        using var noMlp = TransformerCheckpoint.Load<float>(attentionOnly, new ModelLoadOptions { Heads = 2 });
        Assert.Null(noMlp.Mlp);
        Assert.Null(noMlp.Ln2W);
    }

    [Fact]
    public void A_vocabulary_too_large_for_one_array_is_one_line_naming_the_file_and_the_sizes()
    {
        // wte [200000000, 16]: 3.2e9 elements, declared in the header, its 12.8 GB of data a sparse hole.
        const int vocabulary = 200_000_000;
        byte[] small = SafetensorsWriter.Build(DevEntries().Where(e => e.Name != "wte.weight"));
        long headerLength = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(small);
        var header = System.Text.Json.Nodes.JsonNode.Parse(small.AsSpan(8, (int)headerLength))!.AsObject();
        long dataLength = small.Length - 8 - headerLength, hugeLength = (long)vocabulary * 16 * 4;
        header["wte.weight"] = new System.Text.Json.Nodes.JsonObject
        {
            ["dtype"] = "F32",
            ["shape"] = new System.Text.Json.Nodes.JsonArray(vocabulary, 16),
            ["data_offsets"] = new System.Text.Json.Nodes.JsonArray(dataLength, dataLength + hugeLength),
        };
        byte[] headerBytes = System.Text.Encoding.UTF8.GetBytes(header.ToJsonString());
        string path = Path.Combine(_directory, "huge.safetensors");
        using (var stream = File.Create(path))
        {
            stream.Write(SafetensorsWriter.Assemble(headerBytes, small.AsSpan((int)(8 + headerLength)).ToArray()));
            stream.SetLength(stream.Length + hugeLength);
        }

        var e = Assert.Throws<InvalidDataException>(() => Load<float>(path, 2));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("200000000 × 16 = 3200000000 elements is more than one array holds", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Loads with the MLPs, as the state-dict comparisons need.</summary>
    private static TransformerWeights<T> Load<T>(string path, int? heads)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        TransformerCheckpoint.Load<T>(path, new ModelLoadOptions { Heads = heads, IncludeMlp = true });

    /// <summary>The dev checkpoint's tensors, as float32 entries to rewrite.</summary>
    private static List<SafetensorsWriter.Entry> DevEntries()
    {
        using var file = SafetensorsFile.Open(DevPath);
        return [.. file.Tensors.Select(t =>
        {
            using var tensor = file.Read<float>(t.Name);
            return SafetensorsWriter.F32(t.Name, t.Shape, tensor.ToArray());
        })];
    }

    private static SafetensorsWriter.Entry Poison(SafetensorsWriter.Entry entry, float value)
    {
        float[] values = new float[entry.Bytes.Length / 4];
        Buffer.BlockCopy(entry.Bytes, 0, values, 0, entry.Bytes.Length);
        values[^1] = value;
        return SafetensorsWriter.F32(entry.Name, entry.Shape, values);
    }

    private string Write(IEnumerable<SafetensorsWriter.Entry> entries)
    {
        string path = Path.Combine(_directory, $"{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, SafetensorsWriter.Build(entries));
        return path;
    }
}
