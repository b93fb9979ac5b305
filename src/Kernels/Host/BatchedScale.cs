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
        var row = new ScaleRowOperation<T>(alpha, ref x, ref y, length);
        Simd.Dispatch<T, ScaleRowOperation<T>>(ref row);
    }

    private readonly ref struct ScaleRowOperation<T> : ISimdOperation<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T _alpha;
        private readonly ref T _x;
        private readonly ref T _y;
        private readonly int _length;

        public ScaleRowOperation(T alpha, ref T x, ref T y, int length)
        {
            _alpha = alpha;
            _x = ref x;
            _y = ref y;
            _length = length;
        }

        public void Run<TVector, TSimd>()
            where TVector : struct
            where TSimd : ISimd<T, TVector>
        {
            int i = 0, w = TSimd.Count;
            TVector scale = TSimd.Broadcast(_alpha);
            for (; i <= _length - w; i += w)
            {
                TSimd.Store(TSimd.Multiply(scale, TSimd.Load(ref Unsafe.Add(ref _x, i))), ref Unsafe.Add(ref _y, i));
            }

            for (; i < _length; i++)
            {
                Unsafe.Add(ref _y, i) = _alpha * Unsafe.Add(ref _x, i);
            }
        }
    }
}
