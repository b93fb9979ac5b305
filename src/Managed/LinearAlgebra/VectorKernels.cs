using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FactoredGpu.LinearAlgebra;

/// <summary>
/// Level-1 BLAS on contiguous spans (ddot, daxpy, dscal, drot) with Vector512 → Vector256 → Vector128 → scalar
/// paths. Each wider path consumes what it can and leaves the tail to the next, so the summation order depends
/// only on the length and the hardware, never on threading.
/// </summary>
internal static class VectorKernels
{
    /// <summary>xᵀy (BLAS ddot).</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        int n = x.Length;
        nuint i = 0;
        double sum = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<double>.Count)
        {
            Vector512<double> acc0 = Vector512<double>.Zero, acc1 = Vector512<double>.Zero;
            for (; (int)i <= n - 2 * Vector512<double>.Count; i += (nuint)(2 * Vector512<double>.Count))
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, i), Vector512.LoadUnsafe(ref yr, i), acc0);
                acc1 = Vector512.FusedMultiplyAdd(
                    Vector512.LoadUnsafe(ref xr, i + (nuint)Vector512<double>.Count),
                    Vector512.LoadUnsafe(ref yr, i + (nuint)Vector512<double>.Count),
                    acc1);
            }

            for (; (int)i <= n - Vector512<double>.Count; i += (nuint)Vector512<double>.Count)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, i), Vector512.LoadUnsafe(ref yr, i), acc0);
            }

            sum = Vector512.Sum(acc0 + acc1);
        }

        if (Vector256.IsHardwareAccelerated && (int)i <= n - Vector256<double>.Count)
        {
            var acc = Vector256<double>.Zero;
            for (; (int)i <= n - Vector256<double>.Count; i += (nuint)Vector256<double>.Count)
            {
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, i), Vector256.LoadUnsafe(ref yr, i), acc);
            }

            sum += Vector256.Sum(acc);
        }

        if (Vector128.IsHardwareAccelerated && (int)i <= n - Vector128<double>.Count)
        {
            var acc = Vector128<double>.Zero;
            for (; (int)i <= n - Vector128<double>.Count; i += (nuint)Vector128<double>.Count)
            {
                acc = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref xr, i), Vector128.LoadUnsafe(ref yr, i), acc);
            }

            sum += Vector128.Sum(acc);
        }

        for (; (int)i < n; i++)
        {
            sum = Math.FusedMultiplyAdd(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i), sum);
        }

        return sum;
    }

    /// <summary>y ← a·x + y (BLAS daxpy).</summary>
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        int n = x.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var av = Vector512.Create(a);
            for (; (int)i <= n - Vector512<double>.Count; i += (nuint)Vector512<double>.Count)
            {
                Vector512.FusedMultiplyAdd(av, Vector512.LoadUnsafe(ref xr, i), Vector512.LoadUnsafe(ref yr, i)).StoreUnsafe(ref yr, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var av = Vector256.Create(a);
            for (; (int)i <= n - Vector256<double>.Count; i += (nuint)Vector256<double>.Count)
            {
                Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref xr, i), Vector256.LoadUnsafe(ref yr, i)).StoreUnsafe(ref yr, i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var av = Vector128.Create(a);
            for (; (int)i <= n - Vector128<double>.Count; i += (nuint)Vector128<double>.Count)
            {
                Vector128.FusedMultiplyAdd(av, Vector128.LoadUnsafe(ref xr, i), Vector128.LoadUnsafe(ref yr, i)).StoreUnsafe(ref yr, i);
            }
        }

        for (; (int)i < n; i++)
        {
            Unsafe.Add(ref yr, i) = Math.FusedMultiplyAdd(a, Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
        }
    }

    /// <summary>y ← a₀·x₀ + a₁·x₁ + a₂·x₂ + a₃·x₃ + y: four daxpy fused so y is loaded and stored once.</summary>
    public static void Axpy4(double a0, double a1, double a2, double a3, ReadOnlySpan<double> x0, ReadOnlySpan<double> x1, ReadOnlySpan<double> x2, ReadOnlySpan<double> x3, Span<double> y)
    {
        ref double r0 = ref MemoryMarshal.GetReference(x0);
        ref double r1 = ref MemoryMarshal.GetReference(x1);
        ref double r2 = ref MemoryMarshal.GetReference(x2);
        ref double r3 = ref MemoryMarshal.GetReference(x3);
        ref double yr = ref MemoryMarshal.GetReference(y);
        int n = y.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> b0 = Vector512.Create(a0), b1 = Vector512.Create(a1), b2 = Vector512.Create(a2), b3 = Vector512.Create(a3);
            for (; (int)i <= n - Vector512<double>.Count; i += (nuint)Vector512<double>.Count)
            {
                Vector512<double> sum = Vector512.FusedMultiplyAdd(b0, Vector512.LoadUnsafe(ref r0, i), Vector512.LoadUnsafe(ref yr, i));
                sum = Vector512.FusedMultiplyAdd(b1, Vector512.LoadUnsafe(ref r1, i), sum);
                sum = Vector512.FusedMultiplyAdd(b2, Vector512.LoadUnsafe(ref r2, i), sum);
                Vector512.FusedMultiplyAdd(b3, Vector512.LoadUnsafe(ref r3, i), sum).StoreUnsafe(ref yr, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> b0 = Vector256.Create(a0), b1 = Vector256.Create(a1), b2 = Vector256.Create(a2), b3 = Vector256.Create(a3);
            for (; (int)i <= n - Vector256<double>.Count; i += (nuint)Vector256<double>.Count)
            {
                Vector256<double> sum = Vector256.FusedMultiplyAdd(b0, Vector256.LoadUnsafe(ref r0, i), Vector256.LoadUnsafe(ref yr, i));
                sum = Vector256.FusedMultiplyAdd(b1, Vector256.LoadUnsafe(ref r1, i), sum);
                sum = Vector256.FusedMultiplyAdd(b2, Vector256.LoadUnsafe(ref r2, i), sum);
                Vector256.FusedMultiplyAdd(b3, Vector256.LoadUnsafe(ref r3, i), sum).StoreUnsafe(ref yr, i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<double> b0 = Vector128.Create(a0), b1 = Vector128.Create(a1), b2 = Vector128.Create(a2), b3 = Vector128.Create(a3);
            for (; (int)i <= n - Vector128<double>.Count; i += (nuint)Vector128<double>.Count)
            {
                Vector128<double> sum = Vector128.FusedMultiplyAdd(b0, Vector128.LoadUnsafe(ref r0, i), Vector128.LoadUnsafe(ref yr, i));
                sum = Vector128.FusedMultiplyAdd(b1, Vector128.LoadUnsafe(ref r1, i), sum);
                sum = Vector128.FusedMultiplyAdd(b2, Vector128.LoadUnsafe(ref r2, i), sum);
                Vector128.FusedMultiplyAdd(b3, Vector128.LoadUnsafe(ref r3, i), sum).StoreUnsafe(ref yr, i);
            }
        }

        for (; (int)i < n; i++)
        {
            double sum = Math.FusedMultiplyAdd(a0, Unsafe.Add(ref r0, i), Unsafe.Add(ref yr, i));
            sum = Math.FusedMultiplyAdd(a1, Unsafe.Add(ref r1, i), sum);
            sum = Math.FusedMultiplyAdd(a2, Unsafe.Add(ref r2, i), sum);
            Unsafe.Add(ref yr, i) = Math.FusedMultiplyAdd(a3, Unsafe.Add(ref r3, i), sum);
        }
    }

    /// <summary>x ← a·x (BLAS dscal).</summary>
    public static void Scale(double a, Span<double> x)
    {
        ref double xr = ref MemoryMarshal.GetReference(x);
        int n = x.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; (int)i <= n - Vector512<double>.Count; i += (nuint)Vector512<double>.Count)
            {
                (Vector512.LoadUnsafe(ref xr, i) * a).StoreUnsafe(ref xr, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; (int)i <= n - Vector256<double>.Count; i += (nuint)Vector256<double>.Count)
            {
                (Vector256.LoadUnsafe(ref xr, i) * a).StoreUnsafe(ref xr, i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; (int)i <= n - Vector128<double>.Count; i += (nuint)Vector128<double>.Count)
            {
                (Vector128.LoadUnsafe(ref xr, i) * a).StoreUnsafe(ref xr, i);
            }
        }

        for (; (int)i < n; i++)
        {
            Unsafe.Add(ref xr, i) *= a;
        }
    }

    /// <summary>Plane rotation of two rows (BLAS drot): x ← c·x + s·y, y ← c·y − s·x.</summary>
    public static void Rotate(Span<double> x, Span<double> y, double c, double s)
    {
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        int n = x.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<double> cv = Vector512.Create(c), sv = Vector512.Create(s), minusSv = -sv;
            for (; (int)i <= n - Vector512<double>.Count; i += (nuint)Vector512<double>.Count)
            {
                Vector512<double> xv = Vector512.LoadUnsafe(ref xr, i), yv = Vector512.LoadUnsafe(ref yr, i);
                Vector512.FusedMultiplyAdd(cv, xv, sv * yv).StoreUnsafe(ref xr, i);
                Vector512.FusedMultiplyAdd(minusSv, xv, cv * yv).StoreUnsafe(ref yr, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> cv = Vector256.Create(c), sv = Vector256.Create(s), minusSv = -sv;
            for (; (int)i <= n - Vector256<double>.Count; i += (nuint)Vector256<double>.Count)
            {
                Vector256<double> xv = Vector256.LoadUnsafe(ref xr, i), yv = Vector256.LoadUnsafe(ref yr, i);
                Vector256.FusedMultiplyAdd(cv, xv, sv * yv).StoreUnsafe(ref xr, i);
                Vector256.FusedMultiplyAdd(minusSv, xv, cv * yv).StoreUnsafe(ref yr, i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<double> cv = Vector128.Create(c), sv = Vector128.Create(s), minusSv = -sv;
            for (; (int)i <= n - Vector128<double>.Count; i += (nuint)Vector128<double>.Count)
            {
                Vector128<double> xv = Vector128.LoadUnsafe(ref xr, i), yv = Vector128.LoadUnsafe(ref yr, i);
                Vector128.FusedMultiplyAdd(cv, xv, sv * yv).StoreUnsafe(ref xr, i);
                Vector128.FusedMultiplyAdd(minusSv, xv, cv * yv).StoreUnsafe(ref yr, i);
            }
        }

        for (; (int)i < n; i++)
        {
            double xi = Unsafe.Add(ref xr, i), yi = Unsafe.Add(ref yr, i);
            Unsafe.Add(ref xr, i) = Math.FusedMultiplyAdd(c, xi, s * yi);
            Unsafe.Add(ref yr, i) = Math.FusedMultiplyAdd(-s, xi, c * yi);
        }
    }
}
