using System.Globalization;
using System.Text;

namespace FactoredGpu.Tokens;

/// <summary>Token text written the way a TransformerLens user reads a token: quoted, with spaces and control characters visible.</summary>
public static class TokenText
{
    /// <summary>
    /// <paramref name="text"/> between single quotes, Python-style: <c>' the'</c>, <c>'\n'</c>; backslash, quote, tab,
    /// carriage return and newline as <c>\\ \' \t \r \n</c>, other control and invisible format characters as <c>\xNN</c>
    /// or <c>\uNNNN</c>.
    /// </summary>
    /// <param name="text">A token's decoded text.</param>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var quoted = new StringBuilder(text.Length + 2).Append('\'');
        foreach (char c in text)
        {
            _ = c switch
            {
                '\\' => quoted.Append(@"\\"),
                '\'' => quoted.Append(@"\'"),
                '\n' => quoted.Append(@"\n"),
                '\r' => quoted.Append(@"\r"),
                '\t' => quoted.Append(@"\t"),
                _ when c < 0x100 && char.IsControl(c) => quoted.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ when char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format => quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('\'').ToString();
    }
}
