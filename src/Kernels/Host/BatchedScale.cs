using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FactoredGpu.Kernels.Host;

/// <summary>
/// Host batched <c>D[b] = α·S[b]</c>: a SIMD multiply along rows when both operands have contiguous rows (one long
/// row when both are dense), a strided element walk otherwise. Work is split into fixed (batch, row block) items.
/// </summary>
internal static class BatchedScale
{
    /// <summary>Rows per work item.</summary>
    private const int BlockRows = 64;

    public static void Run<T>(T alpha, in MatrixBatch<T> s, in MatrixBatch<T> d)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = s.Rows, cols = s.Cols;
        if (s.Count == 0 || rows == 0 || cols == 0)
        {
            return;
        }

        bool rowsContiguous = s.ColStride == 1 && d.ColStride == 1;
        bool dense = rowsContiguous && s.RowStride == cols && d.RowStride == cols;
        if (dense)
        {
            // Each matrix is one contiguous run of rows·cols elements.
            cols = checked(rows * cols);
            rows = 1;
        }

        int blocks = (rows + BlockRows - 1) / BlockRows;
        T[] source = ((HostBuffer<T>)s.Buffer).Array, destination = ((HostBuffer<T>)d.Buffer).Array;
        MatrixBatch<T> from = s, to = d;
        int width = cols, height = rows;
        HostParallel.For(
            checked(s.Count * blocks),
            (long)s.Count * rows * cols,
            item =>
            {
                int batch = item / blocks, i0 = item % blocks * BlockRows, i1 = Math.Min(height, i0 + BlockRows);
                for (int i = i0; i < i1; i++)
                {
                    ref T x = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(source), (nint)(from.Offsets[batch] + i * from.RowStride));
                    ref T y = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(destination), (nint)(to.Offsets[batch] + i * to.RowStride));
                    if (rowsContiguous)
                    {
                        ScaleRow(alpha, ref x, ref y, width);
                    }
                    else
                    {
                        for (int j = 0; j < width; j++)
                        {
                            Unsafe.Add(ref y, (nint)(j * to.ColStride)) = alpha * Unsafe.Add(ref x, (nint)(j * from.ColStride));
                        }
                    }
                }
            });
    }

    /// <summary><c>yᵢ = α·xᵢ</c> over contiguous elements.</summary>
    private static void ScaleRow<T>(T alpha, ref T x, ref T y, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<T> scale = Vector512.Create(alpha);
            for (; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                (scale * Vector512.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<T> scale = Vector256.Create(alpha);
            for (; i <= length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                (scale * Vector256.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<T> scale = Vector128.Create(alpha);
            for (; i <= length - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                (scale * Vector128.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref y, i) = alpha * Unsafe.Add(ref x, i);
        }
    }
}
