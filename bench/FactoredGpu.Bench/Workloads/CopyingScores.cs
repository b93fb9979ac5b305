namespace FactoredGpu.Bench.Workloads;

/// <summary>TransformerLens's copying score per head from its eigenvalues: <c>Re(Σλ) / Σ|λ|</c>.</summary>
internal static class CopyingScores
{
    /// <param name="real">Real parts, <paramref name="m"/> per head, heads back to back.</param>
    /// <param name="imaginary">Imaginary parts, laid out as <paramref name="real"/>.</param>
    /// <param name="m">Eigenvalues per head.</param>
    public static float[] Compute(ReadOnlySpan<float> real, ReadOnlySpan<float> imaginary, int m)
    {
        var scores = new float[real.Length / m];
        for (int h = 0; h < scores.Length; h++)
        {
            double sum = 0, magnitude = 0;
            for (int i = h * m; i < (h + 1) * m; i++)
            {
                sum += real[i];
                magnitude += Math.Sqrt(((double)real[i] * real[i]) + ((double)imaginary[i] * imaginary[i]));
            }

            scores[h] = (float)(sum / magnitude);
        }

        return scores;
    }

    /// <summary>The copying scores of a library eigenvalue result.</summary>
    public static float[] Of(ComplexTensor<float> eigenvalues, int m) =>
        Compute(eigenvalues.Real.ToArray(), eigenvalues.Imaginary.ToArray(), m);
}
