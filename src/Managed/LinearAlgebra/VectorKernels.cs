using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FactoredGpu.Kernels.Host;

namespace FactoredGpu.LinearAlgebra;

/// <summary>
/// Level-1 BLAS on contiguous double spans (ddot, daxpy, dscal, drot), each written once over the kernels' register
/// abstraction <see cref="ISimd{T, TVector}"/> and run by <see cref="Simd.Dispatch{T, TOperation}"/> at the widest
/// accelerated width, with a scalar tail. The summation order depends only on the length and the hardware, never on
/// threading.
/// </summary>
internal static class VectorKernels
{
    /// <summary>xᵀy (BLAS ddot).</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var dot = new DotOperation { X = x, Y = y };
        Simd.Dispatch<double, DotOperation>(ref dot);
        return dot.Result;
    }

    /// <summary>y ← a·x + y (BLAS daxpy).</summary>
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        var axpy = new AxpyOperation { A = a, X = x, Y = y };
        Simd.Dispatch<double, AxpyOperation>(ref axpy);
    }

    /// <summary>y ← a₀·x₀ + a₁·x₁ + a₂·x₂ + a₃·x₃ + y: four daxpy fused so y is loaded and stored once.</summary>
    public static void Axpy4(double a0, double a1, double a2, double a3, ReadOnlySpan<double> x0, ReadOnlySpan<double> x1, ReadOnlySpan<double> x2, ReadOnlySpan<double> x3, Span<double> y)
    {
        var axpy = new Axpy4Operation { A0 = a0, A1 = a1, A2 = a2, A3 = a3, X0 = x0, X1 = x1, X2 = x2, X3 = x3, Y = y };
        Simd.Dispatch<double, Axpy4Operation>(ref axpy);
    }

    /// <summary>x ← a·x (BLAS dscal).</summary>
    public static void Scale(double a, Span<double> x)
    {
        var scale = new ScaleOperation { A = a, X = x };
        Simd.Dispatch<double, ScaleOperation>(ref scale);
    }

    /// <summary>Plane rotation of two rows (BLAS drot): x ← c·x + s·y, y ← c·y − s·x.</summary>
    public static void Rotate(Span<double> x, Span<double> y, double c, double s)
    {
        var rotate = new RotateOperation { X = x, Y = y, C = c, S = s };
        Simd.Dispatch<double, RotateOperation>(ref rotate);
    }

    private ref struct DotOperation : ISimdOperation<double>
    {
        public ReadOnlySpan<double> X, Y;
        public double Result;

        public void Run<TVector, TSimd>()
            where TVector : struct
            where TSimd : ISimd<double, TVector>
        {
            ref double xr = ref MemoryMarshal.GetReference(X);
            ref double yr = ref MemoryMarshal.GetReference(Y);
            int n = X.Length, w = TSimd.Count, i = 0;
            TVector acc0 = TSimd.Zero, acc1 = TSimd.Zero;
            for (; i <= n - (2 * w); i += 2 * w)
            {
                acc0 = TSimd.MultiplyAdd(TSimd.Load(ref Unsafe.Add(ref xr, i)), TSimd.Load(ref Unsafe.Add(ref yr, i)), acc0);
                acc1 = TSimd.MultiplyAdd(TSimd.Load(ref Unsafe.Add(ref xr, i + w)), TSimd.Load(ref Unsafe.Add(ref yr, i + w)), acc1);
            }

            for (; i <= n - w; i += w)
            {
                acc0 = TSimd.MultiplyAdd(TSimd.Load(ref Unsafe.Add(ref xr, i)), TSimd.Load(ref Unsafe.Add(ref yr, i)), acc0);
            }

            double sum = TSimd.Sum(acc0) + TSimd.Sum(acc1);
            for (; i < n; i++)
            {
                sum = Math.FusedMultiplyAdd(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i), sum);
            }

            Result = sum;
        }
    }

    private ref struct AxpyOperation : ISimdOperation<double>
    {
        public double A;
        public ReadOnlySpan<double> X;
        public Span<double> Y;

        public readonly void Run<TVector, TSimd>()
            where TVector : struct
            where TSimd : ISimd<double, TVector>
        {
            ref double xr = ref MemoryMarshal.GetReference(X);
            ref double yr = ref MemoryMarshal.GetReference(Y);
            int n = X.Length, w = TSimd.Count, i = 0;
            TVector a = TSimd.Broadcast(A);
            for (; i <= n - w; i += w)
            {
                TSimd.Store(TSimd.MultiplyAdd(a, TSimd.Load(ref Unsafe.Add(ref xr, i)), TSimd.Load(ref Unsafe.Add(ref yr, i))), ref Unsafe.Add(ref yr, i));
            }

            for (; i < n; i++)
            {
                Unsafe.Add(ref yr, i) = Math.FusedMultiplyAdd(A, Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
            }
        }
    }

    private ref struct Axpy4Operation : ISimdOperation<double>
    {
        public double A0, A1, A2, A3;
        public ReadOnlySpan<double> X0, X1, X2, X3;
        public Span<double> Y;

        public readonly void Run<TVector, TSimd>()
            where TVector : struct
            where TSimd : ISimd<double, TVector>
        {
            ref double r0 = ref MemoryMarshal.GetReference(X0);
            ref double r1 = ref MemoryMarshal.GetReference(X1);
            ref double r2 = ref MemoryMarshal.GetReference(X2);
            ref double r3 = ref MemoryMarshal.GetReference(X3);
            ref double yr = ref MemoryMarshal.GetReference(Y);
            int n = Y.Length, w = TSimd.Count, i = 0;
            TVector b0 = TSimd.Broadcast(A0), b1 = TSimd.Broadcast(A1), b2 = TSimd.Broadcast(A2), b3 = TSimd.Broadcast(A3);
            for (; i <= n - w; i += w)
            {
                TVector sum = TSimd.MultiplyAdd(b0, TSimd.Load(ref Unsafe.Add(ref r0, i)), TSimd.Load(ref Unsafe.Add(ref yr, i)));
                sum = TSimd.MultiplyAdd(b1, TSimd.Load(ref Unsafe.Add(ref r1, i)), sum);
                sum = TSimd.MultiplyAdd(b2, TSimd.Load(ref Unsafe.Add(ref r2, i)), sum);
                TSimd.Store(TSimd.MultiplyAdd(b3, TSimd.Load(ref Unsafe.Add(ref r3, i)), sum), ref Unsafe.Add(ref yr, i));
            }

            for (; i < n; i++)
            {
                double sum = Math.FusedMultiplyAdd(A0, Unsafe.Add(ref r0, i), Unsafe.Add(ref yr, i));
                sum = Math.FusedMultiplyAdd(A1, Unsafe.Add(ref r1, i), sum);
                sum = Math.FusedMultiplyAdd(A2, Unsafe.Add(ref r2, i), sum);
                Unsafe.Add(ref yr, i) = Math.FusedMultiplyAdd(A3, Unsafe.Add(ref r3, i), sum);
            }
        }
    }

    private ref struct ScaleOperation : ISimdOperation<double>
    {
        public double A;
        public Span<double> X;

        public readonly void Run<TVector, TSimd>()
            where TVector : struct
            where TSimd : ISimd<double, TVector>
        {
            ref double xr = ref MemoryMarshal.GetReference(X);
            int n = X.Length, w = TSimd.Count, i = 0;
            TVector a = TSimd.Broadcast(A);
            for (; i <= n - w; i += w)
            {
                TSimd.Store(TSimd.Multiply(a, TSimd.Load(ref Unsafe.Add(ref xr, i))), ref Unsafe.Add(ref xr, i));
            }

            for (; i < n; i++)
            {
                Unsafe.Add(ref xr, i) *= A;
            }
        }
    }

    private ref struct RotateOperation : ISimdOperation<double>
    {
        public Span<double> X, Y;
        public double C, S;

        public readonly void Run<TVector, TSimd>()
            where TVector : struct
            where TSimd : ISimd<double, TVector>
        {
            ref double xr = ref MemoryMarshal.GetReference(X);
            ref double yr = ref MemoryMarshal.GetReference(Y);
            int n = X.Length, w = TSimd.Count, i = 0;
            TVector c = TSimd.Broadcast(C), s = TSimd.Broadcast(S), minusS = TSimd.Broadcast(-S);
            for (; i <= n - w; i += w)
            {
                TVector xv = TSimd.Load(ref Unsafe.Add(ref xr, i)), yv = TSimd.Load(ref Unsafe.Add(ref yr, i));
                TSimd.Store(TSimd.MultiplyAdd(c, xv, TSimd.Multiply(s, yv)), ref Unsafe.Add(ref xr, i));
                TSimd.Store(TSimd.MultiplyAdd(minusS, xv, TSimd.Multiply(c, yv)), ref Unsafe.Add(ref yr, i));
            }

            for (; i < n; i++)
            {
                double xi = Unsafe.Add(ref xr, i), yi = Unsafe.Add(ref yr, i);
                Unsafe.Add(ref xr, i) = Math.FusedMultiplyAdd(C, xi, S * yi);
                Unsafe.Add(ref yr, i) = Math.FusedMultiplyAdd(-S, xi, C * yi);
            }
        }
    }
}
