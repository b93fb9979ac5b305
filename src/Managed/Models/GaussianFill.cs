using System.Numerics;

namespace FactoredGpu.Models;

/// <summary>
/// Fills arrays with normal random numbers from a seed, the same on every run, runtime and thread count: xoshiro256**
/// integers and Marsaglia and Tsang's ziggurat, in fixed-size chunks that each have their own stream.
/// </summary>
/// <remarks>
/// <para>Each chunk of <see cref="ChunkLength"/> elements draws from a xoshiro256** generator (Blackman and Vigna, 2018)
/// whose state is SplitMix64 of <c>(seed, stream, chunk)</c>, so chunks run in parallel in any order with the same
/// result. Normals come from the 128-layer ziggurat (Marsaglia and Tsang, 2000, <c>RNOR</c>) on 32-bit halves of the
/// generator's output: about 99% of draws cost a table look-up, a compare and a multiply; the wedges and the tail use
/// <see cref="Math.Exp"/> and <see cref="Math.Log(double)"/>. Unlike <see cref="Random"/>, whose seeded sequence is not a
/// documented contract, the integer stream is fixed by this code; only a platform whose float64 <c>Exp</c>/<c>Log</c>
/// differed in the last bits could change a rare wedge decision or a tail value.</para>
/// </remarks>
internal static class GaussianFill
{
    /// <summary>The elements per independent stream.</summary>
    public const int ChunkLength = 1 << 16;

    /// <summary>The right edge of the ziggurat's base layer, and the area of each layer (Marsaglia and Tsang's 128-layer constants).</summary>
    private const double Edge = 3.442619855899, LayerArea = 9.91256303526217e-3, Scale31 = 2147483648.0;

    private static readonly (uint[] K, double[] W, double[] F) Tables = BuildTables();

    /// <summary>Fills <paramref name="destination"/> with N(0, <paramref name="std"/>²) values of stream <paramref name="stream"/> of <paramref name="seed"/>.</summary>
    public static void Fill(float[] destination, double std, ulong seed, ulong stream)
    {
        int chunks = (destination.Length + ChunkLength - 1) / ChunkLength;
        Parallel.For(0, chunks, chunk =>
        {
            ulong mix = seed ^ (stream * 0x9E3779B97F4A7C15UL) ^ ((ulong)chunk * 0xD1B54A32D192ED03UL);
            var state = new Xoshiro(SplitMix(ref mix), SplitMix(ref mix), SplitMix(ref mix), SplitMix(ref mix));
            var span = destination.AsSpan(chunk * ChunkLength, Math.Min(ChunkLength, destination.Length - chunk * ChunkLength));
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = (float)(std * Normal(ref state));
            }
        });
    }

    /// <summary>One standard normal: <c>RNOR</c>, with its slow path inline.</summary>
    private static double Normal(ref Xoshiro state)
    {
        var (k, w, f) = Tables;
        while (true)
        {
            int hz = state.Next32();
            int iz = hz & 127;
            double x = hz * w[iz];
            if (Math.Abs((long)hz) < k[iz])
            {
                return x;
            }

            if (iz == 0)
            {
                // The tail beyond Edge (Marsaglia, 1964).
                double tail, y;
                do
                {
                    tail = -Math.Log(state.Uniform()) / Edge;
                    y = -Math.Log(state.Uniform());
                }
                while (y + y < tail * tail);
                return hz > 0 ? Edge + tail : -Edge - tail;
            }

            if (f[iz] + state.Uniform() * (f[iz - 1] - f[iz]) < Math.Exp(-0.5 * x * x))
            {
                return x;
            }
        }
    }

    /// <summary>Marsaglia and Tsang's <c>zigset</c> tables for 128 layers.</summary>
    private static (uint[] K, double[] W, double[] F) BuildTables()
    {
        var k = new uint[128];
        var w = new double[128];
        var f = new double[128];
        double dn = Edge, tn = dn, q = LayerArea / Math.Exp(-0.5 * dn * dn);
        k[0] = (uint)(dn / q * Scale31);
        k[1] = 0;
        w[0] = q / Scale31;
        w[127] = dn / Scale31;
        f[0] = 1;
        f[127] = Math.Exp(-0.5 * dn * dn);
        for (int i = 126; i >= 1; i--)
        {
            dn = Math.Sqrt(-2 * Math.Log(LayerArea / dn + Math.Exp(-0.5 * dn * dn)));
            k[i + 1] = (uint)(dn / tn * Scale31);
            tn = dn;
            f[i] = Math.Exp(-0.5 * dn * dn);
            w[i] = dn / Scale31;
        }

        return (k, w, f);
    }

    /// <summary>SplitMix64 (Steele, Lea and Flood, 2014), the seeding generator xoshiro's authors recommend.</summary>
    private static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>xoshiro256** state; 64-bit outputs are handed out as two 32-bit halves, low half first.</summary>
    private struct Xoshiro(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        private ulong _s0 = s0, _s1 = s1, _s2 = s2, _s3 = s3, _spare;
        private bool _hasSpare;

        public int Next32()
        {
            if (_hasSpare)
            {
                _hasSpare = false;
                return (int)(uint)(_spare >> 32);
            }

            _spare = Next64();
            _hasSpare = true;
            return (int)(uint)_spare;
        }

        /// <summary>A uniform in (0, 1]: never 0, so its logarithm is finite.</summary>
        public double Uniform() => ((Next64() >> 11) + 1) * (1.0 / (1UL << 53));

        private ulong Next64()
        {
            ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = BitOperations.RotateLeft(_s3, 45);
            return result;
        }
    }
}
