using System.Text.Json;
using System.Text.Json.Serialization;
using FactoredGpu.Circuits;

namespace FactoredGpu.Cli.Circuits;

/// <summary>
/// Writes <c>circuits.json</c>: the whole report with snake_case keys, arrays nested as <c>[layer][head]…</c>.
/// </summary>
/// <remarks>
/// JSON has no NaN or infinity: a non-finite number (a head whose weights gave no finite answer) is written as
/// <c>null</c>. A <c>top_tokens</c> entry has a <c>tokens</c> list only when the model had a tokenizer. Finite doubles are written with round-trip precision (the shortest text that parses back exactly).
/// </remarks>
internal static class CircuitsJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new NonFiniteAsNull() },
    };

    /// <summary>Writes <paramref name="output"/> as UTF-8 JSON to <paramref name="stream"/>.</summary>
    public static void Write(CircuitsOutput output, Stream stream)
    {
        var report = output.Report;
        var timings = new OrderedDictionary<string, double>();
        foreach (var (stage, ms) in output.TimingsMs)
        {
            timings[stage] = ms;
        }

        JsonSerializer.Serialize(stream, new Document(
            report.Model,
            output.Accelerator,
            report.OvCopyingScores,
            report.QkCopyingScores,
            report.FullOvCopyingScores,
            report.OvEigenvalues,
            report.FullOvEigenvalues,
            report.OvSingularValues,
            report.OvNorms,
            report.CompositionScores,
            report.TopTokens,
            timings), Options);
    }

    // The file's top-level object; the property order is the key order.
    private sealed record Document(
        ModelSummary Model,
        AcceleratorSummary Accelerator,
        double[][] OvCopyingScores,
        double[][] QkCopyingScores,
        double[][] FullOvCopyingScores,
        EigenvalueTable OvEigenvalues,
        EigenvalueTable FullOvEigenvalues,
        double[][][] OvSingularValues,
        double[][] OvNorms,
        // Written as null with --no-composition (the documented schema), unlike the absent-when-null token texts.
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] CompositionTable? CompositionScores,
        IReadOnlyList<HeadTokens> TopTokens,
        OrderedDictionary<string, double> TimingsMs);

    private sealed class NonFiniteAsNull : JsonConverter<double>
    {
        public override bool HandleNull => true;

        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumberValue(value);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
