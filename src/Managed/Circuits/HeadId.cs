using System.Globalization;
using System.Text.RegularExpressions;

namespace FactoredGpu.Circuits;

/// <summary>One attention head, named as TransformerLens's notebooks name it: <c>L{layer}H{head}</c>.</summary>
/// <param name="Layer">The head's layer, 0 first.</param>
/// <param name="Head">The head's index in its layer.</param>
public readonly partial record struct HeadId(int Layer, int Head)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"L{Layer}H{Head}");

    /// <summary>Reads <c>L{layer}H{head}</c> (case-insensitive, surrounding spaces ignored), for example <c>L11H11</c>.</summary>
    /// <param name="text">The head's name.</param>
    /// <param name="head">The head, when <paramref name="text"/> names one.</param>
    /// <returns>Whether <paramref name="text"/> has the form <c>L{layer}H{head}</c> with non-negative integers.</returns>
    public static bool TryParse(string? text, out HeadId head)
    {
        var match = text is null ? Match.Empty : Pattern().Match(text);
        head = match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int layer) &&
            int.TryParse(match.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            ? new HeadId(layer, index)
            : new HeadId(-1, -1);
        return head.Layer >= 0;
    }

    [GeneratedRegex(@"^\s*L(\d+)H(\d+)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
