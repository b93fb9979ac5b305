using Xunit;

namespace FactoredGpu.Tests.Support;

/// <summary>Element-wise comparison with an absolute-plus-relative tolerance, reporting the worst element.</summary>
internal static class Close
{
    /// <summary>Asserts <c>|actual − expected| ≤ atol + rtol·|expected|</c> for every element, and equal lengths.</summary>
    public static void All(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double rtol, double atol, string what = "")
    {
        Assert.True(expected.Count == actual.Count, $"{what}: {actual.Count} values, expected {expected.Count}");
        for (int i = 0; i < expected.Count; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e) && double.IsNaN(a))
            {
                continue;
            }

            double error = Math.Abs(a - e);
            Assert.True(error <= atol + rtol * Math.Abs(e), $"{what}[{i}]: {a:R} vs expected {e:R} (error {error:E2}, rtol {rtol:E0}, atol {atol:E0})");
        }
    }

    public static void All(IReadOnlyList<double> expected, IReadOnlyList<float> actual, double rtol, double atol, string what = "") =>
        All(expected, actual.Select(x => (double)x).ToArray(), rtol, atol, what);

    /// <summary>The parity tolerance for float64 values (reference README): rtol 1e-12, atol 1e-12·max(1, max |x|).</summary>
    public static void Parity(IReadOnlyList<double> expected, IReadOnlyList<double> actual, string what = "")
    {
        double scale = Math.Max(1, expected.Count == 0 ? 0 : expected.Max(Math.Abs));
        All(expected, actual, 1e-12, 1e-12 * scale, what);
    }

    /// <summary>Compares complex multisets by greedy nearest matching; order is not a contract.</summary>
    public static void Multiset(double[] expectedRe, double[] expectedIm, double[] actualRe, double[] actualIm, double tolerance, string what = "")
    {
        Assert.Equal(expectedRe.Length, actualRe.Length);
        var used = new bool[actualRe.Length];
        for (int i = 0; i < expectedRe.Length; i++)
        {
            int best = -1;
            double bestDistance = double.PositiveInfinity;
            for (int j = 0; j < actualRe.Length; j++)
            {
                double d = Math.Sqrt(Math.Pow(actualRe[j] - expectedRe[i], 2) + Math.Pow(actualIm[j] - expectedIm[i], 2));
                if (!used[j] && d < bestDistance)
                {
                    (best, bestDistance) = (j, d);
                }
            }

            Assert.True(bestDistance <= tolerance, $"{what}: eigenvalue {expectedRe[i]}{expectedIm[i]:+0.###;-0.###}i has no match within {tolerance:E1} (nearest {bestDistance:E2})");
            used[best] = true;
        }
    }
}
