using System.Numerics;
using FactoredGpu.Kernels;

namespace FactoredGpu;

/// <summary>
/// One factor of a <see cref="MatrixChain{TScalar}"/>: a dense matrix (batch), a diagonal <c>diag(g)</c> held as
/// <c>g</c>, or a centring projection <c>P_n = I − 11ᵀ/n</c> held as <c>n</c>. A dense factor that is a transposed view of
/// another factor of the same chain (<see cref="StridedTensor{T}.Transpose"/>, no copy) is recognized by the planner,
/// which turns <c>Xᵀ·X</c> and <c>Xᵀ·P_n·X</c> into one symmetric Gram product.
/// </summary>
/// <typeparam name="TScalar">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// A processed tied unembedding is <c>W_U = P_d·diag(g)·W_Eᵀ·P_V</c> (<c>g</c> the folded final-norm scale): as factors it
/// costs no <c>[d, V]</c> copy, and <c>W_U·W_E</c> becomes a Gram product plus <c>O(d²)</c> corrections. A factor owns its
/// own view of the tensor it was made from; dispose it, not that tensor's owner's copy.
/// </remarks>
public sealed class ChainFactor<TScalar> : IDisposable
    where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
{
    private readonly int[] _shape;

    private ChainFactor(ChainFactorKind kind, StridedTensor<TScalar>? tensor, int[] shape)
    {
        Kind = kind;
        Tensor = tensor;
        _shape = shape;
    }

    /// <summary>What the factor is.</summary>
    public ChainFactorKind Kind { get; }

    /// <summary>The dense matrix, the diagonal's values <c>[..., n]</c>, or <see langword="null"/> for a centring projection.</summary>
    public StridedTensor<TScalar>? Tensor { get; }

    /// <summary>The factor's shape as a matrix (batch): <c>[..., n, n]</c> for a diagonal, <c>[n, n]</c> for a centring projection.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>A dense factor: a view of <paramref name="matrix"/> <c>[..., rows, cols]</c>.</summary>
    /// <param name="matrix">The matrix (batch), rank ≥ 2.</param>
    /// <returns>The factor, owned by the caller.</returns>
    /// <exception cref="ArgumentException"><paramref name="matrix"/> has rank &lt; 2.</exception>
    public static ChainFactor<TScalar> Dense(StridedTensor<TScalar> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.Rank < 2)
        {
            throw new ArgumentException($"A dense chain factor must be a matrix or a batch of matrices; its shape was {Shapes.Format(matrix.Shape)}.", nameof(matrix));
        }

        return new(ChainFactorKind.Dense, matrix.BroadcastTo(matrix.Shape.ToArray()), matrix.Shape.ToArray());
    }

    /// <summary>A diagonal factor <c>diag(g)</c>: a view of <paramref name="values"/> <c>g [..., n]</c>.</summary>
    /// <param name="values">The diagonal (batch), rank ≥ 1.</param>
    /// <returns>The factor, owned by the caller.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> is a scalar.</exception>
    public static ChainFactor<TScalar> Diagonal(StridedTensor<TScalar> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Rank < 1)
        {
            throw new ArgumentException("A diagonal chain factor needs its values along a last dimension; the tensor is a scalar.", nameof(values));
        }

        return new(ChainFactorKind.Diagonal, values.BroadcastTo(values.Shape.ToArray()), Shapes.Concat(values.Shape, values.Dim(-1)));
    }

    /// <summary>The centring projection <c>P_n = I − 11ᵀ/n</c>: <c>P_n·X</c> subtracts each column's mean, <c>X·P_n</c> each row's.</summary>
    /// <param name="size"><c>n ≥ 1</c>.</param>
    /// <returns>The factor.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is less than 1.</exception>
    public static ChainFactor<TScalar> Centring(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        return new(ChainFactorKind.Centring, null, [size, size]);
    }

    /// <summary>A dense factor viewing <paramref name="matrix"/>, <see cref="Dense"/>.</summary>
    /// <param name="matrix">The matrix (batch).</param>
    public static implicit operator ChainFactor<TScalar>(StridedTensor<TScalar> matrix) => Dense(matrix);

    /// <summary>A description: the kind and shape.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"{Kind}{Shapes.Format(_shape)}";

    /// <summary>Releases the factor's view.</summary>
    public void Dispose() => Tensor?.Dispose();

    /// <summary>Per own leading dimension, whether it varies (size &gt; 1 and a non-zero stride).</summary>
    internal bool[] Varies() => Tensor is null ? [] : [.. Tensor.Strides[..(_shape.Length - 2)].ToArray().Select(stride => stride != 0)];

    /// <summary>A new factor viewing the same data.</summary>
    internal ChainFactor<TScalar> View() => new(Kind, Tensor?.BroadcastTo(Tensor.Shape.ToArray()), _shape);

    /// <summary>The factor at leading index <paramref name="index"/> of the broadcast leading shape <paramref name="leading"/>.</summary>
    internal ChainFactor<TScalar> At(int[] leading, TensorIndex[] index)
    {
        if (Tensor is null)
        {
            return View();
        }

        using var broadcast = Tensor.BroadcastLeading(leading, Kind == ChainFactorKind.Diagonal ? 1 : 2);
        var single = broadcast.Index(index);
        return new(Kind, single, _shape[^2..]);
    }

    /// <summary>The factor as a dense matrix (batch) on <paramref name="backend"/>; a view for a dense factor.</summary>
    internal StridedTensor<TScalar> ToDense(IKernels backend)
    {
        if (Kind == ChainFactorKind.Dense)
        {
            return Tensor!.BroadcastTo(_shape);
        }

        int n = _shape[^1];
        using var identity = StridedTensor<TScalar>.FromArray(backend, [.. Enumerable.Range(0, n * n).Select(i => i % (n + 1) == 0 ? TScalar.One : TScalar.Zero)], n, n);
        return Kind == ChainFactorKind.Diagonal ? Apply(identity, fromLeft: true) : Apply(identity, fromLeft: false);
    }

    /// <summary>
    /// <c>F·x</c> (<paramref name="fromLeft"/>) or <c>x·F</c> for a diagonal or centring factor <c>F</c>, in float64 on the
    /// host and rounded once: <c>l·r</c> (diagonal) or <c>2·l·r</c> (centring) FLOPs per distinct matrix of <paramref name="x"/>.
    /// A leading dimension along which both <paramref name="x"/> and the diagonal are broadcast stays broadcast.
    /// </summary>
    internal StridedTensor<TScalar> Apply(StridedTensor<TScalar> x, bool fromLeft)
    {
        int[] lead = Tensor is null ? x.Shape[..^2].ToArray() : Shapes.Broadcast(x.Shape[..^2], Tensor.Shape[..^1]);
        using var operand = x.BroadcastLeading(lead);
        using var values = Tensor?.BroadcastLeading(lead, 1);
        var narrow = new TensorIndex[lead.Length];
        var computed = new int[lead.Length];
        for (int d = 0; d < lead.Length; d++)
        {
            bool shared = operand.Strides[d] == 0 && (values is null || values.Strides[d] == 0);
            narrow[d] = shared ? TensorIndex.Slice(0, 1) : TensorIndex.All;
            computed[d] = shared ? Math.Min(lead[d], 1) : lead[d];
        }

        using var operandNarrow = operand.Index(narrow);
        using var valuesNarrow = values?.Index(narrow);
        double[] data = HostDouble.From(operandNarrow);
        double[]? g = valuesNarrow is null ? null : HostDouble.From(valuesNarrow);
        int rows = x.Dim(-2), cols = x.Dim(-1), n = fromLeft ? rows : cols;
        int count = rows * cols == 0 ? 0 : data.Length / (rows * cols);
        Parallel.For(0, count, b =>
        {
            var matrix = data.AsSpan(b * rows * cols, rows * cols);
            if (g is not null)
            {
                var scale = g.AsSpan(b * n, n);
                for (int i = 0; i < rows; i++)
                {
                    for (int j = 0; j < cols; j++)
                    {
                        matrix[i * cols + j] *= scale[fromLeft ? i : j];
                    }
                }
            }
            else
            {
                Centre(matrix, rows, cols, fromLeft);
            }
        });
        using var result = HostDouble.To<TScalar>(x.Backend, data, Shapes.Concat(computed, rows, cols));
        return result.BroadcastLeading(lead);
    }

    /// <summary><c>P·M</c> (each column loses its mean) or <c>M·P</c> (each row loses its mean), in place.</summary>
    private static void Centre(Span<double> matrix, int rows, int cols, bool columns)
    {
        var means = new double[columns ? cols : rows];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                means[columns ? j : i] += matrix[i * cols + j];
            }
        }

        int n = columns ? rows : cols;
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                matrix[i * cols + j] -= means[columns ? j : i] / n;
            }
        }
    }
}
