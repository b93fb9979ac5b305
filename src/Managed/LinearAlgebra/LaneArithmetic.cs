using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FactoredGpu.LinearAlgebra;

/// <summary>
/// Element-wise double arithmetic on one register of <see cref="Count"/> lanes, so that a batched kernel is written
/// once and instantiated for <see cref="Vector512{T}"/>, <see cref="Vector256{T}"/>, <see cref="Vector128{T}"/> and a
/// single scalar lane (the operator-struct pattern of System.Numerics.Tensors).
/// </summary>
/// <remarks>
/// Comparisons return masks whose lanes are all ones (true) or all zeros (false), as the hardware compares do.
/// Data is addressed in <see cref="double"/> elements; a load at <c>offset</c> reads lanes <c>offset … offset + Count − 1</c>.
/// </remarks>
/// <typeparam name="TVec">The register type.</typeparam>
internal interface ILaneArithmetic<TVec>
    where TVec : struct
{
    static abstract int Count { get; }

    static abstract TVec Create(double value);

    static abstract TVec Load(ref double source, nuint offset);

    static abstract void Store(TVec value, ref double destination, nuint offset);

    static abstract TVec Add(TVec left, TVec right);

    static abstract TVec Subtract(TVec left, TVec right);

    static abstract TVec Multiply(TVec left, TVec right);

    static abstract TVec Divide(TVec left, TVec right);

    /// <summary>Fused <c>left · right + addend</c>, rounded once.</summary>
    static abstract TVec MultiplyAdd(TVec left, TVec right, TVec addend);

    static abstract TVec Negate(TVec value);

    static abstract TVec Abs(TVec value);

    static abstract TVec Sqrt(TVec value);

    static abstract TVec Max(TVec left, TVec right);

    static abstract TVec Min(TVec left, TVec right);

    static abstract TVec Equals(TVec left, TVec right);

    static abstract TVec LessThan(TVec left, TVec right);

    static abstract TVec LessThanOrEqual(TVec left, TVec right);

    static abstract TVec And(TVec left, TVec right);

    static abstract TVec Or(TVec left, TVec right);

    /// <summary><c>left &amp; ~right</c>.</summary>
    static abstract TVec AndNot(TVec left, TVec right);

    static abstract TVec Select(TVec mask, TVec whenTrue, TVec whenFalse);

    /// <summary>Whether any lane of a comparison mask is true.</summary>
    static abstract bool Any(TVec mask);
}

/// <summary>Eight lanes (AVX-512).</summary>
internal readonly struct Vector512Lanes : ILaneArithmetic<Vector512<double>>
{
    public static int Count => Vector512<double>.Count;

    public static Vector512<double> Create(double value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Load(ref double source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<double> value, ref double destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    public static Vector512<double> Add(Vector512<double> left, Vector512<double> right) => left + right;

    public static Vector512<double> Subtract(Vector512<double> left, Vector512<double> right) => left - right;

    public static Vector512<double> Multiply(Vector512<double> left, Vector512<double> right) => left * right;

    public static Vector512<double> Divide(Vector512<double> left, Vector512<double> right) => left / right;

    public static Vector512<double> MultiplyAdd(Vector512<double> left, Vector512<double> right, Vector512<double> addend) =>
        Vector512.FusedMultiplyAdd(left, right, addend);

    public static Vector512<double> Negate(Vector512<double> value) => -value;

    public static Vector512<double> Abs(Vector512<double> value) => Vector512.Abs(value);

    public static Vector512<double> Sqrt(Vector512<double> value) => Vector512.Sqrt(value);

    public static Vector512<double> Max(Vector512<double> left, Vector512<double> right) => Vector512.Max(left, right);

    public static Vector512<double> Min(Vector512<double> left, Vector512<double> right) => Vector512.Min(left, right);

    public static Vector512<double> Equals(Vector512<double> left, Vector512<double> right) => Vector512.Equals(left, right);

    public static Vector512<double> LessThan(Vector512<double> left, Vector512<double> right) => Vector512.LessThan(left, right);

    public static Vector512<double> LessThanOrEqual(Vector512<double> left, Vector512<double> right) => Vector512.LessThanOrEqual(left, right);

    public static Vector512<double> And(Vector512<double> left, Vector512<double> right) => left & right;

    public static Vector512<double> Or(Vector512<double> left, Vector512<double> right) => left | right;

    public static Vector512<double> AndNot(Vector512<double> left, Vector512<double> right) => Vector512.AndNot(left, right);

    public static Vector512<double> Select(Vector512<double> mask, Vector512<double> whenTrue, Vector512<double> whenFalse) =>
        Vector512.ConditionalSelect(mask, whenTrue, whenFalse);

    public static bool Any(Vector512<double> mask) => Vector512.ExtractMostSignificantBits(mask) != 0;
}

/// <summary>Four lanes (AVX2).</summary>
internal readonly struct Vector256Lanes : ILaneArithmetic<Vector256<double>>
{
    public static int Count => Vector256<double>.Count;

    public static Vector256<double> Create(double value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load(ref double source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<double> value, ref double destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    public static Vector256<double> Add(Vector256<double> left, Vector256<double> right) => left + right;

    public static Vector256<double> Subtract(Vector256<double> left, Vector256<double> right) => left - right;

    public static Vector256<double> Multiply(Vector256<double> left, Vector256<double> right) => left * right;

    public static Vector256<double> Divide(Vector256<double> left, Vector256<double> right) => left / right;

    public static Vector256<double> MultiplyAdd(Vector256<double> left, Vector256<double> right, Vector256<double> addend) =>
        Vector256.FusedMultiplyAdd(left, right, addend);

    public static Vector256<double> Negate(Vector256<double> value) => -value;

    public static Vector256<double> Abs(Vector256<double> value) => Vector256.Abs(value);

    public static Vector256<double> Sqrt(Vector256<double> value) => Vector256.Sqrt(value);

    public static Vector256<double> Max(Vector256<double> left, Vector256<double> right) => Vector256.Max(left, right);

    public static Vector256<double> Min(Vector256<double> left, Vector256<double> right) => Vector256.Min(left, right);

    public static Vector256<double> Equals(Vector256<double> left, Vector256<double> right) => Vector256.Equals(left, right);

    public static Vector256<double> LessThan(Vector256<double> left, Vector256<double> right) => Vector256.LessThan(left, right);

    public static Vector256<double> LessThanOrEqual(Vector256<double> left, Vector256<double> right) => Vector256.LessThanOrEqual(left, right);

    public static Vector256<double> And(Vector256<double> left, Vector256<double> right) => left & right;

    public static Vector256<double> Or(Vector256<double> left, Vector256<double> right) => left | right;

    public static Vector256<double> AndNot(Vector256<double> left, Vector256<double> right) => Vector256.AndNot(left, right);

    public static Vector256<double> Select(Vector256<double> mask, Vector256<double> whenTrue, Vector256<double> whenFalse) =>
        Vector256.ConditionalSelect(mask, whenTrue, whenFalse);

    public static bool Any(Vector256<double> mask) => Vector256.ExtractMostSignificantBits(mask) != 0;
}

/// <summary>Two lanes (SSE2 / AdvSimd).</summary>
internal readonly struct Vector128Lanes : ILaneArithmetic<Vector128<double>>
{
    public static int Count => Vector128<double>.Count;

    public static Vector128<double> Create(double value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Load(ref double source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<double> value, ref double destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    public static Vector128<double> Add(Vector128<double> left, Vector128<double> right) => left + right;

    public static Vector128<double> Subtract(Vector128<double> left, Vector128<double> right) => left - right;

    public static Vector128<double> Multiply(Vector128<double> left, Vector128<double> right) => left * right;

    public static Vector128<double> Divide(Vector128<double> left, Vector128<double> right) => left / right;

    public static Vector128<double> MultiplyAdd(Vector128<double> left, Vector128<double> right, Vector128<double> addend) =>
        Vector128.FusedMultiplyAdd(left, right, addend);

    public static Vector128<double> Negate(Vector128<double> value) => -value;

    public static Vector128<double> Abs(Vector128<double> value) => Vector128.Abs(value);

    public static Vector128<double> Sqrt(Vector128<double> value) => Vector128.Sqrt(value);

    public static Vector128<double> Max(Vector128<double> left, Vector128<double> right) => Vector128.Max(left, right);

    public static Vector128<double> Min(Vector128<double> left, Vector128<double> right) => Vector128.Min(left, right);

    public static Vector128<double> Equals(Vector128<double> left, Vector128<double> right) => Vector128.Equals(left, right);

    public static Vector128<double> LessThan(Vector128<double> left, Vector128<double> right) => Vector128.LessThan(left, right);

    public static Vector128<double> LessThanOrEqual(Vector128<double> left, Vector128<double> right) => Vector128.LessThanOrEqual(left, right);

    public static Vector128<double> And(Vector128<double> left, Vector128<double> right) => left & right;

    public static Vector128<double> Or(Vector128<double> left, Vector128<double> right) => left | right;

    public static Vector128<double> AndNot(Vector128<double> left, Vector128<double> right) => Vector128.AndNot(left, right);

    public static Vector128<double> Select(Vector128<double> mask, Vector128<double> whenTrue, Vector128<double> whenFalse) =>
        Vector128.ConditionalSelect(mask, whenTrue, whenFalse);

    public static bool Any(Vector128<double> mask) => Vector128.ExtractMostSignificantBits(mask) != 0;
}

/// <summary>One lane, for platforms without accelerated vectors; a mask is a double whose bits are all ones or all zeros.</summary>
internal readonly struct ScalarLane : ILaneArithmetic<double>
{
    private static readonly double s_true = BitConverter.Int64BitsToDouble(-1);

    public static int Count => 1;

    public static double Create(double value) => value;

    public static double Load(ref double source, nuint offset) => Unsafe.Add(ref source, offset);

    public static void Store(double value, ref double destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;

    public static double Add(double left, double right) => left + right;

    public static double Subtract(double left, double right) => left - right;

    public static double Multiply(double left, double right) => left * right;

    public static double Divide(double left, double right) => left / right;

    public static double MultiplyAdd(double left, double right, double addend) => Math.FusedMultiplyAdd(left, right, addend);

    public static double Negate(double value) => -value;

    public static double Abs(double value) => Math.Abs(value);

    public static double Sqrt(double value) => Math.Sqrt(value);

    public static double Max(double left, double right) => Math.Max(left, right);

    public static double Min(double left, double right) => Math.Min(left, right);

    public static double Equals(double left, double right) => left == right ? s_true : 0.0;

    public static double LessThan(double left, double right) => left < right ? s_true : 0.0;

    public static double LessThanOrEqual(double left, double right) => left <= right ? s_true : 0.0;

    public static double And(double left, double right) =>
        BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(left) & BitConverter.DoubleToInt64Bits(right));

    public static double Or(double left, double right) =>
        BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(left) | BitConverter.DoubleToInt64Bits(right));

    public static double AndNot(double left, double right) =>
        BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(left) & ~BitConverter.DoubleToInt64Bits(right));

    public static double Select(double mask, double whenTrue, double whenFalse) =>
        BitConverter.DoubleToInt64Bits(mask) != 0 ? whenTrue : whenFalse;

    public static bool Any(double mask) => BitConverter.DoubleToInt64Bits(mask) != 0;
}
