using System.CommandLine.Parsing;
using System.Globalization;

namespace FactoredGpu.Cli;

/// <summary>
/// Parses an option's whole-number value: a value that is not one, or is below the minimum, is one parse error that
/// names the option and the form it expects (<c>--top-k expects a whole number of at least 1, got 'x'.</c>), never the
/// .NET type System.CommandLine would name.
/// </summary>
internal static class WholeNumber
{
    /// <summary>For <c>CustomParser</c>: the value of <paramref name="result"/>'s one token, or <see langword="null"/> when the option has no token.</summary>
    public static int? Parse(ArgumentResult result, int minimum)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        string token = result.Tokens[^1].Value;
        if (int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= minimum)
        {
            return value;
        }

        string option = result.Parent is OptionResult parent ? parent.Option.Name : result.Argument.Name;
        result.AddError($"{option} expects a whole number of at least {minimum}, got '{token}'.");
        return null;
    }
}
