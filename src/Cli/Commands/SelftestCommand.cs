using System.CommandLine;
using System.Globalization;
using System.Numerics;
using FactoredGpu.Cli.Selftest;
using FactoredGpu.Kernels;

namespace FactoredGpu.Cli.Commands;

/// <summary>
/// <c>factored selftest</c>: every <see cref="IKernels"/> operation, in float and double, at awkward sizes, on the chosen
/// accelerator, against float64 loops on the host. Exit 0 when all pass, 1 when any fails, 2 for bad input.
/// </summary>
internal static class SelftestCommand
{
    /// <summary>Exit code when a check fails.</summary>
    public const int Failed = 1;

    // ILGPU's CPU accelerator runs GPU kernels one simulated thread at a time: the largest size only elsewhere.
    private static readonly int[] Sizes = [1, 17, 65];
    private const int LargeSize = 256;

    // Errors are relative to the float64 sums of the inputs' magnitudes (see SelftestCase.Expected): a correct kernel's
    // rounding error is a small multiple of the unit roundoff (6e-8 float, 1.1e-16 double) times the summation depth.
    private const double FloatTolerance = 1e-4, DoubleTolerance = 1e-12;

    public static Command Create()
    {
        var accelerator = AcceleratorOption.Create();
        var command = new Command("selftest", "Check every kernel in float and double at awkward sizes against float64 host loops; exit 0 if all pass, 1 if any fails.")
        {
            accelerator,
        };
        command.SetAction(result => Run(result.GetValue(accelerator), Console.Out));
        return command;
    }

    public static int Run(string? accelerator, TextWriter output)
    {
        var kind = Accelerators.Resolve(accelerator);
        using var kernels = Accelerators.Create(kind);
        int[] sizes = kernels.Kind == AcceleratorKind.IlgpuCpu ? Sizes : [.. Sizes, LargeSize];
        output.WriteLine($"selftest on {Accelerators.Name(kernels.Kind)}: {kernels.DeviceName}");
        var rows = new List<string[]>();
        foreach (var test in SelftestCase.All)
        {
            rows.Add(Check<float>(kernels, test, sizes, FloatTolerance));
            rows.Add(Check<double>(kernels, test, sizes, DoubleTolerance));
        }

        TextTable.Write(output, ["operation", "type", "sizes n", "max rel error", "tolerance", $"time n={sizes[^1]}", "result"], rows);
        int passed = rows.Count(row => row[^1] == "pass");
        output.WriteLine($"{passed} of {rows.Count} passed");
        return passed == rows.Count ? 0 : Failed;
    }

    private static string[] Check<T>(IKernels kernels, SelftestCase test, int[] sizes, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double worst = 0;
        var time = TimeSpan.Zero;
        string result;
        try
        {
            foreach (int n in sizes)
            {
                var (a, b, c) = test.Operands(n);
                double[] expected = test.Expected(a, b, c, magnitudes: false), magnitudes = test.Expected(a, b, c, magnitudes: true);
                var (actual, _) = test.Run<T>(kernels, a, b, c);
                worst = Math.Max(worst, RelativeError(actual, expected, magnitudes));
                if (n == sizes[^1])
                {
                    // The first call at a size pays for JIT or kernel compilation; time the second.
                    (actual, time) = test.Run<T>(kernels, a, b, c);
                    worst = Math.Max(worst, RelativeError(actual, expected, magnitudes));
                }
            }

            result = worst <= tolerance ? "pass" : "FAIL";
        }
#pragma warning disable CA1031 // A kernel that throws is a failed check, reported in its row; the others still run.
        catch (Exception e)
#pragma warning restore CA1031
        {
            result = $"FAIL: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
        }

        return
        [
            test.Name,
            typeof(T) == typeof(float) ? "float" : "double",
            string.Join(",", sizes),
            result.StartsWith("FAIL:", StringComparison.Ordinal) ? "-" : worst.ToString("0.0E+00", CultureInfo.InvariantCulture),
            tolerance.ToString("0E+00", CultureInfo.InvariantCulture),
            result.StartsWith("FAIL:", StringComparison.Ordinal) ? "-" : string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:0.000} ms"),
            result,
        ];
    }

    /// <summary>max |actual − expected| / magnitude over the elements; NaN (never ≤ a tolerance) when an output is NaN or missing.</summary>
    private static double RelativeError(double[] actual, double[] expected, double[] magnitudes)
    {
        if (actual.Length != expected.Length)
        {
            return double.NaN;
        }

        double worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            // Math.Max propagates NaN.
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]) / (magnitudes[i] > 0 ? magnitudes[i] : 1));
        }

        return worst;
    }
}
