namespace FactoredGpu.Tests.LinearAlgebra;

/// <summary>Row-major reference arithmetic and seeded random inputs for the batched linear algebra tests.</summary>
internal static class DenseTestMatrices
{
    /// <summary>count rows×cols matrices with entries uniform in [−1, 1).</summary>
    public static double[] Random(int seed, int count, int rows, int cols)
    {
        var random = new Random(seed);
        var data = new double[count * rows * cols];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = 2 * random.NextDouble() - 1;
        }

        return data;
    }

    /// <summary>A (rows×inner) times B (inner×cols), row-major; transposeB reads B as cols×inner.</summary>
    public static double[] Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int rows, int inner, int cols, bool transposeB = false)
    {
        var c = new double[rows * cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                double sum = 0;
                for (int p = 0; p < inner; p++)
                {
                    sum += a[i * inner + p] * (transposeB ? b[j * inner + p] : b[p * cols + j]);
                }

                c[i * cols + j] = sum;
            }
        }

        return c;
    }

    /// <summary>XᵀX for row-major rows×cols X.</summary>
    public static double[] Gram(ReadOnlySpan<double> x, int rows, int cols)
    {
        var g = new double[cols * cols];
        for (int i = 0; i < cols; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                double sum = 0;
                for (int p = 0; p < rows; p++)
                {
                    sum += x[p * cols + i] * x[p * cols + j];
                }

                g[i * cols + j] = sum;
            }
        }

        return g;
    }

    public static double MaxAbsDifference(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double largest = 0;
        for (int i = 0; i < a.Length; i++)
        {
            largest = Math.Max(largest, Math.Abs(a[i] - b[i]));
        }

        return largest;
    }

    /// <summary>max |XᵀX − I| for row-major rows×cols X (orthonormal columns give 0).</summary>
    public static double OrthonormalityError(ReadOnlySpan<double> x, int rows, int cols)
    {
        double[] g = Gram(x, rows, cols);
        double largest = 0;
        for (int i = 0; i < cols; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                largest = Math.Max(largest, Math.Abs(g[i * cols + j] - (i == j ? 1 : 0)));
            }
        }

        return largest;
    }
}
