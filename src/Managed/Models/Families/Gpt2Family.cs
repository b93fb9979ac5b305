using System.Globalization;
using System.Text.RegularExpressions;

namespace FactoredGpu.Models;

/// <summary>
/// GPT-2 (<c>GPT2LMHeadModel</c>), as TransformerLens's <c>convert_gpt2_weights</c>: Conv1D weights are input-major,
/// <c>attn.c_attn.weight [d, 3d]</c> splits into column blocks Q | K | V of <c>H</c> heads each, <c>attn.c_proj.weight</c>
/// rows are grouped by head, the unembedding is tied (<c>W_U = wteᵀ</c>), <c>b_U = 0</c>. Keys may carry a
/// <c>transformer.</c> prefix. Without a <c>config.json</c> the sizes come from the tensors and the number of heads from
/// the caller (default <c>d_model / 64</c>).
/// </summary>
internal sealed partial class Gpt2Family : IModelFamily
{
    /// <summary>The head width GPT-2 uses at every size, for the number of heads when nothing gives it.</summary>
    public const int DefaultHeadWidth = 64;

    /// <inheritdoc/>
    public IReadOnlyList<string> Architectures { get; } = ["GPT2LMHeadModel"];

    /// <inheritdoc/>
    public IReadOnlyList<string> ModelTypes { get; } = ["gpt2"];

    /// <inheritdoc/>
    public ModelConfig ReadConfig(ConfigJson? config, CheckpointFiles files, int? heads)
    {
        string prefix = Prefix(files), source = config?.Path ?? files.Source;
        int[] wte = files.ShapeOf(prefix + "wte.weight") ?? throw new InvalidDataException($"{files.Source}: the GPT-2 checkpoint has no tensor '{prefix}wte.weight' (TransformerLens W_E).");
        if (wte.Length != 2)
        {
            throw new InvalidDataException($"{files.Source}: tensor '{prefix}wte.weight' (TransformerLens W_E) must be a matrix; its shape was {Shapes.Format(wte)}.");
        }

        int d = config?.OptionalInt("n_embd") ?? wte[1];
        int layers = config?.OptionalInt("n_layer") ?? LayerCount(files, prefix);
        int h = config?.OptionalInt("n_head") is { } fromConfig ? fromConfig : Heads(files.Source, heads, d);
        if (h <= 0 || d % h != 0)
        {
            throw new InvalidDataException($"{source}: n_head = {h} does not divide d_model = {d}.");
        }

        int nCtx = files.ShapeOf(prefix + "wpe.weight") is [int positions, _] ? positions : config?.OptionalInt("n_positions") ?? 0;
        int dMlp = config?.OptionalInt("n_inner") ?? (files.ShapeOf(prefix + "h.0.mlp.c_fc.weight") is [_, int m] ? m : 4 * d);
        return new ModelConfig(
            "GPT2LMHeadModel", layers, h, h, d, d / h, config?.OptionalInt("vocab_size") ?? wte[0], nCtx, dMlp,
            NormKind.LayerNorm, config?.OptionalDouble("layer_norm_epsilon") ?? 1e-5, RotaryDim: null, RotaryBase: null, TieWordEmbeddings: true);
    }

    /// <inheritdoc/>
    public FamilyLayout Layout(ModelConfig config, CheckpointFiles files)
    {
        string p = Prefix(files), block = p + "h.{0}.";
        int d = config.DModel, h = config.NHeads, dh = config.DHead, m = config.DMlp;
        LayerSource Layer(string name, TensorView view) => new(block + name, view);
        return new FamilyLayout
        {
            LayerPrefix = block,
            Embedding = new(p + "wte.weight", TensorView.Whole(config.DVocab, d)),
            Position = new(p + "wpe.weight", TensorView.Whole(config.NCtx, d)),
            Query = Layer("attn.c_attn.weight", TensorView.Conv1DHeads(d, 3 * d, h, dh, 0, dh)),
            Key = Layer("attn.c_attn.weight", TensorView.Conv1DHeads(d, 3 * d, h, dh, d, dh)),
            Value = Layer("attn.c_attn.weight", TensorView.Conv1DHeads(d, 3 * d, h, dh, 2 * d, dh)),
            Output = Layer("attn.c_proj.weight", TensorView.Conv1DOutput(d, h, dh)),
            QueryBias = Layer("attn.c_attn.bias", TensorView.BiasHeads(3 * d, h, dh, 0, dh)),
            KeyBias = Layer("attn.c_attn.bias", TensorView.BiasHeads(3 * d, h, dh, d, dh)),
            ValueBias = Layer("attn.c_attn.bias", TensorView.BiasHeads(3 * d, h, dh, 2 * d, dh)),
            OutputBias = Layer("attn.c_proj.bias", TensorView.Whole(d)),
            Norm1Weight = Layer("ln_1.weight", TensorView.Whole(d)),
            Norm1Bias = Layer("ln_1.bias", TensorView.Whole(d)),
            Norm2Weight = Layer("ln_2.weight", TensorView.Whole(d)),
            Norm2Bias = Layer("ln_2.bias", TensorView.Whole(d)),
            FinalNormWeight = new(p + "ln_f.weight", TensorView.Whole(d)),
            FinalNormBias = new(p + "ln_f.bias", TensorView.Whole(d)),
            MlpIn = Layer("mlp.c_fc.weight", TensorView.Whole(d, m)),
            MlpInBias = Layer("mlp.c_fc.bias", TensorView.Whole(m)),
            MlpOut = Layer("mlp.c_proj.weight", TensorView.Whole(m, d)),
            MlpOutBias = Layer("mlp.c_proj.bias", TensorView.Whole(d)),
        };
    }

    private static string Prefix(CheckpointFiles files) => files.Has("transformer.wte.weight") ? "transformer." : "";

    /// <summary>One more than the highest block index of any tensor: a gap then shows as a missing tensor, never as fewer layers.</summary>
    private static int LayerCount(CheckpointFiles files, string prefix)
    {
        int layers = files.Names.Select(name => BlockIndex().Match(name))
            .Where(match => match.Success && match.Groups[1].Value == prefix)
            .Select(match => int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i + 1 : 0)
            .DefaultIfEmpty(0).Max();
        return layers > 0 ? layers : throw new InvalidDataException($"{files.Source}: the GPT-2 checkpoint has no tensor '{prefix}h.0.ln_1.weight' (no transformer blocks).");
    }

    /// <summary>The number of heads without a config: <paramref name="heads"/>, else <c>d / 64</c>.</summary>
    private static int Heads(string source, int? heads, int d)
    {
        if (heads is int given)
        {
            return given > 0 && d % given == 0
                ? given
                : throw new ArgumentException($"{given} heads do not divide d_model = {d} of {source}; pass a divisor of {d}.", nameof(heads));
        }

        return d > 0 && d % DefaultHeadWidth == 0
            ? d / DefaultHeadWidth
            : throw new ArgumentException($"{source}: cannot tell the number of attention heads (no config.json beside it, and d_model = {d} is not a multiple of {DefaultHeadWidth}); pass --heads.", nameof(heads));
    }

    [GeneratedRegex(@"^(transformer\.)?h\.(\d+)\.", RegexOptions.CultureInvariant)]
    private static partial Regex BlockIndex();
}
