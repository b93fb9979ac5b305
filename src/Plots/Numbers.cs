using System.Globalization;

namespace FactoredGpu.Plots;

/// <summary>Culture-invariant number formats shared by the charts and the factored tool's console, CSV and HTML outputs.</summary>
internal static class Numbers
{
    /// <summary>Shortest text that parses back to the same double; <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c> for non-finite values.</summary>
    public static string RoundTrip(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A signed fixed-point value for tables (<c>+0.998</c>), <c>NaN</c> where not finite.</summary>
    public static string Signed(double x, int decimals = 3) =>
        double.IsFinite(x) ? x.ToString("+0." + new string('0', decimals) + ";-0." + new string('0', decimals), CultureInfo.InvariantCulture) : "NaN";

    /// <summary>An unsigned value with <paramref name="significant"/> significant digits (<c>G</c> format).</summary>
    public static string General(double x, int significant = 4) => x.ToString("G" + significant.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
