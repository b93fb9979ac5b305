using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FactoredGpu.Kernels.Host;

/// <summary>
/// Products of float or double vectors accumulated in double: each step widens 16, 8 or 4 elements (by register
/// width) to two double registers, so the reduction order depends only on the length, never on the thread.
/// </summary>
/// <remarks>The loops are compiled fully optimised at once: tier-0 code would run for the first hundreds of calls.</remarks>
internal static class WidenedDot
{
    /// <summary><c>Σᵢ xᵢ·yᵢ</c> over contiguous elements, accumulated in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot<T>(ref T x, ref T y, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && length >= 16)
        {
            Vector512<double> s0 = Vector512<double>.Zero, s1 = Vector512<double>.Zero;
            for (; i <= length - 16; i += 16)
            {
                (Vector512<double> x0, Vector512<double> x1) = Load512(ref Unsafe.Add(ref x, i));
                (Vector512<double> y0, Vector512<double> y1) = Load512(ref Unsafe.Add(ref y, i));
                s0 = Vector512.FusedMultiplyAdd(x0, y0, s0);
                s1 = Vector512.FusedMultiplyAdd(x1, y1, s1);
            }

            sum = Vector512.Sum(s0 + s1);
        }
        else if (Vector256.IsHardwareAccelerated && length >= 8)
        {
            Vector256<double> s0 = Vector256<double>.Zero, s1 = Vector256<double>.Zero;
            for (; i <= length - 8; i += 8)
            {
                (Vector256<double> x0, Vector256<double> x1) = Load256(ref Unsafe.Add(ref x, i));
                (Vector256<double> y0, Vector256<double> y1) = Load256(ref Unsafe.Add(ref y, i));
                s0 = Vector256.FusedMultiplyAdd(x0, y0, s0);
                s1 = Vector256.FusedMultiplyAdd(x1, y1, s1);
            }

            sum = Vector256.Sum(s0 + s1);
        }
        else if (Vector128.IsHardwareAccelerated && length >= 4)
        {
            Vector128<double> s0 = Vector128<double>.Zero, s1 = Vector128<double>.Zero;
            for (; i <= length - 4; i += 4)
            {
                (Vector128<double> x0, Vector128<double> x1) = Load128(ref Unsafe.Add(ref x, i));
                (Vector128<double> y0, Vector128<double> y1) = Load128(ref Unsafe.Add(ref y, i));
                s0 = Vector128.FusedMultiplyAdd(x0, y0, s0);
                s1 = Vector128.FusedMultiplyAdd(x1, y1, s1);
            }

            sum = Vector128.Sum(s0 + s1);
        }

        for (; i < length; i++)
        {
            sum = Math.FusedMultiplyAdd(double.CreateTruncating(Unsafe.Add(ref x, i)), double.CreateTruncating(Unsafe.Add(ref y, i)), sum);
        }

        return sum;
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAccumulate<T>(ref T x, ref T y, Span<double> accumulator)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref double acc = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(accumulator);
        int length = accumulator.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= length - 16; i += 16)
            {
                (Vector512<double> x0, Vector512<double> x1) = Load512(ref Unsafe.Add(ref x, i));
                (Vector512<double> y0, Vector512<double> y1) = Load512(ref Unsafe.Add(ref y, i));
                ref double a = ref Unsafe.Add(ref acc, i);
                Vector512.FusedMultiplyAdd(x0, y0, Vector512.LoadUnsafe(ref a)).StoreUnsafe(ref a);
                Vector512.FusedMultiplyAdd(x1, y1, Vector512.LoadUnsafe(ref a, 8)).StoreUnsafe(ref a, 8);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - 8; i += 8)
            {
                (Vector256<double> x0, Vector256<double> x1) = Load256(ref Unsafe.Add(ref x, i));
                (Vector256<double> y0, Vector256<double> y1) = Load256(ref Unsafe.Add(ref y, i));
                ref double a = ref Unsafe.Add(ref acc, i);
                Vector256.FusedMultiplyAdd(x0, y0, Vector256.LoadUnsafe(ref a)).StoreUnsafe(ref a);
                Vector256.FusedMultiplyAdd(x1, y1, Vector256.LoadUnsafe(ref a, 4)).StoreUnsafe(ref a, 4);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= length - 4; i += 4)
            {
                (Vector128<double> x0, Vector128<double> x1) = Load128(ref Unsafe.Add(ref x, i));
                (Vector128<double> y0, Vector128<double> y1) = Load128(ref Unsafe.Add(ref y, i));
                ref double a = ref Unsafe.Add(ref acc, i);
                Vector128.FusedMultiplyAdd(x0, y0, Vector128.LoadUnsafe(ref a)).StoreUnsafe(ref a);
                Vector128.FusedMultiplyAdd(x1, y1, Vector128.LoadUnsafe(ref a, 2)).StoreUnsafe(ref a, 2);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref acc, i) = Math.FusedMultiplyAdd(double.CreateTruncating(Unsafe.Add(ref x, i)), double.CreateTruncating(Unsafe.Add(ref y, i)), Unsafe.Add(ref acc, i));
        }
    }

    /// <summary>16 elements as two double registers (floats widened exactly).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double> Lower, Vector512<double> Upper) Load512<T>(ref T source)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.Widen(Vector512.LoadUnsafe(ref Unsafe.As<T, float>(ref source)));
        }

        ref double d = ref Unsafe.As<T, double>(ref source);
        return (Vector512.LoadUnsafe(ref d), Vector512.LoadUnsafe(ref d, 8));
    }

    /// <summary>8 elements as two double registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Lower, Vector256<double> Upper) Load256<T>(ref T source)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.Widen(Vector256.LoadUnsafe(ref Unsafe.As<T, float>(ref source)));
        }

        ref double d = ref Unsafe.As<T, double>(ref source);
        return (Vector256.LoadUnsafe(ref d), Vector256.LoadUnsafe(ref d, 4));
    }

    /// <summary>4 elements as two double registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<double> Lower, Vector128<double> Upper) Load128<T>(ref T source)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector128.Widen(Vector128.LoadUnsafe(ref Unsafe.As<T, float>(ref source)));
        }

        ref double d = ref Unsafe.As<T, double>(ref source);
        return (Vector128.LoadUnsafe(ref d), Vector128.LoadUnsafe(ref d, 2));
    }
}
