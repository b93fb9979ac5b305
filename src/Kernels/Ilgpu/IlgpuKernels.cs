using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace FactoredGpu.Kernels.Ilgpu;

/// <summary>
/// The ILGPU backend (<see cref="AcceleratorKind.Cuda"/>, <see cref="AcceleratorKind.OpenCL"/> or
/// <see cref="AcceleratorKind.IlgpuCpu"/>): tiled shared-memory kernels, one operation per file beside this one.
/// </summary>
/// <remarks>
/// Kernels are compiled once per element type, on first use, and reused. Every call is serialized on the
/// accelerator's default stream and synchronizes before it returns, so calls from several threads are safe and each
/// sees the results of the calls that completed before it.
/// </remarks>
public sealed class IlgpuKernels : IKernels
{
    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly Lazy<KernelSet<float>> _float;
    private readonly Lazy<KernelSet<double>> _double;

    /// <summary>One lock per accelerator: launches, copies and the synchronization after them go through it.</summary>
    private readonly Lock _stream = new();

    /// <summary>Takes ownership of <paramref name="context"/> and <paramref name="accelerator"/>; both are disposed with this backend.</summary>
    /// <param name="context">A context used by this backend alone: a kernel that fails to compile poisons its context.</param>
    /// <param name="accelerator">The device, created from <paramref name="context"/>.</param>
    /// <param name="kind">The backend kind the accelerator stands for.</param>
    internal IlgpuKernels(Context context, Accelerator accelerator, AcceleratorKind kind)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(accelerator);
        _context = context;
        _accelerator = accelerator;
        Kind = kind;
        DeviceName = accelerator.Name;
        _float = new Lazy<KernelSet<float>>(() => new KernelSet<float>(accelerator), LazyThreadSafetyMode.ExecutionAndPublication);
        _double = new Lazy<KernelSet<double>>(() => new KernelSet<double>(accelerator), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <inheritdoc/>
    public AcceleratorKind Kind { get; }

    /// <inheritdoc/>
    public string DeviceName { get; }

    /// <inheritdoc/>
    public DeviceBuffer<T> Allocate<T>(long length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        lock (_stream)
        {
            MemoryBuffer1D<T, Stride1D.Dense> memory = IlgpuMemory.Allocate<T>(_accelerator, length);
            memory.MemSetToZero();
            _accelerator.Synchronize();
            return new IlgpuBuffer<T>(this, memory);
        }
    }

    /// <inheritdoc/>
    public void Upload<T>(ReadOnlySpan<T> source, DeviceBuffer<T> destination, long destinationOffset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.Owned(this, destination, nameof(destination));
        KernelChecks.Range(destination, destinationOffset, source.Length);
        if (source.IsEmpty)
        {
            return;
        }

        lock (_stream)
        {
            IlgpuMemory.CopyFromHost(source, View(destination).SubView(destinationOffset, source.Length));
        }
    }

    /// <inheritdoc/>
    public void Download<T>(DeviceBuffer<T> source, long sourceOffset, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.Owned(this, source, nameof(source));
        KernelChecks.Range(source, sourceOffset, destination.Length);
        if (destination.IsEmpty)
        {
            return;
        }

        lock (_stream)
        {
            IlgpuMemory.CopyToHost(View(source).SubView(sourceOffset, destination.Length), destination);
        }
    }

    /// <inheritdoc/>
    public void Gemm<T>(T alpha, in MatrixBatch<T> a, in MatrixBatch<T> b, T beta, in MatrixBatch<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.Gemm(this, a, b, c);
        KernelSet<T> set = Kernels<T>();
        lock (_stream)
        {
            using MemoryBuffer1D<long, Stride1D.Dense> offsets = IlgpuMemory.Upload(_accelerator, a.Offsets, b.Offsets, c.Offsets);
            set.Gemm.Run(a.Count, alpha, Operand(a, offsets, 0), Operand(b, offsets, 1), beta, Operand(c, offsets, 2));
            _accelerator.Synchronize();
        }
    }

    /// <inheritdoc/>
    public void Gram<T>(in MatrixBatch<T> x, in MatrixBatch<T> gram)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.Gram(this, x, gram);
        KernelSet<T> set = Kernels<T>();
        lock (_stream)
        {
            using MemoryBuffer1D<long, Stride1D.Dense> offsets = IlgpuMemory.Upload(_accelerator, x.Offsets, gram.Offsets);
            set.Gram.Run(x.Count, Operand(x, offsets, 0), Operand(gram, offsets, 1));
            _accelerator.Synchronize();
        }
    }

    /// <inheritdoc/>
    public void FrobeniusSquaredOfProduct<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, DeviceBuffer<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.Product("FrobeniusSquaredOfProduct", this, a, b, result, a.Count);
        KernelChecks.GramFits("FrobeniusSquaredOfProduct", a, b);
        KernelSet<T> set = Kernels<T>();
        lock (_stream)
        {
            set.Frobenius.Run(a, b, View(a.Buffer), View(b.Buffer), View(result));
        }
    }

    /// <inheritdoc/>
    public void TraceOfProduct<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, DeviceBuffer<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.Product("TraceOfProduct", this, a, b, result, a.Count);
        KernelChecks.Square("TraceOfProduct", a, b);
        KernelSet<T> set = Kernels<T>();
        lock (_stream)
        {
            using MemoryBuffer1D<long, Stride1D.Dense> offsets = IlgpuMemory.Upload(_accelerator, a.Offsets, b.Offsets);
            set.Trace.Run(a.Count, Operand(a, offsets, 0), Operand(b, offsets, 1), View(result));
            _accelerator.Synchronize();
        }
    }

    /// <inheritdoc/>
    public void DiagonalOfProduct<T>(in MatrixBatch<T> a, in MatrixBatch<T> b, DeviceBuffer<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.Product("DiagonalOfProduct", this, a, b, result, (long)a.Count * Math.Min(a.Rows, b.Cols));
        KernelSet<T> set = Kernels<T>();
        lock (_stream)
        {
            using MemoryBuffer1D<long, Stride1D.Dense> offsets = IlgpuMemory.Upload(_accelerator, a.Offsets, b.Offsets);
            set.Diagonal.Run(a.Count, Operand(a, offsets, 0), Operand(b, offsets, 1), View(result));
            _accelerator.Synchronize();
        }
    }

    /// <inheritdoc/>
    public void Scale<T>(T alpha, in MatrixBatch<T> source, in MatrixBatch<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelChecks.Scale(this, source, destination);
        KernelSet<T> set = Kernels<T>();
        lock (_stream)
        {
            using MemoryBuffer1D<long, Stride1D.Dense> offsets = IlgpuMemory.Upload(_accelerator, source.Offsets, destination.Offsets);
            set.Scale.Run(source.Count, alpha, Operand(source, offsets, 0), Operand(destination, offsets, 1));
            _accelerator.Synchronize();
        }
    }

    /// <summary>Releases the accelerator and then its context.</summary>
    public void Dispose()
    {
        _accelerator.Dispose();
        _context.Dispose();
    }

    private static ArrayView<T> View<T>(DeviceBuffer<T> buffer)
        where T : unmanaged, IFloatingPointIeee754<T> => ((IlgpuBuffer<T>)buffer).View;

    /// <summary>The kernel view of <paramref name="batch"/>, whose offsets are part <paramref name="part"/> of the per-call upload.</summary>
    private static BatchOperand<T> Operand<T>(in MatrixBatch<T> batch, MemoryBuffer1D<long, Stride1D.Dense> offsets, int part)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new(View(batch.Buffer), offsets.View.SubView((long)part * batch.Count, batch.Count), batch.Rows, batch.Cols, Strides.Of(batch));

    private KernelSet<T> Kernels<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? (KernelSet<T>)(object)_float.Value
        : typeof(T) == typeof(double) ? (KernelSet<T>)(object)_double.Value
        : throw new NotSupportedException($"The ILGPU backend supports float and double, not {typeof(T).Name}.");

    /// <summary>Every kernel for one element type, compiled together on first use of that type.</summary>
    private sealed class KernelSet<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public KernelSet(Accelerator accelerator)
        {
            Gemm = new BatchedGemm.Launcher<T>(accelerator);
            Gram = new BatchedGram.Launcher<T>(accelerator);
            Frobenius = new FrobeniusOfProduct.Launcher<T>(accelerator, Gram);
            Trace = new TraceOfProduct.Launcher<T>(accelerator);
            Diagonal = new DiagonalOfProduct.Launcher<T>(accelerator);
            Scale = new BatchedScale.Launcher<T>(accelerator);
        }

        public BatchedGemm.Launcher<T> Gemm { get; }

        public BatchedGram.Launcher<T> Gram { get; }

        public FrobeniusOfProduct.Launcher<T> Frobenius { get; }

        public TraceOfProduct.Launcher<T> Trace { get; }

        public DiagonalOfProduct.Launcher<T> Diagonal { get; }

        public BatchedScale.Launcher<T> Scale { get; }
    }
}
