namespace FactoredGpu.LinearAlgebra;

/// <summary>
/// Scales a working copy by a power of two so that its largest magnitude lies in [1, 2) (the role of LAPACK
/// dlascl in dgesvd, but exact: a power-of-two scale changes no significand bit). Squares of entries then cannot
/// overflow, and only entries below 2⁻⁵¹¹ of the largest one underflow when squared, far below double precision.
/// </summary>
internal static class MatrixScaling
{
    private const int SafeStep = 1000;

    /// <summary>Scales <paramref name="a"/> in place.</summary>
    /// <returns>
    /// The power of two to multiply results by (1 for a zero matrix), or NaN when <paramref name="a"/> holds a NaN
    /// or an infinity.
    /// </returns>
    public static double Normalize(Span<double> a)
    {
        double largest = 0;
        foreach (double x in a)
        {
            double magnitude = Math.Abs(x);
            if (!(magnitude <= double.MaxValue))
            {
                return double.NaN;
            }

            largest = Math.Max(largest, magnitude);
        }

        if (largest == 0)
        {
            return 1;
        }

        // 2^-exponent overflows for subnormal largest magnitudes, so those scale up in two exact steps.
        int exponent = Math.ILogB(largest);
        int remaining = -exponent;
        if (remaining > SafeStep)
        {
            VectorKernels.Scale(Math.ScaleB(1, SafeStep), a);
            remaining -= SafeStep;
        }

        VectorKernels.Scale(Math.ScaleB(1, remaining), a);
        return Math.ScaleB(1, exponent);
    }
}
