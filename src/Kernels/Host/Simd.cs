using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FactoredGpu.Kernels.Host;

/// <summary>
/// One SIMD register width over <typeparamref name="T"/>, so a kernel is written once and specialised by the JIT for
/// Vector512, Vector256, Vector128 or plain scalars (each implementation is a struct: generic code over it is compiled
/// per width, and the <c>typeof(T)</c> tests below fold away).
/// </summary>
/// <typeparam name="T">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TVector">The register type.</typeparam>
internal interface ISimd<T, TVector>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TVector : struct
{
    /// <summary>Elements per register.</summary>
    static abstract int Count { get; }

    static abstract TVector Zero { get; }

    static abstract TVector Load(ref T source);

    static abstract void Store(TVector value, ref T destination);

    static abstract TVector Broadcast(T value);

    static abstract TVector Multiply(TVector left, TVector right);

    /// <summary><c>a·b + c</c> with a single rounding, bit-identical to <see cref="IFloatingPointIeee754{TSelf}.FusedMultiplyAdd"/>.</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    /// <summary>
    /// The sum of the lanes, in a fixed order: the upper half added to the lower, halving down to 128 bits, then the
    /// runtime's 128-bit horizontal sum (a few shuffles; the runtime's 512-bit sum spends ~25 instructions per register).
    /// </summary>
    static abstract T Sum(TVector value);

    /// <summary>
    /// <c>2·Count</c> consecutive <typeparamref name="TSource"/> elements as two registers of <typeparamref name="T"/>
    /// (double): float sources are widened exactly, double sources loaded as they are.
    /// </summary>
    static abstract (TVector Lower, TVector Upper) LoadWidened<TSource>(ref TSource source)
        where TSource : unmanaged;
}

/// <summary>The widest registers: AVX-512.</summary>
internal readonly struct Simd512<T> : ISimd<T, Vector512<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;

    public static Vector512<T> Zero => Vector512<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(ref T source) => Vector512.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Broadcast(T value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Multiply(Vector512<T> left, Vector512<T> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c) =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> value) => Simd256<T>.Sum(value.GetLower() + value.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<T> Lower, Vector512<T> Upper) LoadWidened<TSource>(ref TSource source)
        where TSource : unmanaged
    {
        if (typeof(TSource) == typeof(float))
        {
            var (lower, upper) = Vector512.Widen(Vector512.LoadUnsafe(ref Unsafe.As<TSource, float>(ref source)));
            return (lower.As<double, T>(), upper.As<double, T>());
        }

        ref T first = ref Unsafe.As<TSource, T>(ref source);
        return (Vector512.LoadUnsafe(ref first), Vector512.LoadUnsafe(ref Unsafe.Add(ref first, Count)));
    }
}

/// <summary>AVX2 / 256-bit registers.</summary>
internal readonly struct Simd256<T> : ISimd<T, Vector256<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;

    public static Vector256<T> Zero => Vector256<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(ref T source) => Vector256.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Broadcast(T value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Multiply(Vector256<T> left, Vector256<T> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c) =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> value) => Vector128.Sum(value.GetLower() + value.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<T> Lower, Vector256<T> Upper) LoadWidened<TSource>(ref TSource source)
        where TSource : unmanaged
    {
        if (typeof(TSource) == typeof(float))
        {
            var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref Unsafe.As<TSource, float>(ref source)));
            return (lower.As<double, T>(), upper.As<double, T>());
        }

        ref T first = ref Unsafe.As<TSource, T>(ref source);
        return (Vector256.LoadUnsafe(ref first), Vector256.LoadUnsafe(ref Unsafe.Add(ref first, Count)));
    }
}

/// <summary>SSE / NEON 128-bit registers.</summary>
internal readonly struct Simd128<T> : ISimd<T, Vector128<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector128<T>.Count;

    public static Vector128<T> Zero => Vector128<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(ref T source) => Vector128.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Broadcast(T value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Multiply(Vector128<T> left, Vector128<T> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAdd(Vector128<T> a, Vector128<T> b, Vector128<T> c) =>
        typeof(T) == typeof(float)
            ? Vector128.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector128.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector128<T> value) => Vector128.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<T> Lower, Vector128<T> Upper) LoadWidened<TSource>(ref TSource source)
        where TSource : unmanaged
    {
        if (typeof(TSource) == typeof(float))
        {
            var (lower, upper) = Vector128.Widen(Vector128.LoadUnsafe(ref Unsafe.As<TSource, float>(ref source)));
            return (lower.As<double, T>(), upper.As<double, T>());
        }

        ref T first = ref Unsafe.As<TSource, T>(ref source);
        return (Vector128.LoadUnsafe(ref first), Vector128.LoadUnsafe(ref Unsafe.Add(ref first, Count)));
    }
}

/// <summary>No SIMD: one element per "register".</summary>
internal readonly struct SimdScalar<T> : ISimd<T, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => 1;

    public static T Zero => T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(ref T source) => source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T value, ref T destination) => destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Broadcast(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Multiply(T left, T right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MultiplyAdd(T a, T b, T c) => T.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (T Lower, T Upper) LoadWidened<TSource>(ref TSource source)
        where TSource : unmanaged =>
        typeof(TSource) == typeof(float)
            ? (T.CreateTruncating(Unsafe.As<TSource, float>(ref source)), T.CreateTruncating(Unsafe.Add(ref Unsafe.As<TSource, float>(ref source), 1)))
            : (Unsafe.As<TSource, T>(ref source), Unsafe.Add(ref Unsafe.As<TSource, T>(ref source), 1));
}

/// <summary>A computation written once over a register width, run by <see cref="Simd.Dispatch{T, TOperation}"/>.</summary>
/// <typeparam name="T">The element type.</typeparam>
internal interface ISimdOperation<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Runs the computation with registers <typeparamref name="TVector"/>.</summary>
    void Run<TVector, TSimd>()
        where TVector : struct
        where TSimd : ISimd<T, TVector>;
}

/// <summary>Picks the widest accelerated register width once, for every operation.</summary>
internal static class Simd
{
    /// <summary>Runs <paramref name="operation"/> at Vector512, Vector256, Vector128 or scalar width, whichever is widest here.</summary>
    public static void Dispatch<T, TOperation>(ref TOperation operation)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperation : ISimdOperation<T>, allows ref struct
    {
        if (Vector512.IsHardwareAccelerated)
        {
            operation.Run<Vector512<T>, Simd512<T>>();
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            operation.Run<Vector256<T>, Simd256<T>>();
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            operation.Run<Vector128<T>, Simd128<T>>();
        }
        else
        {
            operation.Run<T, SimdScalar<T>>();
        }
    }
}
