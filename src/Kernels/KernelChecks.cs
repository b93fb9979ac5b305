using System.Numerics;

namespace FactoredGpu.Kernels;

/// <summary>Argument validation shared by every backend, so each reports a mismatch with the same message.</summary>
internal static class KernelChecks
{
    public static void SameCount<T>(string operation, in MatrixBatch<T> a, in MatrixBatch<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"{operation}: batch sizes differ, {a} and {b}.");
        }
    }

    public static void Owned<T>(IKernels owner, DeviceBuffer<T> buffer, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ObjectDisposedException.ThrowIf(buffer.IsDisposed, buffer);
        if (!ReferenceEquals(buffer.Owner, owner))
        {
            throw new ArgumentException($"{name} belongs to the {buffer.Owner.Kind} backend, not {owner.Kind}.", name);
        }
    }

    public static void Gemm<T>(IKernels owner, in MatrixBatch<T> a, in MatrixBatch<T> b, in MatrixBatch<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Owned(owner, a.Buffer, nameof(a));
        Owned(owner, b.Buffer, nameof(b));
        Owned(owner, c.Buffer, nameof(c));
        if (a.Cols != b.Rows)
        {
            throw new ArgumentException($"Gemm: inner sizes differ, A {a} and B {b}.");
        }

        if (c.Rows != a.Rows || c.Cols != b.Cols)
        {
            throw new ArgumentException($"Gemm: output C {c} does not fit A {a} times B {b}.");
        }

        SameCount("Gemm", a, b);
        SameCount("Gemm", a, c);
        DistinctOutputs("Gemm", c);
    }

    public static void Gram<T>(IKernels owner, in MatrixBatch<T> x, in MatrixBatch<T> gram)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Owned(owner, x.Buffer, nameof(x));
        Owned(owner, gram.Buffer, nameof(gram));
        if (gram.Rows != x.Cols || gram.Cols != x.Cols)
        {
            throw new ArgumentException($"Gram: output {gram} does not fit Xᵀ·X for X {x}.");
        }

        SameCount("Gram", x, gram);
        DistinctOutputs("Gram", gram);
    }

    public static void Product<T>(string operation, IKernels owner, in MatrixBatch<T> a, in MatrixBatch<T> b, DeviceBuffer<T> result, long resultLength)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Owned(owner, a.Buffer, nameof(a));
        Owned(owner, b.Buffer, nameof(b));
        Owned(owner, result, nameof(result));
        if (a.Cols != b.Rows)
        {
            throw new ArgumentException($"{operation}: inner sizes differ, A {a} and B {b}.");
        }

        SameCount(operation, a, b);
        if (result.Length < resultLength)
        {
            throw new ArgumentException($"{operation}: the result buffer holds {result.Length} elements; {resultLength} are needed.", nameof(result));
        }
    }

    /// <summary>The product's norm goes through two <c>m×m</c> Grams: refuse an <c>m</c> whose Gram no buffer can hold.</summary>
    public static void GramFits<T>(string operation, in MatrixBatch<T> a, in MatrixBatch<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if ((long)a.Cols * a.Cols > Array.MaxLength)
        {
            throw new InsufficientMemoryException(
                $"{operation}: the inner dimension of A {a} and B {b} is {a.Cols}; its {a.Cols}×{a.Cols} Gram matrices do not fit in one buffer. " +
                "Take the norm over the product's smaller outer side instead.");
        }
    }

    public static void Square<T>(string operation, in MatrixBatch<T> a, in MatrixBatch<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Rows != b.Cols)
        {
            throw new ArgumentException($"{operation}: A·B must be square, but A is {a} and B is {b}.");
        }
    }

    public static void Scale<T>(IKernels owner, in MatrixBatch<T> source, in MatrixBatch<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Owned(owner, source.Buffer, nameof(source));
        Owned(owner, destination.Buffer, nameof(destination));
        if (source.Rows != destination.Rows || source.Cols != destination.Cols)
        {
            throw new ArgumentException($"Scale: source {source} and destination {destination} differ in shape.");
        }

        SameCount("Scale", source, destination);
        DistinctOutputs("Scale", destination);
    }

    /// <summary>An output written through repeated offsets would be raced on by several batch elements.</summary>
    private static void DistinctOutputs<T>(string operation, in MatrixBatch<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (output.Count > 1 && output.Rows > 0 && output.Cols > 0 && new HashSet<long>(output.Offsets).Count != output.Count)
        {
            throw new ArgumentException($"{operation}: the output {output} repeats a matrix (a broadcast view cannot be written).");
        }
    }

    public static void Range<T>(DeviceBuffer<T> buffer, long offset, long count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ObjectDisposedException.ThrowIf(buffer.IsDisposed, buffer);
        if (offset < 0 || count < 0 || offset + count > buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Elements [{offset}, {offset + count}) lie outside a buffer of {buffer.Length}.");
        }
    }
}
