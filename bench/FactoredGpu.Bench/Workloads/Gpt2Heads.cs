using FactoredGpu;
using FactoredGpu.Kernels;

namespace FactoredGpu.Bench.Workloads;

/// <summary>GPT-2-small-shaped OV weights: W_V [12, 12, 768, 64], W_O [12, 12, 64, 768], N(0, 0.02²), fixed seed.</summary>
internal static class Gpt2Heads
{
    public const int Layers = 12, Heads = 12, DModel = 768, DHead = 64;

    public static (StridedTensor<float> WV, StridedTensor<float> WO) Create(IKernels backend, int seed = 2024)
    {
        var random = new Random(seed);
        return (
            StridedTensor<float>.FromArray(backend, Normal(random, Layers * Heads * DModel * DHead, 0.02f), Layers, Heads, DModel, DHead),
            StridedTensor<float>.FromArray(backend, Normal(random, Layers * Heads * DHead * DModel, 0.02f), Layers, Heads, DHead, DModel));
    }

    public static float[] Normal(Random random, int length, float sigma)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = sigma * (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return data;
    }

    /// <summary>Copying score per head: <c>Re(Σλ) / Σ|λ|</c>.</summary>
    public static float[] CopyingScores(float[] real, float[] imaginary, int m)
    {
        var scores = new float[real.Length / m];
        for (int h = 0; h < scores.Length; h++)
        {
            double sum = 0, magnitude = 0;
            for (int i = h * m; i < (h + 1) * m; i++)
            {
                sum += real[i];
                magnitude += Math.Sqrt((double)real[i] * real[i] + (double)imaginary[i] * imaginary[i]);
            }

            scores[h] = (float)(sum / magnitude);
        }

        return scores;
    }
}
