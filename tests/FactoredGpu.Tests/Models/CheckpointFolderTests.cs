using System.Diagnostics;
using System.Text.Json.Nodes;
using FactoredGpu.IO;
using FactoredGpu.Models;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Models;

/// <summary>
/// <see cref="TransformerCheckpoint.Load"/> on Hugging Face folders the tests copy from the dev checkpoints and break:
/// shard sets and their index, config.json against the tensors, files that are links, FIFOs or devices, and the
/// architecture. Each problem is one exception whose message names what is wrong.
/// </summary>
public sealed class CheckpointFolderTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("factored-folder-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public void A_single_file_with_its_config_beside_it_and_the_index_itself_load_like_their_folders()
    {
        using var folder = TransformerCheckpoint.Load<float>(ReferenceFiles.PathOf("dev_qwen2"));
        using var file = TransformerCheckpoint.Load<float>(ReferenceFiles.PathOf("dev_qwen2/model.safetensors"));
        Assert.Equal(folder.WQ.ToArray(), file.WQ.ToArray());
        Assert.Equal("Qwen2ForCausalLM", file.Config.Architecture);

        using var sharded = TransformerCheckpoint.Load<float>(ReferenceFiles.PathOf("dev_llama_gqa"));
        using var index = TransformerCheckpoint.Load<float>(ReferenceFiles.PathOf("dev_llama_gqa/model.safetensors.index.json"));
        Assert.Equal(sharded.WK.ToArray(), index.WK.ToArray());
        Assert.Equal((3, 4, 2), (index.NLayers, index.NHeads, index.Config.NKeyValueHeads));
    }

    [Fact]
    public void A_hub_cache_snapshot_of_symbolic_links_loads()
    {
        // snapshots/<rev>/{config.json, model.safetensors} -> ../../blobs/<sha>, as huggingface-cli leaves them.
        string blobs = Directory.CreateDirectory(Path.Combine(_work.FullName, "blobs")).FullName;
        string snapshot = Directory.CreateDirectory(Path.Combine(_work.FullName, "snapshots", "abc123")).FullName;
        foreach (string name in new[] { "config.json", "model.safetensors" })
        {
            string blob = Path.Combine(blobs, $"sha-{name}");
            File.Copy(ReferenceFiles.PathOf($"dev_neox/{name}"), blob);
            File.CreateSymbolicLink(Path.Combine(snapshot, name), Path.Combine("..", "..", "blobs", $"sha-{name}"));
        }

        using var linked = TransformerCheckpoint.Load<float>(snapshot);
        using var original = TransformerCheckpoint.Load<float>(ReferenceFiles.PathOf("dev_neox"));
        Assert.Equal(original.WV.ToArray(), linked.WV.ToArray());
    }

    [Fact]
    public void A_symbolic_link_to_a_weights_file_loads()
    {
        // Issue 14 defect 1: the file length was taken from the link, and the header called truncated.
        string link = Path.Combine(_work.FullName, "link.safetensors");
        File.CreateSymbolicLink(link, ReferenceFiles.PathOf("dev_gpt2.safetensors"));
        using var linked = TransformerCheckpoint.Load<float>(link, new ModelLoadOptions { Heads = 2 });
        using var original = TransformerCheckpoint.Load<float>(ReferenceFiles.PathOf("dev_gpt2.safetensors"), new ModelLoadOptions { Heads = 2 });
        Assert.Equal(original.WO.ToArray(), linked.WO.ToArray());
    }

    [Fact]
    public void Mistral_reads_as_Llama_and_a_config_with_only_model_type_is_dispatched_by_it()
    {
        string mistral = CopyOf("dev_llama_gqa");
        EditConfig(mistral, config => config["architectures"] = new JsonArray("MistralForCausalLM"));
        using var asMistral = TransformerCheckpoint.Load<float>(mistral);
        using var asLlama = TransformerCheckpoint.Load<float>(ReferenceFiles.PathOf("dev_llama_gqa"));
        Assert.Equal("MistralForCausalLM", asMistral.Config.Architecture);
        Assert.Equal(asLlama.WV.ToArray(), asMistral.WV.ToArray());

        string typed = CopyOf("dev_neox");
        EditConfig(typed, config => config.Remove("architectures"));
        using var neox = TransformerCheckpoint.Load<float>(typed);
        Assert.Equal(("GPTNeoXForCausalLM", NormKind.LayerNorm, 2), (neox.Config.Architecture, neox.Config.Norm, neox.Config.RotaryDim));
    }

    [Fact]
    public void A_missing_shard_an_extra_shard_and_an_index_naming_a_tensor_twice_are_named()
    {
        string missing = CopyOf("dev_llama_gqa");
        File.Delete(Path.Combine(missing, "model-00002-of-00002.safetensors"));
        AssertError<InvalidDataException>(missing, "model-00002-of-00002.safetensors", "missing");

        string extra = CopyOf("dev_llama_gqa");
        File.Copy(Path.Combine(extra, "model-00002-of-00002.safetensors"), Path.Combine(extra, "model-00003-of-00002.safetensors"));
        AssertError<InvalidDataException>(extra, "model-00003-of-00002.safetensors", "extra shard");

        string unlisted = CopyOf("dev_llama_gqa");
        EditIndex(unlisted, text => text.Replace("\"model-00002-of-00002.safetensors\"", "\"model-00001-of-00002.safetensors\"", StringComparison.Ordinal));
        AssertError<InvalidDataException>(unlisted, "model-00002-of-00002.safetensors", "missing shard");

        string twice = CopyOf("dev_llama_gqa");
        EditIndex(twice, text => text.Replace("\"weight_map\": {", "\"weight_map\": {\n    \"model.norm.weight\": \"model-00002-of-00002.safetensors\",", StringComparison.Ordinal));
        AssertError<InvalidDataException>(twice, "'model.norm.weight'", "twice");
    }

    [Fact]
    public void An_index_that_disagrees_with_its_shards_is_named()
    {
        string wrongSize = CopyOf("dev_llama_gqa");
        EditIndex(wrongSize, text => text.Replace("\"total_size\": 19680", "\"total_size\": 19682", StringComparison.Ordinal));
        AssertError<InvalidDataException>(wrongSize, "total_size", "19680");

        string ghost = CopyOf("dev_llama_gqa");
        EditIndex(ghost, text => text.Replace("\"weight_map\": {", "\"weight_map\": {\n    \"model.ghost\": \"model-00001-of-00002.safetensors\",", StringComparison.Ordinal));
        AssertError<InvalidDataException>(ghost, "'model.ghost'", "no such tensor");

        string dropped = CopyOf("dev_llama_gqa");
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(dropped, "model.safetensors.index.json")))!;
        index["weight_map"]!.AsObject().Remove("model.layers.1.self_attn.k_proj.weight");
        File.WriteAllText(Path.Combine(dropped, "model.safetensors.index.json"), index.ToJsonString());
        AssertError<InvalidDataException>(dropped, "'model.layers.1.self_attn.k_proj.weight'", "does not list");
    }

    [Fact]
    public void An_unsupported_architecture_is_named_with_the_supported_ones()
    {
        string folder = CopyOf("dev_neox");
        EditConfig(folder, config => config["architectures"] = new JsonArray("BertForMaskedLM"));
        var e = AssertError<NotSupportedException>(folder, "'BertForMaskedLM'", "GPTNeoXForCausalLM");
        foreach (string architecture in ModelFamilies.SupportedArchitectures)
        {
            Assert.Contains(architecture, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Config_fields_that_disagree_with_the_tensors_name_both_shapes()
    {
        string heads = CopyOf("dev_llama_gqa");
        EditConfig(heads, config => config["num_key_value_heads"] = 1);
        AssertError<InvalidDataException>(heads, "'model.layers.0.self_attn.k_proj.weight'", "blocks.0.attn._W_K", "has shape [8, 16]", "makes it [4, 16]", "n_key_value_heads 1");

        string vocab = CopyOf("dev_qwen2");
        EditConfig(vocab, config => config["vocab_size"] = 45);
        AssertError<InvalidDataException>(vocab, "'model.embed_tokens.weight'", "embed.W_E", "[44, 16]", "[45, 16]");
    }

    [Fact]
    public void A_block_beyond_the_configured_layers_and_a_missing_tensor_are_named()
    {
        string fewer = CopyOf("dev_neox");
        EditConfig(fewer, config => config["num_hidden_layers"] = 2);
        AssertError<InvalidDataException>(fewer, "block 2", "2 layers");

        string path = Path.Combine(_work.FullName, "no-dense.safetensors");
        File.WriteAllBytes(path, SafetensorsWriter.Build(Entries("dev_neox/model.safetensors").Where(e => e.Name != "gpt_neox.layers.1.attention.dense.weight")));
        File.Copy(ReferenceFiles.PathOf("dev_neox/config.json"), Path.Combine(_work.FullName, "config.json"));
        AssertError<InvalidDataException>(path, "'gpt_neox.layers.1.attention.dense.weight'", "blocks.1.attn.W_O");
    }

    [Theory]
    [InlineData("h.1.")]
    [InlineData("h.0.")]
    public void A_GPT2_layer_gap_is_a_missing_tensor_not_fewer_layers(string dropped)
    {
        // Issue 14 defect 4: layers h.0 and h.2 (or h.1 and h.2) only were analysed as fewer layers, silently.
        string path = Path.Combine(_work.FullName, "gap.safetensors");
        File.WriteAllBytes(path, SafetensorsWriter.Build(Entries("dev_gpt2.safetensors").Where(e => !e.Name.StartsWith(dropped, StringComparison.Ordinal))));
        AssertGpt2Error(path, $"'{dropped}", "no tensor");
    }

    [Fact]
    public void An_empty_vocabulary_is_one_clear_error()
    {
        // Issue 14 defect 6: an empty W_E crashed the finiteness scan with IndexOutOfRangeException.
        string path = Path.Combine(_work.FullName, "empty-vocab.safetensors");
        File.WriteAllBytes(path, SafetensorsWriter.Build(Entries("dev_gpt2.safetensors").Select(e => e.Name == "wte.weight" ? SafetensorsWriter.F32(e.Name, [0, 16]) : e)));
        AssertGpt2Error(path, "d_vocab = 0", "vocabulary is empty");
    }

    [Fact]
    public async Task A_FIFO_or_a_device_as_config_json_is_refused_without_hanging()
    {
        // Issue 14 defect 5: File.ReadAllBytes on a FIFO blocks for ever, on /dev/zero runs out of memory.
        string fifo = CopyOf("dev_neox");
        File.Delete(Path.Combine(fifo, "config.json"));
        using (var make = Process.Start("mkfifo", Path.Combine(fifo, "config.json")))
        {
            make.WaitForExit();
        }

        string device = CopyOf("dev_neox");
        File.Delete(Path.Combine(device, "config.json"));
        File.CreateSymbolicLink(Path.Combine(device, "config.json"), "/dev/zero");
        foreach (string folder in new[] { fifo, device })
        {
            var load = Task.Run(() => TransformerCheckpoint.Load<float>(folder));
            var e = await Assert.ThrowsAsync<InvalidDataException>(() => load.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("not a regular file", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Heads_that_disagree_with_config_json_name_both()
    {
        // Issue 12: --heads was silently ignored when a config.json was present.
        var e = Assert.Throws<ArgumentException>(() => TransformerCheckpoint.Load<float>(ReferenceFiles.PathOf("dev_neox"), new ModelLoadOptions { Heads = 2 }));
        Assert.Contains("--heads 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("gives 4 attention heads", e.Message, StringComparison.Ordinal);
        using var agreeing = TransformerCheckpoint.Load<float>(ReferenceFiles.PathOf("dev_neox"), new ModelLoadOptions { Heads = 4 });
        Assert.Equal(4, agreeing.NHeads);
    }

    [Fact]
    public void Non_finite_bf16_weights_are_named()
    {
        string folder = CopyOf("dev_qwen2");
        string path = Path.Combine(folder, "model.safetensors");
        var entries = Entries(path).Select(e => e.Name == "model.layers.1.self_attn.v_proj.weight"
            ? SafetensorsWriter.BF16(e.Name, e.Shape, [.. Enumerable.Repeat(float.NaN, e.Shape[0] * e.Shape[1])])
            : e).ToList();
        File.WriteAllBytes(path, SafetensorsWriter.Build(entries));
        AssertError<InvalidDataException>(folder, "'model.layers.1.self_attn.v_proj.weight'", "blocks.1.attn._W_V", "finite");
    }

    private static TException AssertError<TException>(string path, params string[] fragments)
        where TException : Exception =>
        AssertError<TException>(path, new ModelLoadOptions(), fragments);

    /// <summary>The error of a GPT-2 file without a config (2 heads of the dev checkpoint given).</summary>
    private static void AssertGpt2Error(string path, params string[] fragments) =>
        AssertError<InvalidDataException>(path, new ModelLoadOptions { Heads = 2 }, fragments);

    private static TException AssertError<TException>(string path, ModelLoadOptions options, string[] fragments)
        where TException : Exception
    {
        var e = Assert.Throws<TException>(() => TransformerCheckpoint.Load<float>(path, options));
        Assert.DoesNotContain('\n', e.Message);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        }

        return e;
    }

    /// <summary>A checkpoint's tensors as float32 entries to rewrite (bf16 widens exactly).</summary>
    private static List<SafetensorsWriter.Entry> Entries(string path)
    {
        using var file = SafetensorsFile.Open(Path.IsPathRooted(path) ? path : ReferenceFiles.PathOf(path));
        return [.. file.Tensors.Select(t =>
        {
            using var tensor = file.Read<float>(t.Name);
            return SafetensorsWriter.F32(t.Name, t.Shape, tensor.ToArray());
        })];
    }

    /// <summary>A writable copy of a reference folder.</summary>
    private string CopyOf(string name)
    {
        string target = Directory.CreateDirectory(Path.Combine(_work.FullName, $"{name}-{Guid.NewGuid():N}")).FullName;
        foreach (string file in Directory.GetFiles(ReferenceFiles.PathOf(name)))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            File.SetAttributes(Path.Combine(target, Path.GetFileName(file)), FileAttributes.Normal);
        }

        return target;
    }

    private static void EditIndex(string folder, Func<string, string> edit)
    {
        string path = Path.Combine(folder, "model.safetensors.index.json");
        File.WriteAllText(path, edit(File.ReadAllText(path)));
    }

    private static void EditConfig(string folder, Action<JsonObject> edit)
    {
        string path = Path.Combine(folder, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(config);
        File.WriteAllText(path, config.ToJsonString());
    }
}
