using System.Globalization;
using System.Text;
using System.Text.Json;
using FactoredGpu.Cli.Circuits;
using Xunit;

namespace FactoredGpu.Tests.Cli;

/// <summary>circuits.json, circuits.csv and report.html written from a hand-built report.</summary>
public sealed class CircuitsWriterTests
{
    [Fact]
    public void Json_has_every_documented_key_with_the_documented_shapes_and_exact_values()
    {
        var output = SampleReports.Create(layers: 3, heads: 2, dHead: 4);
        var report = output.Report;
        using var json = Json(output);
        var root = json.RootElement;

        Assert.Equal(
            ["model", "accelerator", "ov_copying_scores", "qk_copying_scores", "full_ov_copying_scores", "ov_eigenvalues", "full_ov_eigenvalues", "ov_singular_values", "ov_norms", "composition_scores", "top_tokens", "timings_ms"],
            root.EnumerateObject().Select(p => p.Name));
        var model = root.GetProperty("model");
        Assert.Equal(["n_layers", "n_heads", "d_model", "d_head", "d_vocab", "synthetic", "processing", "source", "architecture", "n_key_value_heads"], model.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, model.GetProperty("n_layers").GetInt32());
        Assert.Equal(2, model.GetProperty("n_heads").GetInt32());
        Assert.Equal(16, model.GetProperty("d_model").GetInt32());
        Assert.Equal(4, model.GetProperty("d_head").GetInt32());
        Assert.Equal(50, model.GetProperty("d_vocab").GetInt32());
        Assert.False(model.GetProperty("synthetic").GetBoolean());
        Assert.True(model.GetProperty("processing").GetBoolean());
        Assert.Equal("/models/gpt2/model.safetensors", model.GetProperty("source").GetString());
        Assert.Equal("GPT2LMHeadModel", model.GetProperty("architecture").GetString());
        Assert.Equal(2, model.GetProperty("n_key_value_heads").GetInt32());
        Assert.Equal("cpu", root.GetProperty("accelerator").GetProperty("kind").GetString());
        Assert.Equal("Host CPU <x86_64>", root.GetProperty("accelerator").GetProperty("device").GetString());

        // Round-trip precision: the values read back are the very doubles written (1e-13 offsets survive).
        Assert.Equal(report.OvCopyingScores[0], Doubles(root.GetProperty("ov_copying_scores")[0]));
        Assert.Equal(report.QkCopyingScores[1], Doubles(root.GetProperty("qk_copying_scores")[1]));
        Assert.Equal(report.FullOvCopyingScores[1], Doubles(root.GetProperty("full_ov_copying_scores")[1]));
        Assert.Equal(report.OvNorms[2], Doubles(root.GetProperty("ov_norms")[2]));
        Assert.Equal(report.OvSingularValues[2][1], Doubles(root.GetProperty("ov_singular_values")[2][1]));
        Assert.Equal(report.OvEigenvalues.Real[1][0], Doubles(root.GetProperty("ov_eigenvalues").GetProperty("real")[1][0]));
        Assert.Equal(report.FullOvEigenvalues.Imag[2][1], Doubles(root.GetProperty("full_ov_eigenvalues").GetProperty("imag")[2][1]));
        Assert.NotNull(report.CompositionScores);
        foreach (var (key, table) in new[] { ("q", report.CompositionScores.Q), ("k", report.CompositionScores.K), ("v", report.CompositionScores.V) })
        {
            var scores = root.GetProperty("composition_scores").GetProperty(key);
            Assert.Equal([3, 2, 3, 2], Shape(scores));
            Assert.Equal(table[0][1][2], Doubles(scores[0][1][2]));
        }

        Assert.Equal([3, 2], Shape(root.GetProperty("ov_copying_scores")));
        Assert.Equal([3, 2, 4], Shape(root.GetProperty("ov_singular_values")));
        Assert.Equal([3, 2, 4], Shape(root.GetProperty("full_ov_eigenvalues").GetProperty("real")));

        var tokens = root.GetProperty("top_tokens")[0];
        Assert.Equal(["layer", "head", "full_ov_copying_score", "token_ids", "tokens", "values"], tokens.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, tokens.GetProperty("layer").GetInt32());
        Assert.Equal(0, tokens.GetProperty("head").GetInt32());
        Assert.Equal([7, 3, 11], tokens.GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([" the", "\n", null], tokens.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([4.5, 4.25, 1.0 / 3], Doubles(tokens.GetProperty("values")));

        Assert.Equal(["load", "process", "ov", "qk", "full_ov", "composition", "top_tokens", "total"], root.GetProperty("timings_ms").EnumerateObject().Select(p => p.Name));
        Assert.Equal(2.25, root.GetProperty("timings_ms").GetProperty("qk").GetDouble());
    }

    [Fact]
    public void Json_writes_null_for_NaN()
    {
        using var json = Json(SampleReports.Create());
        var root = json.RootElement;

        foreach (string key in new[] { "ov_copying_scores", "qk_copying_scores", "full_ov_copying_scores" })
        {
            Assert.Equal(JsonValueKind.Null, root.GetProperty(key)[2][1].ValueKind);
            Assert.Equal(JsonValueKind.Number, root.GetProperty(key)[2][0].ValueKind);
        }
    }

    [Fact]
    public void Json_has_no_tokens_list_without_a_vocabulary()
    {
        using var json = Json(SampleReports.Create(tokens: false));
        var first = json.RootElement.GetProperty("top_tokens")[0];

        Assert.Equal(["layer", "head", "full_ov_copying_score", "token_ids", "values"], first.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Html_and_console_show_each_token_id_with_its_quoted_text()
    {
        var output = SampleReports.Create();
        string html = System.Net.WebUtility.HtmlDecode(Html(output));
        using var console = new StringWriter(CultureInfo.InvariantCulture);
        ConsoleSummary.WriteFindings(console, output, ["/out/circuits.json"]);

        Assert.Contains(@"7 ' the' (4.5), 3 '\n' (4.25), 11 <not in the vocabulary> (0.3333)", html, StringComparison.Ordinal);
        Assert.Contains(@"1 'a' (0.5), 2 'b\'c' (0.25), 0 '\\' (0.125)", html, StringComparison.Ordinal);
        Assert.Contains(@"L1H0 +0.990  7 ' the': 4.5, 3 '\n': 4.25, 11 <not in the vocabulary>: 0.333", console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_marks_the_synthetic_model()
    {
        using var json = Json(SampleReports.Create(synthetic: true, source: "synthetic GPT-2-small (seed 1)"));

        Assert.True(json.RootElement.GetProperty("model").GetProperty("synthetic").GetBoolean());
    }

    [Fact]
    public void Csv_has_one_invariant_round_trip_row_per_head()
    {
        var output = SampleReports.Create(layers: 3, heads: 2);
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        string text;
        try
        {
            using var writer = new StringWriter(CultureInfo.InvariantCulture);
            CircuitsCsv.Write(output, writer);
            text = writer.ToString();
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("layer,head,ov_copying_score,qk_copying_score,full_ov_copying_score,ov_norm,ov_top_singular_value", lines[0]);
        Assert.Equal(1 + 3 * 2, lines.Length);
        Assert.All(lines, line => Assert.Equal(7, line.Split(',').Length));
        string[] l1h0 = lines[3].Split(',');
        Assert.Equal(["1", "0", "0.995"], l1h0[..3]);
        Assert.Equal(output.Report.QkCopyingScores[1][0], double.Parse(l1h0[3], CultureInfo.InvariantCulture));
        Assert.Equal(output.Report.OvNorms[1][0], double.Parse(l1h0[5], CultureInfo.InvariantCulture));
        Assert.Equal(output.Report.OvSingularValues[1][0][0], double.Parse(l1h0[6], CultureInfo.InvariantCulture));
        Assert.Equal(["2", "1", "NaN", "NaN", "NaN"], lines[6].Split(',')[..5]);
    }

    [Fact]
    public void Html_is_self_contained_escapes_text_and_carries_hover_data()
    {
        var output = SampleReports.Create(synthetic: true, source: "/data/<script>alert(\"x\")</script> & more.safetensors");
        string html = Html(output);

        // plotly.js is inlined once (it mentions URLs in its code, for map tiles and help texts); the page around it links nothing.
        string page = html.Replace(FactoredGpu.Plots.PlotlyCharts.PlotlyJs.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase), string.Empty, StringComparison.Ordinal);
        Assert.Equal(1, CountOf(html, FactoredGpu.Plots.PlotlyCharts.PlotlyJs[..200]));
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("/data/&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more.safetensors", page, StringComparison.Ordinal);
        Assert.DoesNotContain("http", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"(?i)<(script|link|img|iframe)[^>]*\b(src|href)\s*=", html);
        Assert.Contains("SYNTHETIC model", html, StringComparison.Ordinal);
        Assert.Equal(output.Charts().Count, CountOf(html, "<div class=\"plot\""));
        Assert.Contains("L1H0: OV +0.995, full OV +0.990", page, StringComparison.Ordinal);
        Assert.Contains("document.body.dataset.rendered", html, StringComparison.Ordinal);
        Assert.Contains("window.onerror", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_title_of_a_synthetic_report_says_synthetic()
    {
        var output = SampleReports.Create(synthetic: true, source: "synthetic GPT-2-small (seed 1)");

        Assert.All(output.Charts(), chart => Assert.Contains("SYNTHETIC", chart.Title, StringComparison.Ordinal));
        Assert.Contains("<title>factored circuits: SYNTHETIC", Html(output), StringComparison.Ordinal);
    }

    private static JsonDocument Json(CircuitsOutput output)
    {
        using var stream = new MemoryStream();
        CircuitsJson.Write(output, stream);
        return JsonDocument.Parse(stream.ToArray());
    }

    private static string Html(CircuitsOutput output)
    {
        using var writer = new StringWriter(new StringBuilder(), CultureInfo.InvariantCulture);
        ReportHtml.Write(output, writer);
        return writer.ToString();
    }

    private static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetDouble())];

    private static int[] Shape(JsonElement array)
    {
        var shape = new List<int>();
        for (var e = array; e.ValueKind == JsonValueKind.Array; e = e[0])
        {
            shape.Add(e.GetArrayLength());
        }

        return [.. shape];
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
