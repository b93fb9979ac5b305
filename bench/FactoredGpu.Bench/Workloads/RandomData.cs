namespace FactoredGpu.Bench.Workloads;

/// <summary>Reproducible random inputs, generated on all cores (GPT-2-XL's OV weights are 400 M numbers).</summary>
internal static class RandomData
{
    private const int Chunk = 1 << 20;

    /// <summary>N(0, σ²) by Box–Muller, each chunk of 2²⁰ from its own seeded generator: the same data on every run.</summary>
    public static float[] Normal(int seed, long length, double sigma) => Fill(seed, length, (random, span) =>
    {
        for (int i = 0; i < span.Length; i += 2)
        {
            double radius = sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())), angle = 2 * Math.PI * random.NextDouble();
            span[i] = (float)(radius * Math.Cos(angle));
            if (i + 1 < span.Length)
            {
                span[i + 1] = (float)(radius * Math.Sin(angle));
            }
        }
    });

    /// <summary>Uniform on [-1, 1): for kernel operands, whose timing does not depend on the values.</summary>
    public static float[] Uniform(int seed, long length) => Fill(seed, length, (random, span) =>
    {
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = (random.NextSingle() * 2) - 1;
        }
    });

    private static float[] Fill(int seed, long length, SpanFiller fill)
    {
        var data = new float[length];
        long chunks = (length + Chunk - 1) / Chunk;
        Parallel.For(0L, chunks, c =>
        {
            long start = c * Chunk;
            fill(new Random(unchecked((seed * 1_000_003) + (int)c)), data.AsSpan((int)start, (int)Math.Min(Chunk, length - start)));
        });
        return data;
    }

    private delegate void SpanFiller(Random random, Span<float> span);
}
