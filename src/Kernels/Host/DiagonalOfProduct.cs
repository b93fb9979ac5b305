using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FactoredGpu.Kernels.Host;

/// <summary>
/// Host <c>diag(A·B)ᵢ = Σₖ Aᵢₖ·Bₖᵢ</c> for <c>i &lt; min(l, r)</c>, accumulated in double, without forming A·B.
/// </summary>
/// <remarks>
/// The loop order follows the strides: a SIMD dot product along k when A's rows and B's columns are contiguous, a
/// SIMD multiply-accumulate along i when A's columns and B's rows are, and a scalar walk along k otherwise.
/// Work is split into fixed blocks of <see cref="BlockRows"/> diagonal entries, each computed by one thread.
/// </remarks>
internal static class DiagonalOfProduct
{
    /// <summary>Diagonal entries per work item; also the double scratch of one block (4 KiB, on the stack).</summary>
    public const int BlockRows = 512;

    public static void Run<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, T[] result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = Math.Min(a.Rows, b.Cols), blocks = (d + BlockRows - 1) / BlockRows;
        if (a.Count == 0 || d == 0)
        {
            return;
        }

        MatrixBatch<T> left = a, right = b;
        HostParallel.For(
            checked(a.Count * blocks),
            (long)a.Count * d * Math.Max(a.Cols, 1),
            item =>
            {
                int batch = item / blocks, i0 = item % blocks * BlockRows;
                Span<double> diagonal = stackalloc double[Math.Min(BlockRows, d - i0)];
                Block(left, right, batch, i0, diagonal);
                Span<T> target = result.AsSpan(batch * d + i0, diagonal.Length);
                for (int i = 0; i < diagonal.Length; i++)
                {
                    target[i] = T.CreateTruncating(diagonal[i]);
                }
            });
    }

    /// <summary>Entries <c>i0 … i0 + diagonal.Length − 1</c> of <c>diag(A[batch]·B[batch])</c>, in double.</summary>
    public static void Block<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, int batch, int i0, Span<double> diagonal)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int depth = a.Cols;
        nint ars = (nint)a.RowStride, acs = (nint)a.ColStride, brs = (nint)b.RowStride, bcs = (nint)b.ColStride;
        ref T aFirst = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(((HostBuffer<T>)a.Buffer).Array), (nint)a.Offsets[batch] + i0 * ars);
        ref T bFirst = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(((HostBuffer<T>)b.Buffer).Array), (nint)b.Offsets[batch] + i0 * bcs);
        if (acs == 1 && brs == 1)
        {
            for (int i = 0; i < diagonal.Length; i++)
            {
                diagonal[i] = WidenedDot.Dot(ref Unsafe.Add(ref aFirst, i * ars), ref Unsafe.Add(ref bFirst, i * bcs), depth);
            }
        }
        else if (ars == 1 && bcs == 1)
        {
            diagonal.Clear();
            for (int k = 0; k < depth; k++)
            {
                WidenedDot.MultiplyAccumulate(ref Unsafe.Add(ref aFirst, k * acs), ref Unsafe.Add(ref bFirst, k * brs), diagonal);
            }
        }
        else
        {
            // Typically row-major A and B: A's row is contiguous, B's column strided; neighbouring i share B's cache lines.
            for (int i = 0; i < diagonal.Length; i++)
            {
                diagonal[i] = WidenedDot.Dot(ref Unsafe.Add(ref aFirst, i * ars), acs, ref Unsafe.Add(ref bFirst, i * bcs), brs, depth);
            }
        }
    }
}
