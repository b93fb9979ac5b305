namespace FactoredGpu.Tests.Support;

/// <summary>Plain float64 reference arithmetic and seeded random inputs on row-major arrays, independent of the library's kernels.</summary>
internal static class Dense
{
    /// <summary>Random N(0, 1) values from a fixed seed (Box–Muller).</summary>
    public static double[] Random(Random random, int length)
    {
        var data = new double[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        }

        return data;
    }

    /// <summary>Expands a row-major tensor to a broadcast shape (numpy rules).</summary>
    public static double[] Broadcast(double[] data, int[] shape, int[] target)
    {
        var result = new double[target.Aggregate(1, (x, y) => x * y)];
        int extra = target.Length - shape.Length;
        var index = new int[target.Length];
        for (int flat = 0; flat < result.Length; flat++)
        {
            int source = 0;
            for (int d = 0; d < shape.Length; d++)
            {
                source = source * shape[d] + (shape[d] == 1 ? 0 : index[d + extra]);
            }

            result[flat] = data[source];
            for (int d = target.Length - 1; d >= 0 && ++index[d] == target[d]; d--)
            {
                index[d] = 0;
            }
        }

        return result;
    }

    /// <summary>Batched product of expanded operands: <c>[count, l, m]·[count, m, r]</c>.</summary>
    public static double[] Matmul(double[] a, double[] b, int count, int l, int m, int r)
    {
        var c = new double[count * l * r];
        for (int n = 0; n < count; n++)
        {
            Multiply(a.AsSpan(n * l * m, l * m), b.AsSpan(n * m * r, m * r), l, m, r).CopyTo(c, n * l * r);
        }

        return c;
    }

    /// <summary>Batched transpose <c>[count, rows, cols] → [count, cols, rows]</c>.</summary>
    public static double[] Transpose(double[] a, int count, int rows, int cols)
    {
        var t = new double[a.Length];
        for (int n = 0; n < count; n++)
        {
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    t[(n * cols + j) * rows + i] = a[(n * rows + i) * cols + j];
                }
            }
        }

        return t;
    }

    /// <summary>count rows×cols matrices with entries uniform in [−1, 1).</summary>
    public static double[] Uniform(int seed, int count, int rows, int cols)
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
