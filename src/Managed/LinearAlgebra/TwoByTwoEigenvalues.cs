namespace FactoredGpu.LinearAlgebra;

/// <summary>Eigenvalues of a real 2×2 block by its standardized Schur form (LAPACK dlanv2, values only).</summary>
internal static class TwoByTwoEigenvalues
{
    /// <summary>Decides between real and complex eigenvalues only above this multiple of the precision (dlanv2's MULTPL).</summary>
    private const double Multiple = 4.0;

    /// <summary>dlanv2's SAFMN2 = 2^⌊log₂(SafeMinimum / Precision) / 2⌋, the scale that keeps TEMP and SIGMA in range.</summary>
    private static readonly double s_safeMinimum2 = Math.ScaleB(1.0, -485);

    private static readonly double s_safeMaximum2 = 1.0 / s_safeMinimum2;

    /// <summary>
    /// Eigenvalues of <c>[[a, b], [c, d]]</c>. A complex pair is returned with <c>(first.Real, first.Imaginary)</c>
    /// having positive imaginary part and equal real parts; real eigenvalues have zero imaginary parts.
    /// </summary>
    /// <remarks>
    /// dlanv2 rotates the block to <c>[[aa, bb], [cc, dd]]</c> with either <c>cc = 0</c> (real eigenvalues
    /// <c>aa</c>, <c>dd</c>) or <c>aa = dd</c> and <c>bb·cc &lt; 0</c> (eigenvalues <c>aa ± i·√|bb|·√|cc|</c>),
    /// which avoids the cancellation of the textbook quadratic formula.
    /// </remarks>
    public static void Compute(double a, double b, double c, double d, out double real1, out double imaginary1, out double real2, out double imaginary2)
    {
        // Already standard when c = 0, or when a = d and b·c < 0.
        if (c != 0.0 && b == 0.0)
        {
            // Swap rows and columns.
            (a, d) = (d, a);
            b = -c;
            c = 0.0;
        }
        else if (c != 0.0 && (a - d != 0.0 || Math.Sign(b) == Math.Sign(c)))
        {
            double temp = a - d;
            double p = 0.5 * temp;
            double bcMax = Math.Max(Math.Abs(b), Math.Abs(c));
            double bcMis = Math.Min(Math.Abs(b), Math.Abs(c)) * Math.CopySign(1.0, b) * Math.CopySign(1.0, c);
            double scale = Math.Max(Math.Abs(p), bcMax);
            double z = (p / scale * p) + (bcMax / scale * bcMis);

            if (z >= Multiple * MachineParameters.Precision)
            {
                // Real eigenvalues.
                z = p + Math.CopySign(Math.Sqrt(scale) * Math.Sqrt(z), p);
                a = d + z;
                d -= bcMax / z * bcMis;
                b -= c;
                c = 0.0;
            }
            else
            {
                // Complex or nearly equal real eigenvalues: make the diagonal elements equal.
                double sigma = b + c;
                for (int count = 0; count < 20; count++)
                {
                    double magnitude = Math.Max(Math.Abs(temp), Math.Abs(sigma));
                    if (magnitude >= s_safeMaximum2)
                    {
                        sigma *= s_safeMinimum2;
                        temp *= s_safeMinimum2;
                    }
                    else if (magnitude <= s_safeMinimum2)
                    {
                        sigma *= s_safeMaximum2;
                        temp *= s_safeMaximum2;
                    }
                    else
                    {
                        break;
                    }
                }

                p = 0.5 * temp;
                double tau = double.Hypot(sigma, temp);
                double cs = Math.Sqrt(0.5 * (1.0 + (Math.Abs(sigma) / tau)));
                double sn = -(p / (tau * cs)) * Math.CopySign(1.0, sigma);

                // [aa bb; cc dd] = [a b; c d]·[cs −sn; sn cs], then [a b; c d] = [cs sn; −sn cs]·[aa bb; cc dd].
                double aa = (a * cs) + (b * sn);
                double bb = (-a * sn) + (b * cs);
                double cc = (c * cs) + (d * sn);
                double dd = (-c * sn) + (d * cs);
                a = (aa * cs) + (cc * sn);
                b = (bb * cs) + (dd * sn);
                c = (-aa * sn) + (cc * cs);
                d = (-bb * sn) + (dd * cs);
                temp = 0.5 * (a + d);
                a = temp;
                d = temp;

                if (c != 0.0)
                {
                    if (b == 0.0)
                    {
                        b = -c;
                        c = 0.0;
                    }
                    else if (Math.Sign(b) == Math.Sign(c))
                    {
                        // Real eigenvalues: reduce to upper triangular form.
                        double p2 = Math.CopySign(Math.Sqrt(Math.Abs(b)) * Math.Sqrt(Math.Abs(c)), c);
                        a = temp + p2;
                        d = temp - p2;
                        b -= c;
                        c = 0.0;
                    }
                }
            }
        }

        real1 = a;
        real2 = d;
        imaginary1 = c == 0.0 ? 0.0 : Math.Sqrt(Math.Abs(b)) * Math.Sqrt(Math.Abs(c));
        imaginary2 = -imaginary1;
    }
}
