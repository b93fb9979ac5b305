using System.Numerics;

namespace FactoredGpu.Models;

/// <summary>
/// Fills arrays with normal random numbers from a seed, the same on every run, runtime and thread count: xoshiro256**
/// uniforms and the Box–Muller transform, in fixed-size chunks that each have their own stream.
/// </summary>
/// <remarks>
/// <para>Each chunk of <see cref="ChunkLength"/> elements draws from a xoshiro256** generator (Blackman and Vigna, 2018)
/// whose state is SplitMix64 of <c>(seed, stream, chunk)</c>, so chunks can run in parallel in any order. Two 53-bit
/// uniforms <c>u₁ ∈ (0, 1]</c>, <c>u₂ ∈ [0, 1)</c> give <c>√(−2 ln u₁)·(cos 2πu₂, sin 2πu₂)</c> in float64, rounded to
/// float32 once. Unlike <see cref="Random"/>, whose seeded sequence is not a documented contract, the integer stream is
/// fixed by this code; the float64 <c>Log</c>, <c>Sin</c> and <c>Cos</c> of the platform would have to differ by half a
/// float32 ulp to change an element.</para>
/// </remarks>
internal static class GaussianFill
{
    /// <summary>The elements per independent stream (even, so Box–Muller pairs never straddle chunks).</summary>
    public const int ChunkLength = 1 << 16;

    /// <summary>2⁻⁵³: a 53-bit integer times this is a double in [0, 1).</summary>
    private const double Unit = 1.0 / (1UL << 53);

    /// <summary>Fills <paramref name="destination"/> with N(0, <paramref name="std"/>²) values of stream <paramref name="stream"/> of <paramref name="seed"/>.</summary>
    public static void Fill(float[] destination, double std, ulong seed, ulong stream)
    {
        int chunks = (destination.Length + ChunkLength - 1) / ChunkLength;
        Parallel.For(0, chunks, chunk =>
        {
            ulong mix = seed ^ (stream * 0x9E3779B97F4A7C15UL) ^ ((ulong)chunk * 0xD1B54A32D192ED03UL);
            ulong s0 = SplitMix(ref mix), s1 = SplitMix(ref mix), s2 = SplitMix(ref mix), s3 = SplitMix(ref mix);
            var span = destination.AsSpan(chunk * ChunkLength, Math.Min(ChunkLength, destination.Length - chunk * ChunkLength));
            for (int i = 0; i < span.Length; i += 2)
            {
                double u1 = ((Next(ref s0, ref s1, ref s2, ref s3) >> 11) + 1) * Unit;
                double u2 = (Next(ref s0, ref s1, ref s2, ref s3) >> 11) * Unit;
                double radius = std * Math.Sqrt(-2 * Math.Log(u1));
                var (sin, cos) = Math.SinCos(2 * Math.PI * u2);
                span[i] = (float)(radius * cos);
                if (i + 1 < span.Length)
                {
                    span[i + 1] = (float)(radius * sin);
                }
            }
        });
    }

    /// <summary>SplitMix64 (Steele, Lea and Flood, 2014), the seeding generator xoshiro's authors recommend.</summary>
    private static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>One xoshiro256** step.</summary>
    private static ulong Next(ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3)
    {
        ulong result = BitOperations.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = BitOperations.RotateLeft(s3, 45);
        return result;
    }
}
