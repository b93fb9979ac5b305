using System.Text.Json;
using FactoredGpu.Cli;
using FactoredGpu.IO;
using FactoredGpu.Kernels;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Cli;

/// <summary>
/// <c>factored circuits</c> run in process: on the dev GPT-2 checkpoint against TransformerLens's recorded circuits,
/// and on bad input (one line on stderr, exit code 2, no stack trace, nothing in --out that looks complete).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class CircuitsCommandTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("factored-circuits-");

    public void Dispose() => _work.Delete(recursive: true);

    [Theory]
    [InlineData("processed", new string[0])]
    [InlineData("unprocessed", new[] { "--no-processing" })]
    [InlineData("processed", new[] { "--no-composition" })]
    public void Dev_checkpoint_copying_scores_equal_TransformerLens(string variant, string[] extra)
    {
        string output = Path.Combine(_work.FullName, "out");
        var (code, stdout, error) = CliTests.Run(["circuits", "--weights", ReferenceFiles.PathOf("dev_gpt2.safetensors"), "--heads", "2", "--accelerator", "cpu", "--out", output, .. extra]);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "circuits.json")));
        using var reference = ReferenceFiles.Load("dev_gpt2_reference.json");
        var circuits = reference.RootElement.GetProperty("variants").GetProperty("float32").GetProperty(variant).GetProperty("circuits");
        double[] ov = Flat(json.RootElement.GetProperty("ov_copying_scores")), fullOv = Flat(json.RootElement.GetProperty("full_ov_copying_scores"));

        // Reference README: copying scores, float32, abs 1e-5. L1H0 is the planted copying head, L1H1 the anti-copying one.
        Close.All(ReferenceFiles.Real(circuits.GetProperty("OV").GetProperty("copying_score")).Data, ov, 0, 1e-5, "OV copying score");
        Close.All(ReferenceFiles.Real(circuits.GetProperty("full_OV").GetProperty("copying_score")).Data, fullOv, 0, 1e-5, "full OV copying score");
        Assert.Equal(1, ov[2], 1e-4);
        Assert.Equal(-1, ov[3], 1e-4);
        Assert.Equal(1, fullOv[2], 1e-4);
        Assert.Equal(-1, fullOv[3], 1e-4);

        var model = json.RootElement.GetProperty("model");
        Assert.False(model.GetProperty("synthetic").GetBoolean());
        Assert.Equal(variant == "processed", model.GetProperty("processing").GetBoolean());
        bool composition = !extra.Contains("--no-composition");
        Assert.Equal(composition ? JsonValueKind.Object : JsonValueKind.Null, json.RootElement.GetProperty("composition_scores").ValueKind);
        Assert.Equal(composition, json.RootElement.GetProperty("timings_ms").TryGetProperty("composition", out _));
        string[] compositionCharts = composition ? ["k_composition_scores.png", "q_composition_scores.png", "v_composition_scores.png"] : [];
        Assert.Equal(
            new[] { "L1H0_eigenvalues.png", "L1H1_eigenvalues.png", "circuits.csv", "circuits.json", "copying_scores_scatter.png", "full_ov_copying_scores.png",
                    "ov_copying_scores.png", "qk_copying_scores.png", "report.html" }.Concat(compositionCharts).Order(StringComparer.Ordinal),
            Directory.GetFileSystemEntries(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("L1H0", stdout, StringComparison.Ordinal);
        Assert.Contains($"Wrote {(composition ? 12 : 9)} files to", stdout, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(stdout, "tokens shown as ids"));
        Assert.False(json.RootElement.GetProperty("top_tokens")[0].TryGetProperty("tokens", out _));
    }

    [Fact]
    public void Top_tokens_carry_the_text_of_the_checkpoint_folders_tokenizer()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_work.FullName, "model")).FullName, output = Path.Combine(_work.FullName, "out");
        File.Copy(ReferenceFiles.PathOf("dev_gpt2.safetensors"), Path.Combine(folder, "model.safetensors"));
        var (vocabulary, merges) = TokenizerFiles.ByteLevel(40);
        TokenizerFiles.WriteTokenizerJson(folder, vocabulary, merges);

        var (code, stdout, error) = CliTests.Run(["circuits", "--weights", Path.Combine(folder, "model.safetensors"), "--heads", "2", "--accelerator", "cpu", "--out", output]);

        Assert.True(code == 0, error);
        Assert.Contains($"  tokens       {Path.Combine(folder, "tokenizer.json")}", stdout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "circuits.json")));
        var topTokens = json.RootElement.GetProperty("top_tokens");
        Assert.NotEqual(0, topTokens.GetArrayLength());
        foreach (var head in topTokens.EnumerateArray())
        {
            // GPT-2's byte alphabet: 'Ġ' is a space, 'Ċ' a newline, 'ĉ' a tab.
            string[] expected = [.. head.GetProperty("token_ids").EnumerateArray().Select(id => vocabulary[id.GetInt32()].Replace('Ġ', ' ').Replace('Ċ', '\n').Replace('ĉ', '\t'))];
            Assert.Equal(expected, head.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()));
            Assert.Contains($"{head.GetProperty("token_ids")[0].GetInt32()} {FactoredGpu.Tokens.TokenText.Quote(expected[0])}: ", stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Missing_weights_file()
    {
        AssertBadInput("no such file", "--weights", Path.Combine(_work.FullName, "absent.safetensors"));
    }

    [Fact]
    public void A_folder_without_weights()
    {
        AssertBadInput("neither model.safetensors nor model.safetensors.index.json", "--weights", _work.FullName);
    }

    [Fact]
    public void Heads_that_disagree_with_config_json()
    {
        AssertBadInput("--heads 2 disagrees with", "--weights", ReferenceFiles.PathOf("dev_neox"), "--heads", "2");
    }

    [Fact]
    public void Truncated_checkpoint()
    {
        byte[] bytes = File.ReadAllBytes(ReferenceFiles.PathOf("dev_gpt2.safetensors"));
        AssertBadInput(null, "--weights", Write("truncated.safetensors", bytes[..(bytes.Length / 2)]));
    }

    [Fact]
    public void Not_a_safetensors_file()
    {
        AssertBadInput(null, "--weights", Write("text.safetensors", "this is not a checkpoint\n"u8.ToArray()));
    }

    [Fact]
    public void Unsupported_dtype()
    {
        AssertBadInput("I32", "--weights", Write("int.safetensors", SafetensorsWriter.WithHeader("""{"wte.weight":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}""", 16)));
    }

    [Fact]
    public void Missing_tensor()
    {
        AssertBadInput("h.0.attn.c_attn.weight", "--heads", "2", "--weights", DevCheckpoint("missing.safetensors", (name, shape, data) => name == "h.0.attn.c_attn.weight" ? null : (shape, data)));
    }

    [Fact]
    public void Mis_shaped_tensor()
    {
        AssertBadInput("h.1.attn.c_proj.weight", "--heads", "2", "--weights", DevCheckpoint("shape.safetensors", (name, shape, data) =>
            name == "h.1.attn.c_proj.weight" ? ([shape[0] / 2, shape[1] * 2], data) : (shape, data)));
    }

    [Fact]
    public void NaN_weight()
    {
        AssertBadInput("h.2.attn.c_attn.weight", "--heads", "2", "--weights", DevCheckpoint("nan.safetensors", (name, shape, data) =>
            name == "h.2.attn.c_attn.weight" ? (shape, [float.NaN, .. data[1..]]) : (shape, data)));
    }

    [Fact]
    public void A_file_as_out()
    {
        string file = Write("not-a-directory", [1, 2, 3]);
        AssertBadInput(file, "--out", file, "--weights", ReferenceFiles.PathOf("dev_gpt2.safetensors"), "--heads", "2");
        Assert.Equal([1, 2, 3], File.ReadAllBytes(file));
    }

    [Fact]
    public void An_out_under_a_file()
    {
        string file = Write("plain-file", [1]);
        AssertBadInput(null, "--out", Path.Combine(file, "sub"), "--weights", ReferenceFiles.PathOf("dev_gpt2.safetensors"), "--heads", "2");
    }

    [Fact]
    public void Heads_that_do_not_divide_d_model()
    {
        AssertBadInput("3 heads do not divide d_model = 16", "--weights", ReferenceFiles.PathOf("dev_gpt2.safetensors"), "--heads", "3");
        Assert.DoesNotContain("(Parameter", CliTests.Run("circuits", "--weights", ReferenceFiles.PathOf("dev_gpt2.safetensors"), "--heads", "3", "--out", Path.Combine(_work.FullName, "out")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_d_model_too_large_for_one_array_is_one_line_naming_the_file_and_the_sizes()
    {
        // Only W_E [50257, 2000000] is declared; its 402 GB of data are a sparse hole, never read.
        const int vocabulary = 50257, dModel = 2_000_000;
        long bytes = (long)vocabulary * dModel * 4;
        string folder = Directory.CreateDirectory(Path.Combine(_work.FullName, "huge")).FullName, weights = Path.Combine(folder, "model.safetensors");
        string header = $$"""{"wte.weight": {"dtype": "F32", "shape": [{{vocabulary}}, {{dModel}}], "data_offsets": [0, {{bytes}}]} }""";
        using (var stream = File.Create(weights))
        {
            stream.Write(SafetensorsWriter.Assemble(System.Text.Encoding.UTF8.GetBytes(header), []));
            stream.SetLength(stream.Length + bytes);
        }

        File.WriteAllText(Path.Combine(folder, "config.json"), $$"""{"model_type": "gpt2", "n_head": 16, "n_embd": {{dModel}}, "n_layer": 1, "vocab_size": {{vocabulary}}}""");
        var (code, stdout, error) = CliTests.Run("circuits", "--weights", weights, "--out", Path.Combine(_work.FullName, "out"));

        Assert.Equal(CommandLine.BadInput, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith($"factored: {weights}: TransformerLens embed.W_E 50257 × 2000000 = 100514000000 elements is more than one array holds", error, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    [Fact]
    public void Top_k_beyond_the_vocabulary_or_below_one()
    {
        AssertBadInput("--top-k", "--weights", ReferenceFiles.PathOf("dev_gpt2.safetensors"), "--heads", "2", "--top-k", "41");
        AssertBadInput("--top-k", "--top-k", "0");
    }

    [Theory]
    [InlineData("--top-k", "x")]
    [InlineData("--top-k", "2.5")]
    [InlineData("--top-k", "0")]
    [InlineData("--heads", "-1")]
    [InlineData("--heads", "twelve")]
    public void An_option_that_is_not_a_whole_number_names_the_option_and_the_form(string option, string value)
    {
        var (code, _, error) = CliTests.Run("circuits", option, value, "--out", Path.Combine(_work.FullName, "out"));

        Assert.Equal(CommandLine.BadInput, code);
        Assert.Equal($"factored: {option} expects a whole number of at least 1, got '{value}'.", error.TrimEnd());
        Assert.False(Directory.Exists(Path.Combine(_work.FullName, "out")));
    }

    [Fact]
    public void Top_k_beyond_the_vocabulary_is_refused_before_loading()
    {
        // The synthetic model's vocabulary is known without loading it; a checkpoint's comes from config.json's vocab_size.
        var (code, stdout, error) = CliTests.Run("circuits", "--top-k", "1000000", "--out", Path.Combine(_work.FullName, "out"));
        Assert.Equal(CommandLine.BadInput, code);
        Assert.Equal("factored: --top-k 1000000 is more than the vocabulary's 50257 tokens.", error.TrimEnd());
        Assert.Empty(stdout);

        string folder = Directory.CreateDirectory(Path.Combine(_work.FullName, "model")).FullName;
        File.Copy(ReferenceFiles.PathOf("dev_gpt2.safetensors"), Path.Combine(folder, "model.safetensors"));
        File.WriteAllText(Path.Combine(folder, "config.json"), """{"n_head": 2, "vocab_size": 40}""");
        (code, stdout, error) = CliTests.Run("circuits", "--weights", Path.Combine(folder, "model.safetensors"), "--top-k", "41", "--out", Path.Combine(_work.FullName, "out"));
        Assert.Equal(CommandLine.BadInput, code);
        Assert.Equal("factored: --top-k 41 is more than the vocabulary's 40 tokens.", error.TrimEnd());
        Assert.Empty(stdout);
        Assert.False(Directory.Exists(Path.Combine(_work.FullName, "out")));
    }

    [Fact]
    public void Plot_heads_of_the_wrong_form_fail_before_loading()
    {
        // The weights do not exist: the option's error comes first, so it was checked before any loading.
        AssertBadInput("--plot-heads expects heads as L{layer}H{head}, comma-separated", "--plot-heads", "L1H0,head5", "--weights", Path.Combine(_work.FullName, "absent.safetensors"));
    }

    [Fact]
    public void Plot_heads_outside_the_model()
    {
        AssertBadInput("--plot-heads L3H0: the model has 3 layers x 2 heads", "--weights", ReferenceFiles.PathOf("dev_gpt2.safetensors"), "--heads", "2", "--plot-heads", "L1H1,L3H0");
        AssertBadInput("--plot-heads L0H2: the model has 3 layers x 2 heads", "--weights", ReferenceFiles.PathOf("dev_gpt2.safetensors"), "--heads", "2", "--plot-heads", "L0H2");
    }

    [Fact]
    public void Plot_heads_choose_the_eigenvalue_charts()
    {
        string output = Path.Combine(_work.FullName, "out");
        var (code, _, error) = CliTests.Run(["circuits", "--weights", ReferenceFiles.PathOf("dev_gpt2.safetensors"), "--heads", "2", "--accelerator", "cpu", "--out", output, "--plot-heads", "l2h1, L0H0,L2H1"]);

        Assert.True(code == 0, error);
        Assert.Equal(["L0H0_eigenvalues.png", "L2H1_eigenvalues.png"], Directory.GetFiles(output, "*_eigenvalues.png").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Heads_without_weights()
    {
        AssertBadInput("--heads", "--heads", "4");
    }

    [SkippableFact]
    public void An_absent_accelerator()
    {
        Skip.If(Accelerators.List().Any(a => a.Kind == AcceleratorKind.Cuda && a.Usable), "this machine has a usable CUDA device");
        AssertBadInput("cuda", "--accelerator", "cuda", "--weights", ReferenceFiles.PathOf("dev_gpt2.safetensors"), "--heads", "2");
    }

    [Fact]
    public void Insufficient_memory_is_one_line_and_exit_code_2()
    {
        var command = new System.CommandLine.Command("big");
        command.SetAction((Func<System.CommandLine.ParseResult, int>)(_ => throw new InsufficientMemoryException("Not enough device memory for the full OV circuit: 12 GiB needed, 8 GiB free.")));
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = CommandLine.Run(new System.CommandLine.RootCommand { command }, ["big"]);
        }
        finally
        {
            Console.SetError(saved);
        }

        Assert.Equal(CommandLine.BadInput, code);
        Assert.Equal("factored: Not enough device memory for the full OV circuit: 12 GiB needed, 8 GiB free.", error.ToString().TrimEnd());
    }

    // Exit 2, exactly one line on stderr starting "factored: " (containing `expected` if given), no stack frame, and an
    // --out without circuits.json (nor a staging directory).
    private void AssertBadInput(string? expected, params string[] args)
    {
        string output = Path.Combine(_work.FullName, "out");
        bool outGiven = args.Contains("--out");
        var (code, _, error) = CliTests.Run(["circuits", "--accelerator", args.Contains("--accelerator") ? args[Array.IndexOf(args, "--accelerator") + 1] : "cpu", .. outGiven ? Array.Empty<string>() : ["--out", output], .. Without(args, "--accelerator")]);

        Assert.Equal(CommandLine.BadInput, code);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{error}");
        Assert.StartsWith("factored: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        if (expected is not null)
        {
            Assert.True(lines[0].Contains(expected, StringComparison.Ordinal), $"'{expected}' not in: {lines[0]}");
        }

        Assert.False(File.Exists(Path.Combine(output, "circuits.json")), "circuits.json was written");
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), "the output directory is not empty");
    }

    private static string[] Without(string[] args, string option)
    {
        int i = Array.IndexOf(args, option);
        return i < 0 ? args : [.. args[..i], .. args[(i + 2)..]];
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_work.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // The dev checkpoint rewritten as float32 with each tensor kept, changed or (null) dropped.
    private string DevCheckpoint(string name, Func<string, int[], float[], (int[] Shape, float[] Data)?> change)
    {
        using var file = SafetensorsFile.Open(ReferenceFiles.PathOf("dev_gpt2.safetensors"));
        var entries = new List<SafetensorsWriter.Entry>();
        foreach (var tensor in file.Tensors)
        {
            using var values = file.Read<float>(tensor.Name);
            if (change(tensor.Name, tensor.Shape, values.ToArray()) is var (shape, data))
            {
                entries.Add(SafetensorsWriter.F32(tensor.Name, shape, data));
            }
        }

        return Write(name, SafetensorsWriter.Build(entries));
    }

    private static double[] Flat(JsonElement grid) => [.. grid.EnumerateArray().SelectMany(row => row.EnumerateArray()).Select(e => e.GetDouble())];
}
