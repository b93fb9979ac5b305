using System.Numerics;

namespace FactoredGpu.Kernels.Host;

/// <summary>
/// Host <c>‖A·B‖²_F = tr(Bᵀ·Aᵀ·A·B) = Σᵢⱼ (AᵀA)ᵢⱼ·(B·Bᵀ)ᵢⱼ</c> per batch entry: two <c>m×m</c> Gram matrices and an
/// elementwise-product sum, never the <c>l×r</c> product.
/// </summary>
/// <remarks>
/// Gram matrices are computed once per distinct factor (a factor shared by every head costs one Gram); the final
/// sum is accumulated in double for float inputs too.
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

        T[] left = BatchedGram.OfDistinct(a, out int[] leftIndex);
        T[] right = BatchedGram.OfDistinct(b.Transpose(), out int[] rightIndex);
        int size = m * m;
        HostParallel.For(
            count,
            (long)count * size,
            n => result[n] = T.CreateTruncating(WidenedDot.Dot(
                ref left[leftIndex[n] * size],
                ref right[rightIndex[n] * size],
                size)));
    }
}
