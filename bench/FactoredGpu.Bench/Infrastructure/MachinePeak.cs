using System.Diagnostics;
using System.Runtime.Intrinsics;
using FactoredGpu.Kernels.Host;

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
        double fma512 = Vector512.IsHardwareAccelerated ? BestOnAllCores(_ => FmaChains<Simd512<float>, Vector512<float>>(Iterations), Iterations * Chains * 2 * Vector512<float>.Count) : 0;
        double fma256 = BestOnAllCores(_ => FmaChains<Simd256<float>, Vector256<float>>(Iterations), Iterations * Chains * 2 * Vector256<float>.Count);
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

    /// <summary>Twelve independent FMA chains (enough to cover the FMA latency on two ports) of one vector width.</summary>
    private static float FmaChains<TSimd, TVector>(long iterations)
        where TSimd : ISimd<float, TVector>
        where TVector : struct
    {
        TVector m = TSimd.Broadcast(0.999999f), c = TSimd.Broadcast(1e-6f);
        TVector a0 = TSimd.Broadcast(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = TSimd.MultiplyAdd(a0, m, c); a1 = TSimd.MultiplyAdd(a1, m, c);
            a2 = TSimd.MultiplyAdd(a2, m, c); a3 = TSimd.MultiplyAdd(a3, m, c);
            a4 = TSimd.MultiplyAdd(a4, m, c); a5 = TSimd.MultiplyAdd(a5, m, c);
            a6 = TSimd.MultiplyAdd(a6, m, c); a7 = TSimd.MultiplyAdd(a7, m, c);
            a8 = TSimd.MultiplyAdd(a8, m, c); a9 = TSimd.MultiplyAdd(a9, m, c);
            a10 = TSimd.MultiplyAdd(a10, m, c); a11 = TSimd.MultiplyAdd(a11, m, c);
        }

        // Keep every chain live so none is optimized away.
        return TSimd.Sum(a0) + TSimd.Sum(a1) + TSimd.Sum(a2) + TSimd.Sum(a3) + TSimd.Sum(a4) + TSimd.Sum(a5) +
            TSimd.Sum(a6) + TSimd.Sum(a7) + TSimd.Sum(a8) + TSimd.Sum(a9) + TSimd.Sum(a10) + TSimd.Sum(a11);
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
