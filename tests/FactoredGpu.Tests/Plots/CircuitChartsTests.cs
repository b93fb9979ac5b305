using System.Numerics;
using System.Text.Json;
using FactoredGpu.Circuits;
using FactoredGpu.Plots;
using FactoredGpu.Tests.Cli;
using Xunit;

namespace FactoredGpu.Tests.Plots;

/// <summary>The charts built from a report, and their Plotly figures.</summary>
public sealed class CircuitChartsTests
{
    [Fact]
    public void Composition_grid_puts_each_head_pair_at_row_earlier_head_and_column_later_head()
    {
        var report = SampleReports.Create(layers: 3, heads: 2).Report;
        var table = Assert.IsType<CompositionTable>(report.CompositionScores);
        var chart = CircuitCharts.Composition("k", "K", table.K);

        Assert.Equal(["L0H0", "L0H1", "L1H0", "L1H1", "L2H0", "L2H1"], chart.RowLabels);
        Assert.Equal(chart.RowLabels, chart.ColumnLabels);
        for (int row = 0; row < 6; row++)
        {
            for (int column = 0; column < 6; column++)
            {
                Assert.Equal(table.K[row / 2][row % 2][column / 2][column % 2], chart.Values[row][column]);
            }
        }

        Assert.Equal(ColorScale.Sequential, chart.Scale);
        Assert.Equal((0, report.CompositionScores.K.SelectMany(a => a).SelectMany(a => a).SelectMany(a => a).Max()), (chart.Min, chart.Max));
        Assert.Equal(2, chart.TickEvery);
    }

    [Fact]
    public void Full_vs_ov_labels_the_extreme_heads_merging_those_that_coincide()
    {
        double[][] ov = [[0.99, 0.5, 0.1, -0.2], [0.98, -0.97, 0.0, 0.3]];
        double[][] full = [[1.0, 0.4, 0.05, -0.25], [1.0, -1.0, 0.01, 0.2]];

        var chart = CircuitCharts.FullVsOv("t", ov, full);
        var labels = chart.Series.Single().Points.Where(p => p.Label is not null).Select(p => p.Label).ToArray();

        // Top 3 by full OV: L0H0, L1H0 (together at (≈1, 1)), L0H1; bottom 3: L1H1, L0H3, L1H2.
        Assert.Equal(["L0H0, L1H0", "L0H1", "L0H3", "L1H1", "L1H2"], labels.Order(StringComparer.Ordinal));
        Assert.Equal(8, chart.Series.Single().Points.Count);
        Assert.All(chart.Series.Single().Points, p => Assert.Matches(@"^L\dH\d: OV [+-]\d\.\d{3}, full OV [+-]\d\.\d{3}$", p.Tip));
    }

    [Fact]
    public void Eigenvalues_draw_ov_and_full_ov_with_different_markers_and_opacity_scaled_to_the_unit_disc()
    {
        var chart = CircuitCharts.Eigenvalues(new HeadId(11, 11), "m", [new Complex(2, 0), new Complex(-1, 1)], [new Complex(0, -4)]);

        Assert.Equal("L11H11_eigenvalues", chart.Id);
        var (ov, full) = (chart.Series[0], chart.Series[1]);
        Assert.Equal(("OV", MarkerKind.OpenCircle, 1.0), (ov.Name, ov.Marker, ov.Opacity));
        Assert.Equal(("full OV", MarkerKind.Cross), (full.Name, full.Marker));
        Assert.True(full.Opacity < 1);
        Assert.Equal([(1.0, 0.0), (-0.5, 0.5)], ov.Points.Select(p => (p.X, p.Y)));
        Assert.Equal([(0.0, -1.0)], full.Points.Select(p => (p.X, p.Y)));
        Assert.Equal("L11H11 OV λ = -1+1i", ov.Points[1].Tip);
    }

    [Fact]
    public void For_draws_each_chosen_head_and_refuses_one_outside_the_model()
    {
        var report = SampleReports.Create(layers: 3, heads: 2).Report;

        var charts = CircuitCharts.For(report, [new HeadId(2, 1), new HeadId(0, 0)], "m");
        Assert.Equal(
            ["ov_copying_scores", "full_ov_copying_scores", "qk_copying_scores", "copying_scores_scatter", "L2H1_eigenvalues", "L0H0_eigenvalues", "q_composition_scores", "k_composition_scores", "v_composition_scores"],
            charts.Select(c => c.Id));
        Assert.Throws<ArgumentOutOfRangeException>(() => CircuitCharts.For(report, [new HeadId(3, 0)], "m"));
        Assert.Throws<ArgumentOutOfRangeException>(() => CircuitCharts.For(report, [new HeadId(0, 2)], "m"));
    }

    [Fact]
    public void Plotly_heatmap_figure_has_the_values_nulls_for_NaN_the_range_the_colour_bar_and_hover_text()
    {
        var report = SampleReports.Create(layers: 3, heads: 2).Report;
        var chart = CircuitCharts.For(report, [new HeadId(0, 0)], "m")[1];

        using var figure = JsonDocument.Parse(PlotlyCharts.FigureJson(chart));
        var trace = figure.RootElement.GetProperty("data")[0];
        Assert.Equal("heatmap", trace.GetProperty("type").GetString());
        Assert.Equal(report.FullOvCopyingScores[1][0], trace.GetProperty("z")[1][0].GetDouble());
        Assert.Equal(JsonValueKind.Null, trace.GetProperty("z")[2][1].ValueKind);
        Assert.Equal((-1.0, 1.0), (trace.GetProperty("zmin").GetDouble(), trace.GetProperty("zmax").GetDouble()));
        Assert.Equal("copying score", trace.GetProperty("colorbar").GetProperty("title").GetProperty("text").GetString());
        Assert.StartsWith("L1H0: OV +0.995, full OV +0.990", trace.GetProperty("text")[1][0].GetString(), StringComparison.Ordinal);
        var layout = figure.RootElement.GetProperty("layout");
        Assert.Equal("reversed", layout.GetProperty("yaxis").GetProperty("autorange").GetString());
        Assert.Equal("Full OV copying score per head (m)", layout.GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void Plotly_eigenvalue_figure_has_one_trace_per_circuit_with_its_marker_and_a_legend()
    {
        var chart = CircuitCharts.Eigenvalues(new HeadId(0, 1), "m", [new Complex(1, 0)], [new Complex(0.5, 0.5)]);

        using var figure = JsonDocument.Parse(PlotlyCharts.FigureJson(chart));
        var traces = figure.RootElement.GetProperty("data");
        Assert.Equal(["circle-open", "x"], traces.EnumerateArray().Select(t => t.GetProperty("marker").GetProperty("symbol").GetString()));
        Assert.Equal(["OV", "full OV"], traces.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.True(figure.RootElement.GetProperty("layout").GetProperty("showlegend").GetBoolean());
    }
}
