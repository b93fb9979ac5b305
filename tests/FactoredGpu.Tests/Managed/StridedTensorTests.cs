using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace FactoredGpu.Tests.Managed;

/// <summary>Views, broadcasting, indexing, products and conversions of <see cref="StridedTensor{T}"/>.</summary>
public sealed class StridedTensorTests
{
    private static StridedTensor<double> Iota(params int[] shape) =>
        StridedTensor<double>.FromArray(Enumerable.Range(0, shape.Aggregate(1, (x, y) => x * y)).Select(i => (double)i).ToArray(), shape);

    [Theory]
    [InlineData(new[] { 3, 0 })]
    [InlineData(new[] { 0, 3 })]
    [InlineData(new[] { 2, 0, 5 })]
    [InlineData(new[] { 4, 3, 0 })]
    public void Tensors_with_no_elements_copy_transpose_and_convert(int[] shape)
    {
        // A zero after a dimension above one was never "contiguous", and ToArray ↔ Contiguous recursed until the stack overflowed.
        using var zeros = StridedTensor<float>.Zeros(shape);
        Assert.True(zeros.IsContiguous);
        Assert.Empty(zeros.ToArray());
        using var transposed = zeros.Transpose();
        Assert.Empty(transposed.ToArray());
        using var dense = transposed.Contiguous();
        Assert.Equal(transposed.Shape.ToArray(), dense.Shape.ToArray());
        Assert.Equal(0, dense.ToTensor().FlattenedLength);
        using var scaled = zeros * 2f;
        Assert.Empty(scaled.ToArray());
    }

    [Fact]
    public void Broadcast_is_a_zero_stride_view()
    {
        using var t = Iota(1, 3);
        using var b = t.BroadcastTo(4, 2, 3);
        Assert.Equal([4, 2, 3], b.Shape.ToArray());
        Assert.Equal([0, 0, 1], b.Strides.ToArray());
        Assert.Equal(Enumerable.Repeat(new double[] { 0, 1, 2 }, 8).SelectMany(x => x).ToArray(), b.ToArray());
        var error = Assert.Throws<ArgumentException>(() => t.BroadcastTo(2, 4));
        Assert.Contains("[1, 3]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 4]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Indexing_follows_numpy()
    {
        using var t = Iota(3, 4, 5);
        using (var v = t.Index(-1))
        {
            Assert.Equal([4, 5], v.Shape.ToArray());
            Assert.Equal(40.0, v[0, 0]);
        }

        using (var v = t.Index(TensorIndex.All, TensorIndex.Slice(1, null, 2), TensorIndex.At(-2)))
        {
            Assert.Equal([3, 2], v.Shape.ToArray());
            Assert.Equal([8.0, 18, 28, 38, 48, 58], v.ToArray());
        }

        using (var v = t.Index(TensorIndex.NewAxis, 1..3))
        {
            Assert.Equal([1, 2, 4, 5], v.Shape.ToArray());
        }

        using (var v = t.Index(TensorIndex.All, new[] { 3, 0 }, 4))
        {
            Assert.Equal([3, 2], v.Shape.ToArray());
            Assert.Equal([19.0, 4, 39, 24, 59, 44], v.ToArray());
        }

        using (var v = t.Index(TensorIndex.Slice(5, 9)))
        {
            Assert.Equal([0, 4, 5], v.Shape.ToArray());
        }

        Assert.Throws<IndexOutOfRangeException>(() => t.Index(3));
        Assert.Throws<IndexOutOfRangeException>(() => t.Index(TensorIndex.All, new[] { 4 }));
        Assert.Throws<ArgumentException>(() => t.Index(0, 0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorIndex.Slice(0, 2, 0));
    }

    [Fact]
    public void Transpose_unsqueeze_and_squeeze_are_views()
    {
        using var t = Iota(2, 3);
        using var tt = t.Transpose();
        Assert.Equal([0.0, 3, 1, 4, 2, 5], tt.ToArray());
        using var u = t.Unsqueeze(-3);
        Assert.Equal([1, 2, 3], u.Shape.ToArray());
        using var s = u.Squeeze(0);
        Assert.Equal(t.ToArray(), s.ToArray());
        Assert.Throws<ArgumentException>(() => t.Squeeze(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Unsqueeze(4));
        using var v = Iota(3);
        Assert.Throws<InvalidOperationException>(() => v.Transpose());
    }

    [Fact]
    public void Matmul_broadcasts_and_keeps_shared_dimensions_compact()
    {
        using var a = Iota(2, 1, 3, 4);
        using var b = Iota(4, 2);
        using var c = a * b;
        Assert.Equal([2, 1, 3, 2], c.Shape.ToArray());
        Assert.Equal(
            [28.0, 34, 76, 98, 124, 162, 172, 226, 220, 290, 268, 354],
            c.ToArray());

        // Both operands repeat along the first dimension: the product is computed once and stays broadcast.
        using var shared = a.Index(0).BroadcastTo(5, 1, 3, 4);
        using var d = shared * b;
        Assert.Equal([5, 1, 3, 2], d.Shape.ToArray());
        Assert.Equal(0, d.Strides[0]);

        using var wrong = Iota(3, 2);
        var error = Assert.Throws<ArgumentException>(() => a * wrong);
        Assert.Contains("[2, 1, 3, 4]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 2]", error.Message, StringComparison.Ordinal);
        using var lead = Iota(3, 4, 2);
        using var lead2 = Iota(2, 3, 4);
        Assert.Throws<ArgumentException>(() => lead2 * StridedTensor<double>.Zeros(4, 4, 2));
    }

    [Fact]
    public void Scaling_keeps_broadcast_dimensions_broadcast()
    {
        using var t = Iota(1, 3).BroadcastTo(1000, 3);
        using var scaled = t * 2.0;
        Assert.Equal(0, scaled.Strides[0]);
        Assert.Equal([0.0, 2, 4], scaled.Index(999).ToArray());
    }

    [Fact]
    public void Conversions_round_trip()
    {
        using var t = Iota(2, 3);
        Tensor<double> st = t.ToTensor();
        Assert.Equal([2, 3], st.Lengths.ToArray().Select(n => (int)n).ToArray());
        using var back = StridedTensor<double>.FromTensor(st);
        Assert.Equal(t.ToArray(), back.ToArray());

        Matrix<double> matrix = t.ToMatrix();
        Assert.Equal(5.0, matrix[1, 2]);
        using var fromMatrix = StridedTensor<double>.FromMatrix(matrix);
        Assert.Equal(t.ToArray(), fromMatrix.ToArray());
        using var batch = Iota(2, 2, 2);
        Assert.Throws<InvalidOperationException>(() => batch.ToMatrix());
    }

    [Fact]
    public void Bad_construction_and_scalars_are_clear_errors()
    {
        Assert.Throws<ArgumentException>(() => StridedTensor<double>.FromArray([1.0, 2, 3], 2, 2));
        Assert.Throws<ArgumentException>(() => StridedTensor<double>.Zeros(2, -1));
        using var t = Iota(2);
        var error = Assert.Throws<InvalidOperationException>(() => t.ToScalar());
        Assert.Contains("[2]", error.Message, StringComparison.Ordinal);
        using var one = Iota(1, 1);
        Assert.Equal(0.0, one.ToScalar());
    }

    [Fact]
    public void Views_keep_memory_alive_and_disposed_tensors_refuse_use()
    {
        var t = Iota(2, 2);
        var view = t.Transpose();
        t.Dispose();
        t.Dispose();
        Assert.Equal([0.0, 2, 1, 3], view.ToArray());
        Assert.Throws<ObjectDisposedException>(() => t.ToArray());
        Assert.False(view.Buffer.IsDisposed);
        view.Dispose();
        Assert.True(view.Buffer.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => view.Transpose());
    }
}
