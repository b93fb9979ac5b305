namespace FactoredGpu.Bench.Infrastructure;

/// <summary>The one median every report of this project quotes.</summary>
internal static class Samples
{
    /// <summary>The median as the reports give it: the middle sample, the upper of the two middle ones for an even count.</summary>
    public static double Median(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
