using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using FactoredGpu.IO;
using FactoredGpu.Kernels.Host;

namespace FactoredGpu.Models;

/// <summary>Loads a Hugging Face checkpoint of any supported family (<see cref="ModelFamilies"/>) into TransformerLens's layout.</summary>
public static class TransformerCheckpoint
{
    /// <summary>
    /// Reads a checkpoint and converts it as TransformerLens's <c>convert_*_weights</c> does; the result is unprocessed.
    /// </summary>
    /// <typeparam name="TScalar">The element type to convert to: <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">
    /// A Hugging Face model folder (<c>config.json</c> with <c>model.safetensors</c>, or shards with
    /// <c>model.safetensors.index.json</c>), or one <c>.safetensors</c> file (a <c>config.json</c> beside it is read; without
    /// one it is taken as GPT-2). Symbolic links are followed (the hub cache).
    /// </param>
    /// <param name="options">The number of heads for a GPT-2 file without a config, and whether to read the MLPs; processing is not applied here.</param>
    /// <returns>Host weights, owned by the caller.</returns>
    /// <remarks>
    /// <para>Files are memory-mapped, and only the tensors the weights need are converted (F32, F16, BF16, F64): no MLP tensor
    /// unless <see cref="ModelLoadOptions.IncludeMlp"/>. A tied unembedding is a transposed view of the embedding.</para>
    /// <para>The layer count comes from <c>config.json</c> (GPT-2 without a config: the highest block index of any tensor),
    /// so a missing layer is a missing tensor, and a block beyond it an error.</para>
    /// </remarks>
    /// <exception cref="InvalidDataException">
    /// A tensor is missing (Hugging Face and TransformerLens names), mis-shaped against <c>config.json</c> (both shapes and
    /// the sizes), or holds NaN or ±Inf; the checkpoint has blocks beyond the configured layers; <c>config.json</c> is not a
    /// regular JSON file or lacks a field; a size is zero (an empty vocabulary); or the shard index is inconsistent.
    /// </exception>
    /// <exception cref="NotSupportedException">The architecture is not supported; the message lists the supported ones.</exception>
    /// <exception cref="ArgumentException"><see cref="ModelLoadOptions.Heads"/> disagrees with <c>config.json</c>, does not divide <c>d_model</c>, or is needed and missing.</exception>
    /// <exception cref="SafetensorsFormatException">A weights file is not a valid safetensors file.</exception>
    /// <exception cref="FileNotFoundException">There is nothing at <paramref name="path"/>, or a folder holds no weights.</exception>
    public static TransformerWeights<TScalar> Load<TScalar>(string path, ModelLoadOptions? options = null)
        where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
    {
        options ??= new ModelLoadOptions();
        using var files = CheckpointFiles.Open(path);
        var json = files.ConfigPath is null ? null : ConfigJson.Read(files.ConfigPath);
        var family = ModelFamilies.For(json);
        string source = json?.Path ?? $"{files.Source} (no config.json: GPT-2 sizes from the tensors)";
        var config = family.ReadConfig(json, files, options.Heads).Validated(source);
        if (json is not null && options.Heads is int heads && heads != config.NHeads)
        {
            throw new ArgumentException($"--heads {heads} disagrees with {json.Path}, which gives {config.NHeads} attention heads.", nameof(options));
        }

        var layout = family.Layout(config, files);
        CheckNoExtraLayers(files, layout.LayerPrefix, config.NLayers, source);
        using var reader = new WeightReader<TScalar>(files, config, source);
        int l = config.NLayers, h = config.NHeads, kv = config.NKeyValueHeads, d = config.DModel, dh = config.DHead;
        var wE = reader.Read("embed.W_E", layout.Embedding);
        StridedTensor<TScalar>? Optional(string name, TensorSource? s) => s is null ? null : reader.Read(name, s);
        StridedTensor<TScalar>? OptionalLayer(string name, LayerSource? s) => s is null ? null : reader.Stack(name, s);
        bool layerNorm = config.Norm == NormKind.LayerNorm;
        var mlp = options.IncludeMlp
            ? new MlpWeights<TScalar>(
                reader.Stack("blocks.{0}.mlp.W_in", layout.MlpIn),
                reader.StackOrZeros("blocks.{0}.mlp.b_in", layout.MlpInBias, config.DMlp),
                reader.Stack("blocks.{0}.mlp.W_out", layout.MlpOut),
                reader.StackOrZeros("blocks.{0}.mlp.b_out", layout.MlpOutBias, d),
                OptionalLayer("blocks.{0}.mlp.W_gate", layout.MlpGate))
            : null;
        return new TransformerWeights<TScalar>(
            config,
            wE,
            Optional("pos_embed.W_pos", layout.Position),
            reader.Stack("blocks.{0}.attn.W_Q", layout.Query),
            reader.Stack("blocks.{0}.attn._W_K", layout.Key),
            reader.Stack("blocks.{0}.attn._W_V", layout.Value),
            reader.Stack("blocks.{0}.attn.W_O", layout.Output),
            reader.StackOrZeros("blocks.{0}.attn.b_Q", layout.QueryBias, h, dh),
            reader.StackOrZeros("blocks.{0}.attn._b_K", layout.KeyBias, kv, dh),
            reader.StackOrZeros("blocks.{0}.attn._b_V", layout.ValueBias, kv, dh),
            reader.StackOrZeros("blocks.{0}.attn.b_O", layout.OutputBias, d),
            reader.Stack("blocks.{0}.ln1.w", layout.Norm1Weight),
            layerNorm ? reader.Stack("blocks.{0}.ln1.b", layout.Norm1Bias!) : null,
            options.IncludeMlp ? reader.Stack("blocks.{0}.ln2.w", layout.Norm2Weight) : null,
            options.IncludeMlp && layerNorm ? reader.Stack("blocks.{0}.ln2.b", layout.Norm2Bias!) : null,
            reader.Read("ln_final.w", layout.FinalNormWeight),
            layerNorm ? reader.Read("ln_final.b", layout.FinalNormBias!) : null,
            layout.Unembedding is null ? wE.Transpose() : reader.Read("unembed.W_U", layout.Unembedding),
            StridedTensor<TScalar>.Zeros(HostKernels.Shared, config.DVocab),
            mlp);
    }

    /// <summary>Throws when a tensor belongs to a block at or beyond <paramref name="layers"/>.</summary>
    private static void CheckNoExtraLayers(CheckpointFiles files, string layerPrefix, int layers, string source)
    {
        string[] parts = layerPrefix.Split("{0}");
        var block = new Regex($"^{Regex.Escape(parts[0])}(\\d+){Regex.Escape(parts[1])}", RegexOptions.CultureInvariant);
        foreach (string name in files.Names)
        {
            var match = block.Match(name);
            if (match.Success && (!int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index >= layers))
            {
                throw new InvalidDataException($"{files.Source}: tensor '{name}' belongs to block {match.Groups[1].Value}, but {source} gives {layers} layers.");
            }
        }
    }
}
