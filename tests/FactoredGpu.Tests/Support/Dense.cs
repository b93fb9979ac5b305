namespace FactoredGpu.Tests.Support;

/// <summary>Plain float64 reference arithmetic on row-major arrays, independent of the library's kernels.</summary>
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
            for (int i = 0; i < l; i++)
            {
                for (int j = 0; j < r; j++)
                {
                    double sum = 0;
                    for (int k = 0; k < m; k++)
                    {
                        sum += a[(n * l + i) * m + k] * b[(n * m + k) * r + j];
                    }

                    c[(n * l + i) * r + j] = sum;
                }
            }
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
}
