using System.Globalization;
using System.Text;
using FactoredGpu.Circuits;
using FactoredGpu.Plots;

namespace FactoredGpu.Cli.Circuits;

/// <summary>
/// Writes <c>report.html</c>: one self-contained page that works offline (plotly.js inlined, no external fetch) with the
/// charts drawn by plotly.js from <see cref="PlotlyCharts"/>' figures (hover, zoom), the ranked head table, the top
/// tokens, timings and where the analysis ran.
/// </summary>
/// <remarks>
/// The page records an uncaught error in <c>&lt;html data-error&gt;</c> and, once plotly.js has drawn the charts, sets
/// <c>&lt;body data-rendered&gt;</c> to the number of charts with a non-empty drawing (a headless browser checks both).
/// </remarks>
internal static class ReportHtml
{
    private const string Style = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
        .synthetic { background: #fff3cd; border: 1px solid #e0b400; padding: 8px 12px; font-weight: bold; }
        .plots { display: flex; flex-wrap: wrap; gap: 16px; }
        div.plot { border: 1px solid #ddd; }
        table { border-collapse: collapse; margin: 8px 0 16px; }
        th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        """;

    private const string Script = """
        Promise.all(Array.from(document.querySelectorAll('div.plot'), function (div) {
          var figure = JSON.parse(div.getAttribute('data-figure'));
          return Plotly.newPlot(div, figure.data, figure.layout, { displaylogo: false });
        })).then(function (plots) {
          document.body.dataset.rendered = String(plots.filter(function (div) {
            var svg = div.querySelector('svg.main-svg');
            return svg && svg.getBoundingClientRect().width > 0;
          }).length);
        });
        """;

    /// <summary>Writes the page for <paramref name="output"/> to <paramref name="writer"/>.</summary>
    public static void Write(CircuitsOutput output, TextWriter writer)
    {
        var report = output.Report;
        var model = report.Model;
        var charts = output.Charts();
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<script>window.onerror = function (message) { document.documentElement.setAttribute('data-error', String(message)); };</script>")
            .Append(CultureInfo.InvariantCulture, $"<title>{E($"factored circuits: {ModelLabel.Title(model)}")}</title><style>{Style}</style>\n")
            .Append("<script>").Append(PlotlyCharts.PlotlyJs.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase)).Append("</script></head>\n")
            .Append(CultureInfo.InvariantCulture, $"<body data-plots=\"{charts.Count}\">\n<h1>Circuit analysis: {E(ModelLabel.Title(model))}</h1>\n");
        if (model.Synthetic)
        {
            html.Append("<p class=\"synthetic\">SYNTHETIC model: an embedded GPT-2-shaped model with planted copying and anti-copying heads, not trained weights.</p>\n");
        }

        html.Append("<table><tbody>")
            .Append(CultureInfo.InvariantCulture, $"<tr><th>source</th><td>{E(model.Source)}</td></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><th>weights</th><td>{(model.Synthetic ? "synthetic" : "checkpoint")}, {(model.Processing ? "TransformerLens default processing" : "unprocessed")}</td></tr>")
            .Append(CultureInfo.InvariantCulture, $"<tr><th>accelerator</th><td>{E(output.Accelerator.Kind)}: {E(output.Accelerator.Device)}</td></tr>")
            .Append("</tbody></table>\n<div class=\"plots\">\n");
        foreach (var chart in charts)
        {
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"plot\" id=\"{E(chart.Id)}\" data-figure=\"{E(PlotlyCharts.FigureJson(chart))}\"></div>\n");
        }

        html.Append("</div>\n<h2>Heads by full OV copying score</h2>\n");
        Table(html, ["head", "full OV", "OV", "QK", "|OV|_F", "top σ"], HeadRanking.ByFullOvCopyingScore(report).Select(h => new[]
        {
            h.ToString(),
            Numbers.Signed(report.FullOvCopyingScores[h.Layer][h.Head]),
            Numbers.Signed(report.OvCopyingScores[h.Layer][h.Head]),
            Numbers.Signed(report.QkCopyingScores[h.Layer][h.Head]),
            Numbers.General(report.OvNorms[h.Layer][h.Head]),
            report.OvSingularValues[h.Layer][h.Head] is [var top, ..] ? Numbers.General(top) : "-",
        }));
        html.Append("<h2>Tokens the strongest heads copy</h2>\n<p>Tokens t with the largest (W_E·W_V·W_O·W_U)[t, t]: id, text, value.</p>\n");
        Table(html, ["head", "full OV", "tokens (diagonal value)"], report.TopTokens.Select(t => new[]
        {
            new HeadId(t.Layer, t.Head).ToString(),
            Numbers.Signed(t.FullOvCopyingScore),
            string.Join(", ", t.Values.Select((value, i) => $"{TokenSource.Label(t, i)} ({Numbers.General(value)})")),
        }));
        html.Append("<h2>Timings</h2>\n");
        Table(html, ["stage", "ms"], output.TimingsMs.Select(t => new[] { t.Key, t.Value.ToString("0.0", CultureInfo.InvariantCulture) }));
        html.Append(CultureInfo.InvariantCulture, $"<script>{Script}</script>\n</body></html>\n");
        writer.Write(html.ToString());
    }

    private static void Table(StringBuilder html, string[] header, IEnumerable<string[]> rows)
    {
        html.Append("<table><thead><tr>").AppendJoin(string.Empty, header.Select(h => $"<th>{E(h)}</th>")).Append("</tr></thead><tbody>\n");
        foreach (var row in rows)
        {
            html.Append("<tr>").AppendJoin(string.Empty, row.Select(cell => $"<td>{E(cell)}</td>")).Append("</tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    // Text escaped for HTML element content and double-quoted attribute values.
    private static string E(string text) => System.Net.WebUtility.HtmlEncode(text);
}
