using System.Numerics;

namespace FactoredGpu.Kernels.Host;

/// <summary>Host ‖A·B‖²_F. PLACEHOLDER: naive.</summary>
internal static class FrobeniusOfProduct
{
    public static void Run<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, T[] result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = ((HostBuffer<T>)a.Buffer).Array, y = ((HostBuffer<T>)b.Buffer).Array;
        for (int n = 0; n < a.Count; n++)
        {
            double total = 0;
            for (int i = 0; i < a.Rows; i++)
            {
                for (int j = 0; j < b.Cols; j++)
                {
                    double sum = 0;
                    for (int k = 0; k < a.Cols; k++)
                    {
                        sum += double.CreateChecked(x[a.Offsets[n] + i * a.RowStride + k * a.ColStride] * y[b.Offsets[n] + k * b.RowStride + j * b.ColStride]);
                    }

                    total += sum * sum;
                }
            }

            result[n] = T.CreateChecked(total);
        }
    }
}
