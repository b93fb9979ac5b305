using System.Numerics;

namespace FactoredGpu.Kernels.Host;

/// <summary>Host D = α·S. PLACEHOLDER: naive.</summary>
internal static class BatchedScale
{
    public static void Run<T>(T alpha, in MatrixBatch<T> s, in MatrixBatch<T> d)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = ((HostBuffer<T>)s.Buffer).Array, y = ((HostBuffer<T>)d.Buffer).Array;
        for (int n = 0; n < s.Count; n++)
        {
            for (int i = 0; i < s.Rows; i++)
            {
                for (int j = 0; j < s.Cols; j++)
                {
                    y[d.Offsets[n] + i * d.RowStride + j * d.ColStride] = alpha * x[s.Offsets[n] + i * s.RowStride + j * s.ColStride];
                }
            }
        }
    }
}
