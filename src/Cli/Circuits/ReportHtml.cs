using System.Globalization;
using System.Text;

namespace FactoredGpu.Cli.Circuits;

/// <summary>
/// Writes <c>report.html</c>: one self-contained page that works offline (no external fetch) with the charts as inline
/// SVG, hover tooltips, the ranked head table, the top tokens, timings and where the analysis ran.
/// </summary>
/// <remarks>
/// The inline script records an uncaught error in <c>&lt;html data-error&gt;</c> and, once every chart is laid out
/// and wired for hover, sets <c>&lt;body data-rendered&gt;</c> to the number of charts (a headless browser checks both).
/// </remarks>
internal static class ReportHtml
{
    private const string Style = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
        .synthetic { background: #fff3cd; border: 1px solid #e0b400; padding: 8px 12px; font-weight: bold; }
        .plots { display: flex; flex-wrap: wrap; gap: 16px; }
        svg.plot { width: 640px; max-width: 100%; height: auto; border: 1px solid #ddd; }
        svg text { font: 12px system-ui, sans-serif; fill: #222; text-anchor: middle; }
        svg text.title { font-weight: bold; font-size: 14px; }
        svg text.end { text-anchor: end; }
        svg text.start, svg text.legend { text-anchor: start; }
        svg .frame { fill: none; stroke: #888; }
        svg .zero { stroke: #888; stroke-dasharray: 4 3; }
        svg [data-tip]:hover { stroke: #000; stroke-width: 1.5; }
        table { border-collapse: collapse; margin: 8px 0 16px; }
        th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        #tip { position: absolute; display: none; background: #222; color: #fff; padding: 4px 8px; border-radius: 4px; pointer-events: none; white-space: nowrap; }
        """;

    private const string Script = """
        (function () {
          var tip = document.getElementById('tip');
          var rendered = 0;
          document.querySelectorAll('svg.plot').forEach(function (svg) {
            svg.addEventListener('mousemove', function (event) {
              var text = event.target.getAttribute('data-tip');
              if (!text) { tip.style.display = 'none'; return; }
              tip.textContent = text;
              tip.style.display = 'block';
              tip.style.left = (event.pageX + 12) + 'px';
              tip.style.top = (event.pageY + 12) + 'px';
            });
            svg.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
            var box = svg.getBoundingClientRect();
            if (box.width > 0 && box.height > 0 && svg.querySelector('[data-tip]')) { rendered++; }
          });
          document.body.dataset.rendered = String(rendered);
        })();
        """;

    /// <summary>Writes the page for <paramref name="output"/> to <paramref name="writer"/>.</summary>
    public static void Write(CircuitsOutput output, TextWriter writer)
    {
        var report = output.Report;
        var model = report.Model;
        var charts = Charts.For(report);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<script>window.onerror = function (message) { document.documentElement.setAttribute('data-error', String(message)); };</script>")
            .Append(CultureInfo.InvariantCulture, $"<title>{E($"factored circuits: {ModelLabel.Title(model)}")}</title><style>{Style}</style></head>\n")
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
            html.Append(SvgCharts.Render(chart)).Append('\n');
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
        html.Append(CultureInfo.InvariantCulture, $"<div id=\"tip\"></div>\n<script>{Script}</script>\n</body></html>\n");
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

    private static string E(string text) => SvgCharts.Escape(text);
}
