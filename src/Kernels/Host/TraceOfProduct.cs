using System.Numerics;

namespace FactoredGpu.Kernels.Host;

/// <summary>
/// Host <c>tr(A·B) = Σᵢⱼ Aᵢⱼ·Bⱼᵢ = Σᵢ diag(A·B)ᵢ</c>, accumulated in double without forming A·B.
/// </summary>
/// <remarks>
/// Each fixed block of <see cref="DiagonalOfProduct.BlockRows"/> diagonal entries is summed into its own partial, and
/// the partials of a batch entry are added in block order, so the result does not depend on the schedule.
/// </remarks>
internal static class TraceOfProduct
{
    public static void Run<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, T[] result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = a.Count, l = a.Rows, blocks = Math.Max(1, (l + DiagonalOfProduct.BlockRows - 1) / DiagonalOfProduct.BlockRows);
        if (count == 0)
        {
            return;
        }

        double[] partials = new double[checked(count * blocks)];
        MatrixBatch<T> left = a, right = b;
        HostParallel.For(
            count * blocks,
            (long)count * l * Math.Max(a.Cols, 1),
            item =>
            {
                int batch = item / blocks, i0 = item % blocks * DiagonalOfProduct.BlockRows;
                Span<double> diagonal = stackalloc double[Math.Max(0, Math.Min(DiagonalOfProduct.BlockRows, l - i0))];
                DiagonalOfProduct.Block(left, right, batch, i0, diagonal);
                double sum = 0;
                foreach (double entry in diagonal)
                {
                    sum += entry;
                }

                partials[item] = sum;
            });

        for (int n = 0; n < count; n++)
        {
            double sum = 0;
            for (int block = 0; block < blocks; block++)
            {
                sum += partials[n * blocks + block];
            }

            result[n] = T.CreateTruncating(sum);
        }
    }
}
