namespace FactoredGpu;

/// <summary>
/// The shapes of a chain's factors and, per factor, which leading dimensions really vary (size &gt; 1 and a non-zero
/// stride), aligned to the broadcast leading shape of the whole chain; each factor's kind, and which dense factors are
/// transposed views of each other. Everything the planner needs; no data.
/// </summary>
internal sealed class ChainLayout
{
    private readonly int[][] _shapes;
    private readonly bool[][] _varies;
    private readonly ChainFactorKind[] _kinds;
    private readonly MatrixView?[] _views;

    private ChainLayout(int[][] shapes, bool[][] varies, int[] leading, ChainFactorKind[] kinds, MatrixView?[] views)
    {
        _shapes = shapes;
        _varies = varies;
        Leading = leading;
        _kinds = kinds;
        _views = views;
    }

    /// <summary>The broadcast leading shape of all factors.</summary>
    public int[] Leading { get; }

    public int Count => _shapes.Length;

    public int Rows(int i) => _shapes[i][^2];

    public int Cols(int i) => _shapes[i][^1];

    public int[] Shape(int i) => _shapes[i];

    public ChainFactorKind Kind(int i) => _kinds[i];

    /// <summary>Whether factors <paramref name="i"/> and <paramref name="j"/> are dense views of one memory, each the other's transpose.</summary>
    public bool AreTransposes(int i, int j) =>
        _views[i] is { } a && _views[j] is { } b && a.Transposes(b) &&
        _shapes[i][^2] == _shapes[j][^1] && _shapes[i][^1] == _shapes[j][^2] && _shapes[i][..^2].SequenceEqual(_shapes[j][..^2]);

    /// <summary>
    /// Validates the factor shapes: rank ≥ 2, consecutive inner sizes equal, leading dimensions broadcast (numpy rules).
    /// </summary>
    /// <param name="shapes">The factor shapes, left to right.</param>
    /// <param name="varies">Per factor, per own leading dimension, whether it varies; null: every size &gt; 1 varies.</param>
    /// <exception cref="ArgumentException">A rule is broken; the message names the offending shapes.</exception>
    /// <param name="kinds">Per factor, its kind; null: all dense.</param>
    /// <param name="views">Per factor, where a dense factor's matrices lie (to recognize transposes); null: unknown.</param>
    public static ChainLayout Create(IReadOnlyList<int[]> shapes, IReadOnlyList<bool[]>? varies, ChainFactorKind[]? kinds = null, MatrixView?[]? views = null)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        if (shapes.Count < 2)
        {
            throw new ArgumentException($"A chain needs at least two factors; {shapes.Count} were given.", nameof(shapes));
        }

        if (varies is not null && varies.Count != shapes.Count)
        {
            throw new ArgumentException($"{varies.Count} broadcast-flag arrays were given for {shapes.Count} factors.", nameof(varies));
        }

        int[] leading = [];
        for (int i = 0; i < shapes.Count; i++)
        {
            int[] shape = shapes[i] ?? throw new ArgumentNullException(nameof(shapes), $"Factor {i + 1}'s shape is null.");
            if (shape.Length < 2 || shape.Any(d => d < 0))
            {
                throw new ArgumentException($"Factor {i + 1} must be a matrix or a batch of matrices; its shape was {Shapes.Format(shape)}.", nameof(shapes));
            }

            if (varies is not null && varies[i]?.Length != shape.Length - 2)
            {
                throw new ArgumentException($"Factor {i + 1} of shape {Shapes.Format(shape)} needs {shape.Length - 2} broadcast flags.", nameof(varies));
            }

            if (i > 0 && shapes[i - 1][^1] != shape[^2])
            {
                throw new ArgumentException($"Chain inner sizes differ between factors {i} and {i + 1}: shapes were {Shapes.Format(shapes[i - 1])} and {Shapes.Format(shape)}.", nameof(shapes));
            }

            try
            {
                leading = Shapes.Broadcast(leading, shape.AsSpan(0, shape.Length - 2), "Leading dimensions");
            }
            catch (ArgumentException e)
            {
                string all = string.Join(", ", shapes.Take(i + 1).Select(s => Shapes.Format(s)));
                throw new ArgumentException($"Chain leading dimensions do not broadcast: shapes were {all}.", nameof(shapes), e);
            }
        }

        var aligned = new bool[shapes.Count][];
        for (int i = 0; i < shapes.Count; i++)
        {
            int[] shape = shapes[i];
            int own = shape.Length - 2, extra = leading.Length - own;
            aligned[i] = new bool[leading.Length];
            for (int d = 0; d < own; d++)
            {
                aligned[i][d + extra] = shape[d] > 1 && (varies is null || varies[i][d]);
            }
        }

        return new ChainLayout(
            [.. shapes.Select(s => (int[])s.Clone())], aligned, leading, kinds ?? new ChainFactorKind[shapes.Count], views ?? new MatrixView?[shapes.Count]);
    }

    /// <summary>The layout of chain factors: a leading dimension varies where its size exceeds 1 and its stride is not 0.</summary>
    public static ChainLayout Of<T>(IReadOnlyList<ChainFactor<T>> factors)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        Create(
            [.. factors.Select(f => f.Shape.ToArray())],
            [.. factors.Select(f => f.Varies())],
            [.. factors.Select(f => f.Kind)],
            [.. factors.Select(f => f.Kind == ChainFactorKind.Dense ? MatrixView.Of(f.Tensor!) : null)]);

    /// <summary>The layout of factors <paramref name="order"/>[0], <paramref name="order"/>[1], … of this one.</summary>
    public ChainLayout Reorder(IReadOnlyList<int> order)
    {
        var shapes = order.Select(i => _shapes[i]).ToArray();
        var varies = order.Select(i => _varies[i]).ToArray();
        return new ChainLayout(shapes, varies, Leading, [.. order.Select(i => _kinds[i])], [.. order.Select(i => _views[i])]);
    }

    /// <summary>
    /// The number of distinct batch elements of the product of factors <paramref name="first"/>..<paramref name="last"/>:
    /// the product of the leading sizes over the dimensions along which at least one of them varies.
    /// </summary>
    public long DistinctBatch(int first, int last)
    {
        long count = 1;
        for (int d = 0; d < Leading.Length; d++)
        {
            for (int i = first; i <= last; i++)
            {
                if (_varies[i][d])
                {
                    count = checked(count * Leading[d]);
                    break;
                }
            }
        }

        return count;
    }

    /// <summary>The shape of the product of factors <paramref name="first"/>..<paramref name="last"/> (leading dims broadcast).</summary>
    public int[] ProductShape(int first, int last)
    {
        int[] leading = [];
        for (int i = first; i <= last; i++)
        {
            leading = Shapes.Broadcast(leading, _shapes[i].AsSpan(0, _shapes[i].Length - 2));
        }

        return Shapes.Concat(leading, Rows(first), Cols(last));
    }
}
