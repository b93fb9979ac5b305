using System.Numerics;
using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace FactoredGpu;

/// <content>Conversions to and from System.Numerics.Tensors and MathNet.Numerics.</content>
public sealed partial class StridedTensor<T>
{
    /// <summary>Copies a <see cref="Tensor{T}"/> (any strides) into a new host tensor of the same shape.</summary>
    /// <param name="tensor">The source.</param>
    /// <returns>The new tensor.</returns>
    public static StridedTensor<T> FromTensor(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var data = new T[tensor.FlattenedLength];
        tensor.FlattenTo(data);
        var shape = tensor.Lengths.ToArray().Select(n => checked((int)n)).ToArray();
        return FromArray(data, shape);
    }

    /// <summary>Copies the elements into a new dense <see cref="Tensor{T}"/> of the same shape.</summary>
    /// <returns>The new tensor.</returns>
    public Tensor<T> ToTensor()
    {
        var lengths = _shape.Select(n => (nint)n).ToArray();
        return Tensor.Create(ToArray(), lengths);
    }

    /// <summary>Copies a MathNet matrix into a new host tensor of shape <c>[rows, cols]</c>.</summary>
    /// <param name="matrix">The source.</param>
    /// <returns>The new tensor.</returns>
    public static StridedTensor<T> FromMatrix(Matrix<T> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return FromArray(matrix.ToRowMajorArray(), matrix.RowCount, matrix.ColumnCount);
    }

    /// <summary>Copies a rank-2 tensor into a new dense MathNet matrix.</summary>
    /// <returns>The matrix.</returns>
    /// <exception cref="InvalidOperationException">The tensor is not rank 2.</exception>
    public Matrix<T> ToMatrix()
    {
        if (Rank != 2)
        {
            throw new InvalidOperationException($"Only a rank-2 tensor converts to a matrix; shape was {Shapes.Format(_shape)}. Index the leading dimensions first.");
        }

        return Matrix<T>.Build.DenseOfRowMajor(_shape[0], _shape[1], ToArray());
    }
}
