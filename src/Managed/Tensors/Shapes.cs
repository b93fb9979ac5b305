namespace FactoredGpu;

/// <summary>Shape arithmetic shared by tensors and factored matrices: numpy broadcasting and formatting.</summary>
internal static class Shapes
{
    /// <summary>Numpy broadcasting of two shapes (aligned at the right).</summary>
    /// <exception cref="ArgumentException">A pair of sizes is neither equal nor 1; the message names both shapes.</exception>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string what = "Shapes")
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int x = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int y = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (x != y && x != 1 && y != 1)
            {
                throw new ArgumentException($"{what} {Format(a)} and {Format(b)} cannot be broadcast together (size {x} against {y}).");
            }

            result[i] = x == 1 ? y : x;
        }

        return result;
    }

    public static long Product(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            n = checked(n * d);
        }

        return n;
    }

    public static int[] Concat(ReadOnlySpan<int> leading, params ReadOnlySpan<int> tail)
    {
        var result = new int[leading.Length + tail.Length];
        leading.CopyTo(result);
        tail.CopyTo(result.AsSpan(leading.Length));
        return result;
    }

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
