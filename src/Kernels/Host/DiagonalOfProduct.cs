using System.Numerics;

namespace FactoredGpu.Kernels.Host;

/// <summary>Host diag(A·B). PLACEHOLDER: naive.</summary>
internal static class DiagonalOfProduct
{
    public static void Run<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, T[] result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = ((HostBuffer<T>)a.Buffer).Array, y = ((HostBuffer<T>)b.Buffer).Array;
        int d = Math.Min(a.Rows, b.Cols);
        for (int n = 0; n < a.Count; n++)
        {
            for (int i = 0; i < d; i++)
            {
                T sum = T.Zero;
                for (int k = 0; k < a.Cols; k++)
                {
                    sum += x[a.Offsets[n] + i * a.RowStride + k * a.ColStride] * y[b.Offsets[n] + k * b.RowStride + i * b.ColStride];
                }

                result[(long)n * d + i] = sum;
            }
        }
    }
}
