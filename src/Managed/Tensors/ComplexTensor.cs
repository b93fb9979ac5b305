using System.Numerics;

namespace FactoredGpu;

/// <summary>A tensor of complex numbers held as two real tensors of the same shape (e.g. eigenvalues).</summary>
/// <typeparam name="T">The element type of the parts: <see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class ComplexTensor<T> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Wraps two real tensors of equal shape; the new object owns them.</summary>
    /// <param name="real">The real parts.</param>
    /// <param name="imaginary">The imaginary parts.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public ComplexTensor(StridedTensor<T> real, StridedTensor<T> imaginary)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(imaginary);
        if (!real.Shape.SequenceEqual(imaginary.Shape))
        {
            throw new ArgumentException($"Real part {Shapes.Format(real.Shape)} and imaginary part {Shapes.Format(imaginary.Shape)} differ in shape.");
        }

        Real = real;
        Imaginary = imaginary;
    }

    /// <summary>The real parts.</summary>
    public StridedTensor<T> Real { get; }

    /// <summary>The imaginary parts.</summary>
    public StridedTensor<T> Imaginary { get; }

    /// <summary>The shape of both parts.</summary>
    public ReadOnlySpan<int> Shape => Real.Shape;

    /// <summary>Copies the values to a row-major array of <see cref="Complex"/>.</summary>
    /// <returns>The values.</returns>
    public Complex[] ToArray()
    {
        T[] re = Real.ToArray(), im = Imaginary.ToArray();
        var result = new Complex[re.Length];
        for (int i = 0; i < re.Length; i++)
        {
            result[i] = new Complex(double.CreateChecked(re[i]), double.CreateChecked(im[i]));
        }

        return result;
    }

    /// <summary>A view of some elements, as <see cref="StridedTensor{T}.Index"/> selects them (for example one head's eigenvalues).</summary>
    /// <param name="index">One index per leading dimension: a position (negative counts from the end), a slice, a list, or a new axis.</param>
    /// <returns>The view; dispose it when done (the memory stays with this tensor).</returns>
    public ComplexTensor<T> Index(params TensorIndex[] index) => new(Real.Index(index), Imaginary.Index(index));

    /// <summary>The values as PyTorch prints a complex tensor, <c>tensor([-6.2877+0.0000j,  2.3121+0.0000j])</c>, summarized past 1000 elements.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => TensorFormatter.Format(this);

    /// <summary>Releases both parts.</summary>
    public void Dispose()
    {
        Real.Dispose();
        Imaginary.Dispose();
    }
}
