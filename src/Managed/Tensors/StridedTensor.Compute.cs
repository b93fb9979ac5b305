using System.Numerics;

namespace FactoredGpu;

/// <content>Arithmetic on the tensor's backend: batched matrix products, scaling and copies.</content>
public sealed partial class StridedTensor<T>
{
    /// <summary>
    /// Batched matrix product with numpy broadcasting of the leading dimensions:
    /// <c>[..., l, m] · [..., m, r] → [..., l, r]</c>.
    /// </summary>
    /// <param name="left">The left operand, rank ≥ 2.</param>
    /// <param name="right">The right operand, rank ≥ 2, on the same backend.</param>
    /// <returns>
    /// The product. A leading dimension along which both operands are broadcast is computed once and stays broadcast
    /// (zero stride) in the result.
    /// </returns>
    /// <exception cref="ArgumentException">Inner sizes differ, leading dimensions do not broadcast, or the backends differ; the message names both shapes.</exception>
    public static StridedTensor<T> Matmul(StridedTensor<T> left, StridedTensor<T> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (left.Rank < 2 || right.Rank < 2)
        {
            throw new ArgumentException($"Matmul needs matrices; shapes were {Shapes.Format(left._shape)} and {Shapes.Format(right._shape)}.");
        }

        if (left._shape[^1] != right._shape[^2])
        {
            throw new ArgumentException($"Matmul inner sizes differ: shapes were {Shapes.Format(left._shape)} and {Shapes.Format(right._shape)}.");
        }

        SameBackend(left, right);
        int[] lead;
        try
        {
            lead = Shapes.Broadcast(left._shape.AsSpan(0, left.Rank - 2), right._shape.AsSpan(0, right.Rank - 2), "Leading dimensions");
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Matmul leading dimensions do not broadcast: shapes were {Shapes.Format(left._shape)} and {Shapes.Format(right._shape)}.", e);
        }
        using var a = left.BroadcastLeading(lead);
        using var b = right.BroadcastLeading(lead);

        // Along a dimension where both operands repeat themselves, every result matrix is the same: compute it once.
        var narrow = new TensorIndex[lead.Length];
        var computed = new int[lead.Length];
        for (int d = 0; d < lead.Length; d++)
        {
            bool shared = a._strides[d] == 0 && b._strides[d] == 0;
            narrow[d] = shared ? TensorIndex.Slice(0, 1) : TensorIndex.All;
            computed[d] = shared ? Math.Min(lead[d], 1) : lead[d];
        }

        using var aNarrow = a.Index(narrow);
        using var bNarrow = b.Index(narrow);
        using var product = Zeros(left.Backend, Shapes.Concat(computed, left._shape[^2], right._shape[^1]));
        left.Backend.Gemm(T.One, aNarrow.AsBatch(), bNarrow.AsBatch(), T.Zero, product.AsBatch());
        return product.BroadcastLeading(lead);
    }

    /// <summary>Multiplies every element by <paramref name="scalar"/>; broadcast dimensions stay broadcast.</summary>
    /// <param name="scalar">The factor.</param>
    /// <returns>A new tensor of the same shape.</returns>
    public StridedTensor<T> Multiply(T scalar)
    {
        ThrowIfDisposed();
        var narrow = new TensorIndex[Rank];
        var compact = new int[Rank];
        for (int d = 0; d < Rank; d++)
        {
            bool broadcast = _strides[d] == 0 && _shape[d] > 1;
            narrow[d] = broadcast ? TensorIndex.Slice(0, 1) : TensorIndex.All;
            compact[d] = broadcast ? 1 : _shape[d];
        }

        using var source = Index(narrow);
        using var result = Zeros(Backend, compact);
        Backend.Scale(scalar, source.AsBatch(), result.AsBatch());
        return result.BroadcastTo(_shape);
    }

    /// <summary>Copies the elements into a new dense row-major tensor on the same backend (broadcasts expanded).</summary>
    /// <returns>The copy.</returns>
    public StridedTensor<T> Contiguous()
    {
        var result = Zeros(Backend, _shape);
        CopyTo(result);
        return result;
    }

    /// <summary>Copies the elements into <paramref name="destination"/>, a freshly allocated tensor of the same shape.</summary>
    /// <remarks>Internal: public tensors are immutable; only a tensor being built is written.</remarks>
    internal void CopyTo(StridedTensor<T> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!Shape.SequenceEqual(destination.Shape))
        {
            throw new ArgumentException($"Cannot copy shape {Shapes.Format(_shape)} into shape {Shapes.Format(destination._shape)}.", nameof(destination));
        }

        SameBackend(this, destination);
        if (Length > 0)
        {
            Backend.Scale(T.One, AsBatch(), destination.AsBatch());
        }
    }

    /// <summary>The batched matrix product, <see cref="Matmul"/>.</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>The product.</returns>
    public static StridedTensor<T> operator *(StridedTensor<T> left, StridedTensor<T> right) => Matmul(left, right);

    /// <summary>Scales every element, <see cref="Multiply"/>.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="scalar">The factor.</param>
    /// <returns>The scaled tensor.</returns>
    public static StridedTensor<T> operator *(StridedTensor<T> tensor, T scalar)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.Multiply(scalar);
    }

    /// <summary>Scales every element, <see cref="Multiply"/>.</summary>
    /// <param name="scalar">The factor.</param>
    /// <param name="tensor">The tensor.</param>
    /// <returns>The scaled tensor.</returns>
    public static StridedTensor<T> operator *(T scalar, StridedTensor<T> tensor) => tensor * scalar;

    private static void SameBackend(StridedTensor<T> a, StridedTensor<T> b)
    {
        a.ThrowIfDisposed();
        b.ThrowIfDisposed();
        if (!ReferenceEquals(a.Backend, b.Backend))
        {
            throw new ArgumentException($"Tensors {a} and {b} live on different backends ({a.Backend.Kind}, {b.Backend.Kind}).");
        }
    }
}
