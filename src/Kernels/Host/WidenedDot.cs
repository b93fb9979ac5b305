using System.Numerics;
using System.Runtime.CompilerServices;

namespace FactoredGpu.Kernels.Host;

/// <summary>
/// Products of float or double vectors accumulated in double: each step widens two registers' worth of elements
/// (<see cref="ISimd{T, TVector}.LoadWidened"/>) at the width <see cref="Simd.Dispatch{T, TOperation}"/> picks, so the
/// reduction order depends only on the length and the hardware, never on the thread.
/// </summary>
/// <remarks>The loops are compiled fully optimised at once: tier-0 code would run for the first hundreds of calls.</remarks>
internal static class WidenedDot
{
    /// <summary><c>Σᵢ xᵢ·yᵢ</c> over contiguous elements, accumulated in double.</summary>
    public static double Dot<T>(ref T x, ref T y, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var dot = new DotOperation<T>(ref x, ref y, length);
        Simd.Dispatch<double, DotOperation<T>>(ref dot);
        return dot.Result;
    }

    /// <summary><c>Σᵢ x[i·xStride]·y[i·yStride]</c> for strided operands, accumulated in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot<T>(ref T x, nint xStride, ref T y, nint yStride, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        for (int i = 0; i < length; i++)
        {
            sum = Math.FusedMultiplyAdd(double.CreateTruncating(Unsafe.Add(ref x, i * xStride)), double.CreateTruncating(Unsafe.Add(ref y, i * yStride)), sum);
        }

        return sum;
    }

    /// <summary><c>accᵢ += xᵢ·yᵢ</c> over contiguous elements, in double.</summary>
    public static void MultiplyAccumulate<T>(ref T x, ref T y, Span<double> accumulator)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var accumulate = new MultiplyAccumulateOperation<T>(ref x, ref y, accumulator);
        Simd.Dispatch<double, MultiplyAccumulateOperation<T>>(ref accumulate);
    }

    private ref struct DotOperation<T> : ISimdOperation<double>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ref T _x;
        private readonly ref T _y;
        private readonly int _length;

        public DotOperation(ref T x, ref T y, int length)
        {
            _x = ref x;
            _y = ref y;
            _length = length;
        }

        public double Result { get; private set; }

        /// <remarks>Compiled fully optimised at once: tier-0 code would run for the first hundreds of calls.</remarks>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run<TVector, TSimd>()
            where TVector : struct
            where TSimd : ISimd<double, TVector>
        {
            int step = 2 * TSimd.Count, i = 0;
            TVector s0 = TSimd.Zero, s1 = TSimd.Zero;
            for (; i <= _length - step; i += step)
            {
                var (x0, x1) = TSimd.LoadWidened(ref Unsafe.Add(ref _x, i));
                var (y0, y1) = TSimd.LoadWidened(ref Unsafe.Add(ref _y, i));
                s0 = TSimd.MultiplyAdd(x0, y0, s0);
                s1 = TSimd.MultiplyAdd(x1, y1, s1);
            }

            double sum = TSimd.Sum(s0) + TSimd.Sum(s1);
            for (; i < _length; i++)
            {
                sum = Math.FusedMultiplyAdd(double.CreateTruncating(Unsafe.Add(ref _x, i)), double.CreateTruncating(Unsafe.Add(ref _y, i)), sum);
            }

            Result = sum;
        }
    }

    private readonly ref struct MultiplyAccumulateOperation<T> : ISimdOperation<double>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ref T _x;
        private readonly ref T _y;
        private readonly Span<double> _accumulator;

        public MultiplyAccumulateOperation(ref T x, ref T y, Span<double> accumulator)
        {
            _x = ref x;
            _y = ref y;
            _accumulator = accumulator;
        }

        /// <remarks>Compiled fully optimised at once: tier-0 code would run for the first hundreds of calls.</remarks>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run<TVector, TSimd>()
            where TVector : struct
            where TSimd : ISimd<double, TVector>
        {
            ref double acc = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(_accumulator);
            int length = _accumulator.Length, w = TSimd.Count, i = 0;
            for (; i <= length - (2 * w); i += 2 * w)
            {
                var (x0, x1) = TSimd.LoadWidened(ref Unsafe.Add(ref _x, i));
                var (y0, y1) = TSimd.LoadWidened(ref Unsafe.Add(ref _y, i));
                ref double a = ref Unsafe.Add(ref acc, i);
                TSimd.Store(TSimd.MultiplyAdd(x0, y0, TSimd.Load(ref a)), ref a);
                TSimd.Store(TSimd.MultiplyAdd(x1, y1, TSimd.Load(ref Unsafe.Add(ref a, w))), ref Unsafe.Add(ref a, w));
            }

            for (; i < length; i++)
            {
                Unsafe.Add(ref acc, i) = Math.FusedMultiplyAdd(double.CreateTruncating(Unsafe.Add(ref _x, i)), double.CreateTruncating(Unsafe.Add(ref _y, i)), Unsafe.Add(ref acc, i));
            }
        }
    }
}
