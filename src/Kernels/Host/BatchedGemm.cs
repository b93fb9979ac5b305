using System.Numerics;

namespace FactoredGpu.Kernels.Host;

/// <summary>Host batched GEMM. PLACEHOLDER: naive triple loop, to be replaced by the packed SIMD kernel.</summary>
internal static class BatchedGemm
{
    public static void Run<T>(T alpha, in MatrixBatch<T> a, in MatrixBatch<T> b, T beta, in MatrixBatch<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = ((HostBuffer<T>)a.Buffer).Array, y = ((HostBuffer<T>)b.Buffer).Array, z = ((HostBuffer<T>)c.Buffer).Array;
        for (int n = 0; n < a.Count; n++)
        {
            for (int i = 0; i < a.Rows; i++)
            {
                for (int j = 0; j < b.Cols; j++)
                {
                    T sum = T.Zero;
                    for (int k = 0; k < a.Cols; k++)
                    {
                        sum += x[a.Offsets[n] + i * a.RowStride + k * a.ColStride] * y[b.Offsets[n] + k * b.RowStride + j * b.ColStride];
                    }

                    long at = c.Offsets[n] + i * c.RowStride + j * c.ColStride;
                    z[at] = beta == T.Zero ? alpha * sum : alpha * sum + beta * z[at];
                }
            }
        }
    }
}
