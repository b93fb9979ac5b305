using System.Numerics;

namespace FactoredGpu.Circuits;

/// <summary>TransformerLens's eigenvalue copying score, <c>Σλ.real / Σ|λ|</c> over a circuit's eigenvalues.</summary>
/// <remarks>
/// +1 when every eigenvalue is positive real (the circuit copies), −1 when every one is negative real (it suppresses);
/// summed in float64. A set whose eigenvalues are all zero scores NaN (0/0), as in TransformerLens.
/// </remarks>
public static class CopyingScore
{
    /// <summary>
    /// The copying score of each set of eigenvalues along the last dimension: for <c>model.OV.Eigenvalues()</c> of shape
    /// <c>[L, H, d_head]</c>, the <c>[L, H]</c> scores of TransformerLens's notebook.
    /// </summary>
    /// <param name="eigenvalues">Eigenvalues, the last dimension holding one circuit's.</param>
    /// <returns>A host tensor of the leading shape.</returns>
    /// <exception cref="ArgumentException">The tensor has no dimension.</exception>
    public static StridedTensor<T> CopyingScores<T>(this ComplexTensor<T> eigenvalues)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(eigenvalues);
        if (eigenvalues.Shape.Length == 0)
        {
            throw new ArgumentException("Copying scores need eigenvalues along a last dimension; the tensor is a scalar.", nameof(eigenvalues));
        }

        double[] scores = Of(HostDouble.From(eigenvalues.Real), HostDouble.From(eigenvalues.Imaginary), eigenvalues.Shape[^1]);
        return StridedTensor<T>.FromArray([.. scores.Select(T.CreateChecked)], eigenvalues.Shape[..^1].ToArray());
    }

    /// <summary>The score of each consecutive run of <paramref name="m"/> eigenvalues, given as real and imaginary parts.</summary>
    internal static double[] Of(double[] real, double[] imaginary, int m)
    {
        var scores = new double[m == 0 ? 0 : real.Length / m];
        for (int set = 0; set < scores.Length; set++)
        {
            double sum = 0, magnitude = 0;
            for (int i = set * m; i < (set + 1) * m; i++)
            {
                sum += real[i];
                magnitude += Math.Sqrt(real[i] * real[i] + imaginary[i] * imaginary[i]);
            }

            scores[set] = sum / magnitude;
        }

        return scores;
    }
}
