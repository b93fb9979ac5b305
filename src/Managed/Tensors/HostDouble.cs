using System.Numerics;
using FactoredGpu.Kernels;

namespace FactoredGpu;

/// <summary>Moves tensors to and from float64 host arrays, where the small dense linear algebra runs.</summary>
internal static class HostDouble
{
    /// <summary>Arrays longer than this are converted in parallel blocks of this many elements.</summary>
    private const int ParallelBlock = 1 << 20;

    /// <summary>The elements of <paramref name="tensor"/>, row-major, as doubles (broadcasts expanded).</summary>
    public static double[] From<T>(StridedTensor<T> tensor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] data = tensor.ToArray();
        if (data is double[] same)
        {
            return same;
        }

        var result = new double[data.Length];
        Convert<T, double>(data, result);
        return result;
    }

    /// <summary>A new contiguous tensor on <paramref name="backend"/> holding <paramref name="data"/> rounded to <typeparamref name="T"/>.</summary>
    public static StridedTensor<T> To<T>(IKernels backend, double[] data, params int[] shape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            return StridedTensor<T>.FromArray(backend, System.Runtime.InteropServices.MemoryMarshal.Cast<double, T>(data.AsSpan()), shape);
        }

        var converted = new T[data.Length];
        Convert(data, converted);
        return StridedTensor<T>.FromArray(backend, converted, shape);
    }

    /// <summary>Rounds (or widens) every element, large arrays in parallel blocks.</summary>
    private static void Convert<TFrom, TTo>(TFrom[] source, TTo[] destination)
        where TFrom : unmanaged, IFloatingPointIeee754<TFrom>
        where TTo : unmanaged, IFloatingPointIeee754<TTo>
    {
        Parallel.For(0, (source.Length + ParallelBlock - 1) / ParallelBlock, block =>
        {
            int end = Math.Min(source.Length, (block + 1) * ParallelBlock);
            for (int i = block * ParallelBlock; i < end; i++)
            {
                destination[i] = TTo.CreateTruncating(source[i]);
            }
        });
    }
}
