using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace FactoredGpu.Bench.Infrastructure;

/// <summary>
/// This machine's measured fp32 FMA throughput (Vector512 and Vector256, all cores) and read bandwidth (sum of a
/// 1 GiB array, all cores): the peaks every row's GFLOP/s and GB/s are compared with.
/// </summary>
/// <param name="Fma512">GFLOP/s of independent Vector512 FMA chains on every core; 0 where Vector512 is not accelerated.</param>
/// <param name="Fma256">GFLOP/s of independent Vector256 FMA chains on every core.</param>
/// <param name="ReadBandwidth">GB/s (10⁹ bytes) of summing a 1 GiB float array on every core.</param>
internal sealed record MachinePeak(double Fma512, double Fma256, double ReadBandwidth)
{
    // 12 independent accumulators per thread: FMA latency 4 cycles × 2 ports needs at least 8 in flight.
    private const int Chains = 12;
    private const long Iterations = 20_000_000;
    private const int Repeats = 5;
    private const long ArrayBytes = 1L << 30;

    private static readonly Lazy<MachinePeak> Measured = new(Measure);

    /// <summary>The peaks, measured once per process on first use (about a second).</summary>
    public static MachinePeak Current => Measured.Value;

    /// <summary>The fp32 FMA peak: the wider of the two vector widths.</summary>
    public double Fma => Math.Max(Fma512, Fma256);

    private static MachinePeak Measure()
    {
        double fma512 = Vector512.IsHardwareAccelerated ? BestOnAllCores(_ => Fma512Chains(Iterations), Iterations * Chains * 2 * Vector512<float>.Count) : 0;
        double fma256 = BestOnAllCores(_ => Fma256Chains(Iterations), Iterations * Chains * 2 * Vector256<float>.Count);
        var data = new float[ArrayBytes / sizeof(float)];
        Parallel.For(0, Environment.ProcessorCount, t => Slice(data, t).Fill(1f));
        double bandwidth = BestOnAllCores(t => Sum(Slice(data, t)), ArrayBytes / Environment.ProcessorCount);
        return new MachinePeak(fma512, fma256, bandwidth);
    }

    /// <summary>Runs <paramref name="work"/> on every core at once, best of <see cref="Repeats"/> (other processes only ever slow it down); returns 10⁹ units per second.</summary>
    private static double BestOnAllCores(Func<int, float> work, double unitsPerThread)
    {
        int threads = Environment.ProcessorCount;
        double best = double.MaxValue;
        float sink = 0;
        for (int r = 0; r < Repeats; r++)
        {
            var results = new float[threads];
            var watch = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => results[t] = work(t));
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
            sink += results.Sum();
        }

        GC.KeepAlive(sink);
        return unitsPerThread * threads / best / 1e9;
    }

    private static Span<float> Slice(float[] data, int thread)
    {
        int length = data.Length / Environment.ProcessorCount;
        return data.AsSpan(thread * length, length);
    }

    private static float Fma512Chains(long iterations)
    {
        Vector512<float> m = Vector512.Create(0.999999f), c = Vector512.Create(1e-6f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c); a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c); a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c); a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c); a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c); a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c); a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    private static float Fma256Chains(long iterations)
    {
        Vector256<float> m = Vector256.Create(0.999999f), c = Vector256.Create(1e-6f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c); a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c); a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c); a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c); a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c); a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c); a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    /// <summary>Sums with four independent vector accumulators, so the adds never wait on each other.</summary>
    private static float Sum(ReadOnlySpan<float> data)
    {
        int width = Vector256<float>.Count, i = 0;
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        for (; i <= data.Length - (4 * width); i += 4 * width)
        {
            s0 += Vector256.Create(data.Slice(i, width));
            s1 += Vector256.Create(data.Slice(i + width, width));
            s2 += Vector256.Create(data.Slice(i + (2 * width), width));
            s3 += Vector256.Create(data.Slice(i + (3 * width), width));
        }

        float sum = Vector256.Sum(s0 + s1 + s2 + s3);
        for (; i < data.Length; i++)
        {
            sum += data[i];
        }

        return sum;
    }
}
