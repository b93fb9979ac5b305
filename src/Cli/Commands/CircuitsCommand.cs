using System.CommandLine;
using System.Diagnostics;
using FactoredGpu.Circuits;
using FactoredGpu.Cli.Circuits;
using FactoredGpu.Kernels;
using FactoredGpu.Models;

namespace FactoredGpu.Cli.Commands;

/// <summary>
/// <c>factored circuits</c>, the main job: every attention head's OV, QK and full OV circuit of a Hugging Face model (or
/// of the embedded synthetic model), printed as a summary and written to <c>--out</c> as JSON, CSV, PNG plots and an
/// offline HTML report.
/// </summary>
internal static class CircuitsCommand
{
    public static Command Create()
    {
        var weights = new Option<string?>("--weights")
        {
            Description = $"A Hugging Face model folder (config.json with model.safetensors, or shards with model.safetensors.index.json) or one .safetensors file (GPT-2 without a config.json). Architectures: {string.Join(", ", ModelFamilies.SupportedArchitectures)}. Default: the embedded SYNTHETIC GPT-2-small-shaped model with planted copying and anti-copying heads.",
            HelpName = "folder|file",
        };
        var accelerator = AcceleratorOption.Create();
        var output = new Option<string>("--out")
        {
            Description = $"Directory for circuits.json, circuits.csv, the PNG plots and report.html (created if needed; files are staged and moved in only when all are written). Default: ./{CircuitsArguments.DefaultOut}.",
            HelpName = "dir",
            DefaultValueFactory = _ => CircuitsArguments.DefaultOut,
        };
        var topK = new Option<int>("--top-k")
        {
            Description = "Tokens listed for each strongest copying head: the largest diagonal entries of its full OV circuit.",
            HelpName = "n",
            DefaultValueFactory = _ => CircuitsArguments.DefaultTopK,
            CustomParser = result => WholeNumber.Parse(result, 1) ?? CircuitsArguments.DefaultTopK,
        };
        var heads = new Option<int?>("--heads")
        {
            Description = "Attention heads per layer, for a GPT-2 file without a config.json beside it (default: d_model / 64); with a config.json it must agree.",
            HelpName = "h",
            CustomParser = result => WholeNumber.Parse(result, 1),
        };
        var noProcessing = new Option<bool>("--no-processing")
        {
            Description = "Analyse the weights as stored, without TransformerLens's default processing (fold layer norms, centre writing weights and unembedding, fold value biases).",
        };
        var plotHeads = new Option<string?>(PlotHeads.Option)
        {
            Description = $"The heads whose OV and full OV eigenvalues are plotted: {PlotHeads.Form}. Default: the strongest copying and the strongest anti-copying head.",
            HelpName = "heads",
        };
        var noComposition = new Option<bool>("--no-composition")
        {
            Description = "Skip the Q/K/V composition scores, whose cost grows as (layers·heads)²·d_model² (seconds for GPT-2 small; about 51 TFLOP and a 67 GB intermediate for a Llama-3-8B-sized model); circuits.json then has \"composition_scores\": null.",
        };
        var command = new Command("circuits", "Analyse every attention head's OV, QK and full OV circuit (copying scores, eigenvalues, composition, top tokens); print a summary and write JSON, CSV, PNG plots and an HTML report.")
        {
            weights, accelerator, output, topK, heads, noProcessing, plotHeads, noComposition,
        };
        command.SetAction(result =>
        {
            var arguments = new CircuitsArguments(
                result.GetValue(weights), result.GetValue(accelerator), result.GetValue(output)!, result.GetValue(topK), result.GetValue(heads), !result.GetValue(noProcessing), result.GetValue(plotHeads), !result.GetValue(noComposition));
            using var interruption = Interruption.Listen();
            return interruption.Run(cancellationToken =>
            {
                using var progress = StageProgress.ForConsole();
                return Run(arguments, Console.Out, progress, cancellationToken);
            });
        });
        return command;
    }

    /// <summary>Runs the analysis; every option is checked before anything is loaded, the vocabulary bound as soon as a config gives it.</summary>
    public static int Run(CircuitsArguments arguments, TextWriter output, StageProgress progress, CancellationToken cancellationToken = default)
    {
        if (arguments.TopK < 1)
        {
            throw new ArgumentOutOfRangeException("--top-k", $"--top-k must be at least 1 (got {arguments.TopK}).");
        }

        var plotHeads = PlotHeads.Parse(arguments.PlotHeads);
        if (arguments.Heads is not null && arguments.Weights is null)
        {
            throw new ArgumentException("--heads applies to a checkpoint given with --weights; the synthetic model has 12 heads per layer.");
        }

        int? vocabulary = arguments.Weights is null ? SyntheticGpt2.Summary(SyntheticGpt2.DefaultSeed, arguments.Processing).DVocab : CheckpointVocabulary.Read(arguments.Weights);
        if (arguments.TopK > vocabulary)
        {
            throw TopKBeyondVocabulary(arguments.TopK, vocabulary.Value);
        }

        var total = Stopwatch.StartNew();
        using var backend = Accelerators.Create(Accelerators.Resolve(arguments.Accelerator));
        var accelerator = new AcceleratorSummary(Accelerators.Name(backend.Kind), backend.DeviceName);

        // Before the long work: an unwritable --out fails now, not after the analysis.
        using var staging = StagingDirectory.Create(arguments.Out);
        using var removeOnCancel = cancellationToken.Register(staging.Dispose);
        using var silenceOnCancel = cancellationToken.Register(progress.Silence);
        var timings = new List<KeyValuePair<string, double>>();
        var raw = progress.Run("load", timings, () => arguments.Weights is null
            ? SyntheticGpt2.Create<float>()
            : TransformerCheckpoint.Load<float>(arguments.Weights, new ModelLoadOptions { Heads = arguments.Heads }));
        var model = arguments.Weights is null
            ? SyntheticGpt2.Summary(SyntheticGpt2.DefaultSeed, arguments.Processing)
            : new ModelSummary(raw.NLayers, raw.NHeads, raw.DModel, raw.DHead, raw.DVocab, Synthetic: false, arguments.Processing, Path.GetFullPath(arguments.Weights),
                raw.Config.Architecture, raw.Config.NKeyValueHeads);
        var (tokenVocabulary, tokens) = TokenSource.For(arguments.Weights);
        ConsoleSummary.WriteHeader(output, model, accelerator, tokens);
        if (arguments.TopK > model.DVocab)
        {
            raw.Dispose();
            throw TopKBeyondVocabulary(arguments.TopK, model.DVocab);
        }

        var options = new CircuitAnalysisOptions { TopK = arguments.TopK, Vocabulary = tokenVocabulary, Composition = arguments.Composition };
        if (backend.Kind == AcceleratorKind.IlgpuCpu && CircuitsCost.IlgpuCpuWarning(model, options.TopTokenHeads) is { } warning)
        {
            Console.Error.WriteLine(warning);
        }

        if (PlotHeads.NotInModel(plotHeads, model) is { } error)
        {
            raw.Dispose();
            throw new ArgumentOutOfRangeException(PlotHeads.Option, error);
        }

        using var weights = new TransformerModel<float>(arguments.Processing ? progress.Run("process", timings, () => Processed(raw)) : raw);
        var report = CircuitAnalysis.Run(weights, model, backend, options, progress, cancellationToken);
        timings.AddRange(report.TimingsMs);

        cancellationToken.ThrowIfCancellationRequested();
        var written = new CircuitsOutput(report, accelerator, timings, plotHeads);
        progress.Report(new CircuitProgress("write", 0));
        var files = CircuitsFiles.Write(written, staging, elapsed =>
            written = written with { TimingsMs = [.. timings, new("write", elapsed.TotalMilliseconds), new("total", total.Elapsed.TotalMilliseconds)] });
        progress.Report(new CircuitProgress("write", 1));
        ConsoleSummary.WriteFindings(output, written, files);
        return 0;
    }

    private static ArgumentOutOfRangeException TopKBeyondVocabulary(int topK, int vocabulary) =>
        new("--top-k", $"--top-k {topK} is more than the vocabulary's {vocabulary} tokens.");

    // The processed weights are written over the raw ones (no second copy: 9.6 GB, not 14.9 GB, for Llama-3-8B); the raw biases and norms are freed at once.
    private static TransformerWeights<float> Processed(TransformerWeights<float> raw)
    {
        using (raw)
        {
            return WeightProcessing.Process(raw, overwrite: true);
        }
    }
}
