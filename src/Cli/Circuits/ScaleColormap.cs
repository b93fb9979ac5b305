using FactoredGpu.Plots;
using ScottPlot;
using Palette = FactoredGpu.Plots.Palette;

namespace FactoredGpu.Cli.Circuits;

/// <summary>A <see cref="Palette"/> scale as ScottPlot's <see cref="IColormap"/>, so that the PNG heatmaps have the report's colours.</summary>
/// <param name="scale">The scale.</param>
internal sealed class ScaleColormap(ColorScale scale) : IColormap
{
    /// <inheritdoc/>
    public string Name => scale.ToString();

    /// <inheritdoc/>
    public Color GetColor(double normalizedIntensity)
    {
        var (r, g, b) = Palette.At(scale, normalizedIntensity);
        return new Color(r, g, b);
    }
}
