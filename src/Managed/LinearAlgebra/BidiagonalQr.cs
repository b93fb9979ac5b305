namespace FactoredGpu.LinearAlgebra;

/// <summary>
/// Singular values (and optionally vectors) of an upper bidiagonal matrix by implicit QR: LAPACK dbdsqr
/// (Demmel &amp; Kahan, "Accurate singular values of bidiagonal matrices", 1990), with its relative-accuracy
/// convergence tests, zero-shift QR sweeps when the shift would spoil small singular values, and
/// Golub–Kahan shifted sweeps otherwise (Golub &amp; Van Loan Algorithm 8.6.1). Bulges are always chased from
/// the top to the bottom of the active block.
/// </summary>
internal static class BidiagonalQr
{
    /// <summary>LAPACK dlamch('E'): the relative machine precision 2⁻⁵³.</summary>
    private const double Epsilon = 1.1102230246251565e-16;

    /// <summary>LAPACK dbdsqr's TOL = max(10, min(100, ε^(−1/8)))·ε.</summary>
    private static readonly double Tolerance = Math.Max(10, Math.Min(100, Math.Pow(Epsilon, -0.125))) * Epsilon;

    /// <summary>Inner rotation steps allowed per n² (LAPACK uses 6; the top-down-only chase may need more).</summary>
    private const int MaxIterationsPerSquaredSize = 30;

    /// <summary>LAPACK dlamch('S'): the smallest normal double.</summary>
    private const double SafeMinimum = 2.2250738585072014e-308;
    private static readonly double RootMinimum = Math.Sqrt(SafeMinimum);
    private static readonly double RootMaximum = Math.Sqrt(double.MaxValue / 2);

    /// <summary>
    /// Diagonalizes B = bidiag(d, e) in place. On exit d holds the singular values in descending order; each plane
    /// rotation applied on the right of B is applied to rows of <paramref name="vt"/>, each on the left to rows of
    /// <paramref name="ut"/>, so they end as Vᵀ·(initial vt) and Uᵀ·(initial ut).
    /// </summary>
    /// <param name="d">Diagonal (n).</param>
    /// <param name="e">Superdiagonal (n − 1), destroyed.</param>
    /// <param name="vt">n rows of right vectors, or empty.</param>
    /// <param name="ut">n rows of left vectors, or empty.</param>
    /// <returns>False when the iteration cap was reached.</returns>
    public static bool Diagonalize(Span<double> d, Span<double> e, Span<double> vt, Span<double> ut)
    {
        int n = d.Length;
        int vtCols = n == 0 ? 0 : vt.Length / n, utCols = n == 0 ? 0 : ut.Length / n;
        if (n > 1 && !Iterate(d, e, vt, vtCols, ut, utCols))
        {
            return false;
        }

        for (int i = 0; i < n; i++)
        {
            if (d[i] < 0)
            {
                d[i] = -d[i];
                VectorKernels.Scale(-1, vt.Slice(i * vtCols, vtCols));
            }
        }

        // Selection sort, as dbdsqr does: at most n − 1 swaps of vector rows.
        for (int i = 0; i < n - 1; i++)
        {
            int largest = i;
            for (int j = i + 1; j < n; j++)
            {
                if (d[j] > d[largest])
                {
                    largest = j;
                }
            }

            if (largest != i)
            {
                (d[i], d[largest]) = (d[largest], d[i]);
                SwapRows(vt, vtCols, i, largest);
                SwapRows(ut, utCols, i, largest);
            }
        }

        return true;
    }

    private static bool Iterate(Span<double> d, Span<double> e, Span<double> vt, int vtCols, Span<double> ut, int utCols)
    {
        int n = d.Length;

        // Threshold for negligible superdiagonal entries, relative to a lower bound on the smallest singular value.
        double smallest = Math.Abs(d[0]);
        if (smallest != 0)
        {
            double mu = smallest;
            for (int i = 1; i < n && smallest != 0; i++)
            {
                mu = Math.Abs(d[i]) * (mu / (mu + Math.Abs(e[i - 1])));
                smallest = Math.Min(smallest, mu);
            }
        }

        double threshold = Math.Max(Tolerance * (smallest / Math.Sqrt(n)), MaxIterationsPerSquaredSize * (n * (n * SafeMinimum)));
        long iterations = 0, maxIterations = (long)MaxIterationsPerSquaredSize * n * n;
        int last = n - 1;
        while (last > 0)
        {
            if (iterations > maxIterations)
            {
                return false;
            }

            // Find the unreduced block [first, last].
            double largest = Math.Abs(d[last]);
            int first = 0;
            for (int i = last - 1; i >= 0; i--)
            {
                if (Math.Abs(e[i]) <= threshold)
                {
                    e[i] = 0;
                    first = i + 1;
                    break;
                }

                largest = Math.Max(largest, Math.Max(Math.Abs(d[i]), Math.Abs(e[i])));
            }

            if (first == last)
            {
                last--;
                continue;
            }

            // Relative-accuracy convergence tests (dbdsqr, chasing downwards).
            if (Math.Abs(e[last - 1]) <= Tolerance * Math.Abs(d[last]))
            {
                e[last - 1] = 0;
                continue;
            }

            double mu = Math.Abs(d[first]), smallestInBlock = mu;
            bool split = false;
            for (int i = first; i < last; i++)
            {
                if (Math.Abs(e[i]) <= Tolerance * mu)
                {
                    e[i] = 0;
                    split = true;
                    break;
                }

                mu = Math.Abs(d[i + 1]) * (mu / (mu + Math.Abs(e[i])));
                smallestInBlock = Math.Min(smallestInBlock, mu);
            }

            if (split)
            {
                continue;
            }

            // A shift that is negligible against the smallest singular value would only lose its accuracy.
            double shift = 0;
            if (n * Tolerance * (smallestInBlock / largest) > Math.Max(Epsilon, 0.01 * Tolerance))
            {
                shift = SmallerSingularValue(d[last - 1], e[last - 1], d[last]);
                double top = Math.Abs(d[first]);
                if (top > 0 && (shift / top) * (shift / top) < Epsilon)
                {
                    shift = 0;
                }
            }

            iterations += last - first;
            if (shift == 0)
            {
                ZeroShiftSweep(d, e, first, last, vt, vtCols, ut, utCols);
            }
            else
            {
                ShiftedSweep(d, e, first, last, shift, vt, vtCols, ut, utCols);
            }

            if (Math.Abs(e[last - 1]) <= threshold)
            {
                e[last - 1] = 0;
            }
        }

        return true;
    }

    /// <summary>Demmel–Kahan zero-shift QR sweep: high relative accuracy, converges to tiny singular values fast.</summary>
    private static void ZeroShiftSweep(Span<double> d, Span<double> e, int first, int last, Span<double> vt, int vtCols, Span<double> ut, int utCols)
    {
        double cs = 1, oldCs = 1, oldSn = 0;
        for (int i = first; i < last; i++)
        {
            double r = Rotation(d[i] * cs, e[i], out cs, out double sn);
            if (i > first)
            {
                e[i - 1] = oldSn * r;
            }

            d[i] = Rotation(oldCs * r, d[i + 1] * sn, out oldCs, out oldSn);
            RotateRows(vt, vtCols, i, cs, sn);
            RotateRows(ut, utCols, i, oldCs, oldSn);
        }

        double h = d[last] * cs;
        d[last] = h * oldCs;
        e[last - 1] = h * oldSn;
    }

    /// <summary>Golub–Kahan implicit-shift QR sweep (Golub &amp; Van Loan Algorithm 8.6.1, as in dbdsqr).</summary>
    private static void ShiftedSweep(Span<double> d, Span<double> e, int first, int last, double shift, Span<double> vt, int vtCols, Span<double> ut, int utCols)
    {
        double f = (Math.Abs(d[first]) - shift) * (Math.CopySign(1, d[first]) + shift / d[first]);
        double g = e[first];
        for (int i = first; i < last; i++)
        {
            double r = Rotation(f, g, out double cosR, out double sinR);
            if (i > first)
            {
                e[i - 1] = r;
            }

            f = cosR * d[i] + sinR * e[i];
            e[i] = cosR * e[i] - sinR * d[i];
            g = sinR * d[i + 1];
            d[i + 1] = cosR * d[i + 1];
            d[i] = Rotation(f, g, out double cosL, out double sinL);
            f = cosL * e[i] + sinL * d[i + 1];
            d[i + 1] = cosL * d[i + 1] - sinL * e[i];
            if (i < last - 1)
            {
                g = sinL * e[i + 1];
                e[i + 1] = cosL * e[i + 1];
            }

            RotateRows(vt, vtCols, i, cosR, sinR);
            RotateRows(ut, utCols, i, cosL, sinL);
        }

        e[last - 1] = f;
    }

    /// <summary>LAPACK dlartg (3.10): c, s, r with [c s; −s c]·[f; g] = [r; 0].</summary>
    private static double Rotation(double f, double g, out double c, out double s)
    {
        if (g == 0)
        {
            c = 1;
            s = 0;
            return f;
        }

        if (f == 0)
        {
            c = 0;
            s = Math.CopySign(1, g);
            return Math.Abs(g);
        }

        double absF = Math.Abs(f), absG = Math.Abs(g);
        double norm = absF > RootMinimum && absF < RootMaximum && absG > RootMinimum && absG < RootMaximum
            ? Math.Sqrt(f * f + g * g)
            : double.Hypot(f, g);
        c = absF / norm;
        double r = Math.CopySign(norm, f);
        s = g / r;
        return r;
    }

    /// <summary>LAPACK dlas2: the smaller singular value of [f g; 0 h], without overflow.</summary>
    private static double SmallerSingularValue(double f, double g, double h)
    {
        double fa = Math.Abs(f), ga = Math.Abs(g), ha = Math.Abs(h);
        double fhMin = Math.Min(fa, ha), fhMax = Math.Max(fa, ha);
        if (fhMin == 0)
        {
            return 0;
        }

        if (ga < fhMax)
        {
            double sum = 1 + fhMin / fhMax, difference = (fhMax - fhMin) / fhMax, ratio = ga / fhMax;
            double c = 2 / (Math.Sqrt(sum * sum + ratio * ratio) + Math.Sqrt(difference * difference + ratio * ratio));
            return fhMin * c;
        }

        double au = fhMax / ga;
        if (au == 0)
        {
            return fhMin * fhMax / ga;
        }

        double s = 1 + fhMin / fhMax, t = (fhMax - fhMin) / fhMax;
        double scale = 1 / (Math.Sqrt(1 + (s * au) * (s * au)) + Math.Sqrt(1 + (t * au) * (t * au)));
        return 2 * (fhMin * scale * au);
    }

    private static void RotateRows(Span<double> rows, int cols, int i, double c, double s)
    {
        if (cols > 0)
        {
            VectorKernels.Rotate(rows.Slice(i * cols, cols), rows.Slice((i + 1) * cols, cols), c, s);
        }
    }

    private static void SwapRows(Span<double> rows, int cols, int i, int j)
    {
        if (cols > 0)
        {
            Span<double> a = rows.Slice(i * cols, cols), b = rows.Slice(j * cols, cols);
            for (int k = 0; k < cols; k++)
            {
                (a[k], b[k]) = (b[k], a[k]);
            }
        }
    }
}
