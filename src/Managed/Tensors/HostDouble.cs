using System.Numerics;
using FactoredGpu.Kernels;

namespace FactoredGpu;

/// <summary>Moves tensors to and from float64 host arrays, where the small dense linear algebra runs.</summary>
internal static class HostDouble
{
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
        for (int i = 0; i < data.Length; i++)
        {
            result[i] = double.CreateTruncating(data[i]);
        }

        return result;
    }

    /// <summary>A new contiguous tensor on <paramref name="backend"/> holding <paramref name="data"/> rounded to <typeparamref name="T"/>.</summary>
    public static StridedTensor<T> To<T>(IKernels backend, ReadOnlySpan<double> data, params int[] shape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            return StridedTensor<T>.FromArray(backend, System.Runtime.InteropServices.MemoryMarshal.Cast<double, T>(data), shape);
        }

        var converted = new T[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            converted[i] = T.CreateTruncating(data[i]);
        }

        return StridedTensor<T>.FromArray(backend, converted, shape);
    }
}
