using System.Globalization;

namespace FactoredGpu.Plots;

/// <summary>The colours of every chart: ColorBrewer's RdBu reversed (blue negative, white zero, red positive), and its red half.</summary>
public static class Palette
{
    /// <summary>The colour of a cell with no finite value.</summary>
    public const string NaNColor = "#bdbdbd";

    /// <summary>Colours of the series that compare a head's OV circuit with its full OV circuit.</summary>
    public const string OvColor = "#2166ac", FullOvColor = "#b2182b", HeadColor = "#444444";

    private static readonly (byte R, byte G, byte B)[] Stops =
    [
        (0x05, 0x30, 0x61), (0x21, 0x66, 0xac), (0x43, 0x93, 0xc3), (0x92, 0xc5, 0xde), (0xd1, 0xe5, 0xf0), (0xf7, 0xf7, 0xf7),
        (0xfd, 0xdb, 0xc7), (0xf4, 0xa5, 0x82), (0xd6, 0x60, 0x4d), (0xb2, 0x18, 0x2b), (0x67, 0x00, 0x1f),
    ];

    /// <summary>The colour at <paramref name="position"/> in [0, 1] along <paramref name="scale"/> (clamped; the middle when not finite).</summary>
    public static (byte R, byte G, byte B) At(ColorScale scale, double position)
    {
        double p = Math.Clamp(double.IsFinite(position) ? position : 0.5, 0, 1);
        double t = (scale == ColorScale.Sequential ? 0.5 + p / 2 : p) * (Stops.Length - 1);
        int i = Math.Min((int)t, Stops.Length - 2);
        double f = t - i;
        var (a, b) = (Stops[i], Stops[i + 1]);
        return (Mix(a.R, b.R, f), Mix(a.G, b.G, f), Mix(a.B, b.B, f));
    }

    /// <summary>The CSS colour <c>#rrggbb</c> at <paramref name="position"/> along <paramref name="scale"/>.</summary>
    public static string Css(ColorScale scale, double position)
    {
        var (r, g, b) = At(scale, position);
        return string.Create(CultureInfo.InvariantCulture, $"#{r:x2}{g:x2}{b:x2}");
    }

    private static byte Mix(byte a, byte b, double f) => (byte)Math.Round(a + (b - a) * f);
}
