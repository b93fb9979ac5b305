namespace FactoredGpu.Models;

/// <summary>The model families FactoredGpu reads: one adapter per family, registered here.</summary>
public static class ModelFamilies
{
    private static readonly IModelFamily[] All = [new Gpt2Family(), new GptNeoXFamily(), new LlamaFamily(), new Qwen2Family()];

    /// <summary>The Hugging Face architectures (<c>config.json</c> <c>architectures[0]</c>) that can be loaded.</summary>
    public static IReadOnlyList<string> SupportedArchitectures { get; } = [.. All.SelectMany(f => f.Architectures)];

    /// <summary>
    /// The adapter for a checkpoint's <c>config.json</c>: by <c>architectures[0]</c>, else by <c>model_type</c>, else
    /// GPT-2 (a checkpoint without a config, or a config that only gives <c>n_head</c>).
    /// </summary>
    /// <exception cref="NotSupportedException">The architecture or model type is not supported; the message names it and the supported ones.</exception>
    internal static IModelFamily For(ConfigJson? config)
    {
        if (config is null)
        {
            return All[0];
        }

        if (config.Architecture is { } architecture)
        {
            return All.FirstOrDefault(f => f.Architectures.Contains(architecture, StringComparer.Ordinal))
                ?? throw new NotSupportedException($"{config.Path}: architecture '{architecture}' is not supported; supported: {string.Join(", ", SupportedArchitectures)}.");
        }

        if (config.String("model_type") is { } type)
        {
            return All.FirstOrDefault(f => f.ModelTypes.Contains(type, StringComparer.Ordinal))
                ?? throw new NotSupportedException($"{config.Path}: model_type '{type}' is not supported; supported architectures: {string.Join(", ", SupportedArchitectures)}.");
        }

        return All[0];
    }
}
