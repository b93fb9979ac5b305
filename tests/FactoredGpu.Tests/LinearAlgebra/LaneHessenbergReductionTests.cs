using System.Runtime.Intrinsics;
using FactoredGpu.LinearAlgebra;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.LinearAlgebra;

/// <summary>
/// The lane-batched Householder reduction to Hessenberg form (one rank-2 update per reflector) against a float64
/// scalar reference that applies each reflector from the left and then from the right (LAPACK dgehd2's order), at
/// every lane width. With dgehd2's sign convention the reflectors are determined by A, so H matches entry by entry.
/// </summary>
public class LaneHessenbergReductionTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(13)]
    [InlineData(64)]
    [InlineData(67)]
    public void MatchesTheScalarReferenceAtEveryLaneWidth(int n)
    {
        Check<Vector512<double>, Vector512Lanes>(n);
        Check<Vector256<double>, Vector256Lanes>(n);
        Check<Vector128<double>, Vector128Lanes>(n);
        Check<double, ScalarLane>(n);
    }

    [Fact]
    public void ZeroColumnsBelowTheSubdiagonalGetTheIdentityReflector()
    {
        // Already Hessenberg except one column: the other reflectors are the identity (τ = 0) and change nothing.
        const int N = 9;
        double[] a = Dense.Random(new Random(5), N * N);
        for (int i = 0; i < N; i++)
        {
            for (int j = 0; j < i - 1; j++)
            {
                a[i * N + j] = j == 3 ? a[i * N + j] : 0.0;
            }
        }

        double[] expected = Reference(a, N);
        double[] actual = Reduce<Vector256<double>, Vector256Lanes>([a], N)[0];
        AssertClose(expected, actual, N, "one non-Hessenberg column");
    }

    private static void Check<TVec, TOps>(int n)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        // One fewer matrix than the lanes where there are several, so one lane runs on the zero padding matrix.
        var random = new Random(100 + n);
        int count = Math.Max(1, TOps.Count - 1);
        double[][] matrices = [.. Enumerable.Range(0, count).Select(_ => Dense.Random(random, n * n))];
        double[][] reduced = Reduce<TVec, TOps>(matrices, n);
        for (int lane = 0; lane < count; lane++)
        {
            AssertClose(Reference(matrices[lane], n), reduced[lane], n, $"{TOps.Count} lanes, lane {lane}, n = {n}");
        }
    }

    /// <summary>Runs the lane reduction with the scratch and the padding poisoned by NaN: a read of either shows.</summary>
    private static double[][] Reduce<TVec, TOps>(double[][] matrices, int n)
        where TVec : struct
        where TOps : ILaneArithmetic<TVec>
    {
        int lanes = TOps.Count, stride = n + 3;
        double[] h = new double[stride * stride * lanes];
        Array.Fill(h, double.NaN);
        for (int lane = 0; lane < lanes; lane++)
        {
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    h[(((i * stride) + j) * lanes) + lane] = lane < matrices.Length ? matrices[lane][(i * n) + j] : 0.0;
                }
            }
        }

        double[] reflector = new double[n * lanes], rows = new double[n * lanes], columns = new double[n * lanes];
        Array.Fill(reflector, double.NaN);
        Array.Fill(rows, double.NaN);
        Array.Fill(columns, double.NaN);
        LaneHessenbergReduction.Reduce<TVec, TOps>(h, n, stride, reflector, rows, columns);
        return [.. matrices.Select((_, lane) => Enumerable.Range(0, n * n).Select(e => h[((((e / n) * stride) + (e % n)) * lanes) + lane]).ToArray())];
    }

    /// <summary>dgehd2 in plain float64 loops: β = −sign(α)·‖x‖, v = (1, x₂…/(α − β)), τ = (β − α)/β; H·A, then A·H.</summary>
    private static double[] Reference(double[] matrix, int n)
    {
        double[] a = (double[])matrix.Clone();
        for (int k = 0; k < n - 2; k++)
        {
            double alpha = a[((k + 1) * n) + k], tail = 0;
            for (int i = k + 2; i < n; i++)
            {
                tail += a[(i * n) + k] * a[(i * n) + k];
            }

            if (tail == 0)
            {
                continue;
            }

            double norm = Math.Sqrt((alpha * alpha) + tail), beta = alpha < 0 ? norm : -norm, tau = (beta - alpha) / beta;
            double[] v = new double[n];
            v[k + 1] = 1;
            for (int i = k + 2; i < n; i++)
            {
                v[i] = a[(i * n) + k] / (alpha - beta);
                a[(i * n) + k] = 0;
            }

            a[((k + 1) * n) + k] = beta;
            for (int j = k + 1; j < n; j++)
            {
                double dot = 0;
                for (int i = k + 1; i < n; i++)
                {
                    dot += v[i] * a[(i * n) + j];
                }

                for (int i = k + 1; i < n; i++)
                {
                    a[(i * n) + j] -= tau * dot * v[i];
                }
            }

            for (int i = 0; i < n; i++)
            {
                double dot = 0;
                for (int j = k + 1; j < n; j++)
                {
                    dot += a[(i * n) + j] * v[j];
                }

                for (int j = k + 1; j < n; j++)
                {
                    a[(i * n) + j] -= tau * dot * v[j];
                }
            }
        }

        return a;
    }

    private static void AssertClose(double[] expected, double[] actual, int n, string what)
    {
        // Both are backward stable orthogonal similarities with the same reflectors: agreement to a modest multiple of
        // n·ε·‖A‖_F, and exact zeros below the subdiagonal in both.
        double scale = Math.Sqrt(expected.Sum(x => x * x)) + 1.0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double e = expected[(i * n) + j], x = actual[(i * n) + j];
                if (j < i - 1)
                {
                    Assert.True(x == 0.0, $"{what}: H({i}, {j}) = {x}, not 0 below the subdiagonal");
                }
                else
                {
                    Assert.True(Math.Abs(e - x) <= 1e-13 * n * scale, $"{what}: H({i}, {j}) = {x}, reference {e}");
                }
            }
        }
    }
}
