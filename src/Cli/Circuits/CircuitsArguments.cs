namespace FactoredGpu.Cli.Circuits;

/// <summary>The command line of <c>factored circuits</c>, parsed.</summary>
/// <param name="Weights">A Hugging Face model folder or <c>.safetensors</c> file of a supported family; <see langword="null"/> for the embedded synthetic model.</param>
/// <param name="Accelerator">The <c>--accelerator</c> value, or <see langword="null"/> for the environment's or <c>auto</c>.</param>
/// <param name="Out">The output directory.</param>
/// <param name="TopK">Tokens listed per strongest copying head.</param>
/// <param name="Heads">The number of attention heads, when the checkpoint has no <c>config.json</c> beside it.</param>
/// <param name="Processing">Whether to apply TransformerLens's default weight processing first.</param>
/// <param name="PlotHeads">The <c>--plot-heads</c> text, or <see langword="null"/> for the default heads.</param>
/// <param name="Composition">Whether to compute the composition scores (off with <c>--no-composition</c>).</param>
internal sealed record CircuitsArguments(string? Weights, string? Accelerator, string Out, int TopK, int? Heads, bool Processing, string? PlotHeads = null, bool Composition = true)
{
    /// <summary>The default output directory, relative to the working directory.</summary>
    public const string DefaultOut = "circuits-out";

    /// <summary>The default number of tokens per strongest head.</summary>
    public const int DefaultTopK = 10;
}
