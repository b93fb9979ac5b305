using FactoredGpu.Circuits;
using FactoredGpu.Plots;

namespace FactoredGpu.Cli.Circuits;

/// <summary>Where the analysis ran: the accelerator kind's command-line name and the device's name.</summary>
/// <param name="Kind">The accelerator kind, as <c>--accelerator</c> spells it (for example <c>cpu</c>, <c>cuda</c>).</param>
/// <param name="Device">The device's own name.</param>
internal sealed record AcceleratorSummary(string Kind, string Device);

/// <summary>Everything <c>factored circuits</c> prints and writes: the analysis, where it ran and how long each stage took.</summary>
/// <param name="Report">The analysis' findings.</param>
/// <param name="Accelerator">Where it ran.</param>
/// <param name="TimingsMs">Milliseconds per stage in the order they ran: the tool's own (load, process, write, total) with the analysis' in between.</param>
/// <param name="PlotHeads">The heads whose eigenvalues are plotted; <see langword="null"/> for the strongest copying and anti-copying heads.</param>
internal sealed record CircuitsOutput(CircuitReport Report, AcceleratorSummary Accelerator, IReadOnlyList<KeyValuePair<string, double>> TimingsMs, IReadOnlyList<HeadId>? PlotHeads = null)
{
    /// <summary>The charts of the PNG files and of the HTML report, in the report's order.</summary>
    public IReadOnlyList<Chart> Charts() =>
        CircuitCharts.For(Report, PlotHeads ?? HeadRanking.DefaultPlotHeads(Report), ModelLabel.Short(Report.Model));
}
