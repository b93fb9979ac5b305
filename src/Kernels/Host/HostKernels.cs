using System.Numerics;

namespace FactoredGpu.Kernels.Host;

/// <summary>
/// The host SIMD backend (<see cref="AcceleratorKind.Cpu"/>): Vector512/256/128 kernels with scalar tails,
/// cache-blocked and spread over all cores. Each operation lives in its own file beside this one.
/// </summary>
public sealed class HostKernels : IKernels
{
    /// <summary>The process-wide host backend. It holds no native resources, so sharing it is free.</summary>
    public static HostKernels Shared { get; } = new();

    /// <summary>Use <see cref="Shared"/>; a second instance exists only to test foreign-buffer checks.</summary>
    internal HostKernels()
    {
    }

    /// <inheritdoc/>
    public AcceleratorKind Kind => AcceleratorKind.Cpu;

    /// <inheritdoc/>
    public string DeviceName { get; } = $"host CPU ({Environment.ProcessorCount} threads, {SimdWidth()})";

    /// <inheritdoc/>
    public DeviceBuffer<T> Allocate<T>(long length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > Array.MaxLength)
        {
            throw new InsufficientMemoryException($"A host buffer of {length} elements exceeds the largest .NET array ({Array.MaxLength}).");
        }

        try
        {
            return new HostBuffer<T>(this, HugePages.Allocate<T>(length));
        }
        catch (OutOfMemoryException e)
        {
            throw new InsufficientMemoryException($"Host memory for {length} elements of {typeof(T).Name} could not be allocated.", e);
        }
    }

    /// <inheritdoc/>
    public void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer<T> destination, long destinationOffset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.Owned(this, destination, nameof(destination));
        KernelChecks.Range(destination, destinationOffset, source.Length);
        source.CopyTo(((HostBuffer<T>)destination).Array.AsSpan(checked((int)destinationOffset)));
    }

    /// <inheritdoc/>
    public void Download<T>(DeviceBuffer<T> source, long sourceOffset, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.Owned(this, source, nameof(source));
        KernelChecks.Range(source, sourceOffset, destination.Length);
        ((HostBuffer<T>)source).Array.AsSpan(checked((int)sourceOffset), destination.Length).CopyTo(destination);
    }

    /// <inheritdoc/>
    public void Gemm<T>(T alpha, in MatrixBatch<T> a, in MatrixBatch<T> b, T beta, in MatrixBatch<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.Gemm(this, a, b, c);
        BatchedGemm.Run(alpha, a, b, beta, c);
    }

    /// <inheritdoc/>
    public void Gram<T>(in MatrixBatch<T> x, in MatrixBatch<T> gram)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.Gram(this, x, gram);
        BatchedGram.Run(x, gram);
    }

    /// <inheritdoc/>
    public void FrobeniusSquaredOfProduct<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, DeviceBuffer<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.Product("FrobeniusSquaredOfProduct", this, a, b, result, a.Count);
        KernelChecks.GramFits("FrobeniusSquaredOfProduct", a, b);
        FrobeniusOfProduct.Run(a, b, ((HostBuffer<T>)result).Array);
    }

    /// <inheritdoc/>
    public void TraceOfProduct<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, DeviceBuffer<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.Product("TraceOfProduct", this, a, b, result, a.Count);
        KernelChecks.Square("TraceOfProduct", a, b);
        Host.TraceOfProduct.Run(a, b, ((HostBuffer<T>)result).Array);
    }

    /// <inheritdoc/>
    public void DiagonalOfProduct<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, DeviceBuffer<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.Product("DiagonalOfProduct", this, a, b, result, (long)a.Count * Math.Min(a.Rows, b.Cols));
        Host.DiagonalOfProduct.Run(a, b, ((HostBuffer<T>)result).Array);
    }

    /// <inheritdoc/>
    public void Scale<T>(T alpha, in MatrixBatch<T> source, in MatrixBatch<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.Scale(this, source, destination);
        BatchedScale.Run(alpha, source, destination);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // Nothing native to release; the shared instance stays usable.
    }

    private static string SimdWidth() =>
        System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "AVX-512"
        : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "256-bit SIMD"
        : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? "128-bit SIMD"
        : "scalar";
}
