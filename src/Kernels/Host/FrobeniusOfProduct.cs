using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace FactoredGpu.Kernels.Host;

/// <summary>
/// Host <c>‖A·B‖²_F = tr(Bᵀ·Aᵀ·A·B) = Σᵢⱼ (AᵀA)ᵢⱼ·(B·Bᵀ)ᵢⱼ</c> per batch entry: two <c>m×m</c> Gram matrices and an
/// elementwise-product sum, never the <c>l×r</c> product.
/// </summary>
/// <remarks>
/// Gram matrices are computed once per distinct factor (a factor shared by every head costs one Gram), upper triangles
/// only; the final sum is accumulated in double for float inputs too.
/// </remarks>
internal static class FrobeniusOfProduct
{
    public static void Run<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, T[] result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = a.Count, m = a.Cols;
        if (m == 0)
        {
            result.AsSpan(0, count).Clear();
            return;
        }

        if (count == 0)
        {
            return;
        }

        T[] left = BatchedGram.UpperOfDistinct(a, out int[] leftIndex);
        T[] right = BatchedGram.UpperOfDistinct(b.Transpose(), out int[] rightIndex);
        int size = m * m;
        HostParallel.For(
            count,
            (long)count * size,
            n =>
            {
                // Both Gram matrices are symmetric: the sum is the diagonal plus twice the strict upper triangle.
                ref T l = ref left[leftIndex[n] * size];
                ref T r = ref right[rightIndex[n] * size];
                double diagonal = 0, upper = 0;
                for (int i = 0; i < m; i++)
                {
                    diagonal += double.CreateTruncating(Unsafe.Add(ref l, i * (m + 1))) * double.CreateTruncating(Unsafe.Add(ref r, i * (m + 1)));
                    upper += WidenedDot.Dot(ref Unsafe.Add(ref l, (i * (m + 1)) + 1), ref Unsafe.Add(ref r, (i * (m + 1)) + 1), m - i - 1);
                }

                result[n] = T.CreateTruncating(diagonal + (2 * upper));
            });

        ArrayPool<T>.Shared.Return(left);
        ArrayPool<T>.Shared.Return(right);
    }
}
