using System.Globalization;
using ScottPlot;

namespace FactoredGpu.Cli.Circuits;

/// <summary>
/// ColorBrewer's RdBu reversed (blue negative, white zero, red positive): the one colour scale of the PNG heatmaps
/// (through ScottPlot's <see cref="IColormap"/>) and of the HTML report's SVG heatmaps.
/// </summary>
internal sealed class DivergingColormap : IColormap
{
    /// <summary>The colour of a cell with no finite value.</summary>
    public const string NaNColor = "#bdbdbd";

    private static readonly (byte R, byte G, byte B)[] Stops =
    [
        (0x05, 0x30, 0x61), (0x21, 0x66, 0xac), (0x43, 0x93, 0xc3), (0x92, 0xc5, 0xde), (0xd1, 0xe5, 0xf0), (0xf7, 0xf7, 0xf7),
        (0xfd, 0xdb, 0xc7), (0xf4, 0xa5, 0x82), (0xd6, 0x60, 0x4d), (0xb2, 0x18, 0x2b), (0x67, 0x00, 0x1f),
    ];

    /// <inheritdoc/>
    public string Name => "RdBu (reversed)";

    /// <inheritdoc/>
    public Color GetColor(double normalizedIntensity)
    {
        var (r, g, b) = Interpolate(normalizedIntensity);
        return new Color(r, g, b);
    }

    /// <summary>The CSS colour of <paramref name="value"/> on the scale <c>[min, max]</c> (clamped); <see cref="NaNColor"/> if not finite.</summary>
    public static string Css(double value, double min, double max)
    {
        if (!double.IsFinite(value))
        {
            return NaNColor;
        }

        var (r, g, b) = Interpolate((value - min) / (max - min));
        return string.Create(CultureInfo.InvariantCulture, $"#{r:x2}{g:x2}{b:x2}");
    }

    private static (byte R, byte G, byte B) Interpolate(double position)
    {
        double t = Math.Clamp(double.IsFinite(position) ? position : 0.5, 0, 1) * (Stops.Length - 1);
        int i = Math.Min((int)t, Stops.Length - 2);
        double f = t - i;
        var (a, b) = (Stops[i], Stops[i + 1]);
        return (Mix(a.R, b.R, f), Mix(a.G, b.G, f), Mix(a.B, b.B, f));
    }

    private static byte Mix(byte a, byte b, double f) => (byte)Math.Round(a + (b - a) * f);
}
