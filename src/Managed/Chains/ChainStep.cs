namespace FactoredGpu;

/// <summary>One product (or the final trace) in a <see cref="ChainPlan"/>.</summary>
public sealed class ChainStep
{
    internal ChainStep(string left, string right, int[] leftShape, int[] rightShape, int[] resultShape, long distinctBatch, long flops, bool isTrace)
    {
        Left = left;
        Right = right;
        LeftShape = leftShape;
        RightShape = rightShape;
        ResultShape = resultShape;
        DistinctBatch = distinctBatch;
        Flops = flops;
        IsTrace = isTrace;
    }

    /// <summary>The left operand, parenthesized, e.g. <c>(W_U·W_E)</c>.</summary>
    public string Left { get; }

    /// <summary>The right operand, parenthesized.</summary>
    public string Right { get; }

    /// <summary>The shape of the left operand (leading dimensions broadcast over its factors).</summary>
    public IReadOnlyList<int> LeftShape { get; }

    /// <summary>The shape of the right operand.</summary>
    public IReadOnlyList<int> RightShape { get; }

    /// <summary>The shape of the result: the product's, or its leading dimensions for a trace.</summary>
    public IReadOnlyList<int> ResultShape { get; }

    /// <summary>How many distinct matrices this step computes: the leading sizes along which an operand varies.</summary>
    public long DistinctBatch { get; }

    /// <summary>The floating-point operations: <c>2·l·m·r</c> (<c>2·l·m</c> for a trace) times <see cref="DistinctBatch"/>.</summary>
    public long Flops { get; }

    /// <summary>Whether this step is <c>tr(Left·Right)</c> rather than the product.</summary>
    public bool IsTrace { get; }

    /// <summary>One line: operands, shapes, distinct batch and FLOPs.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        string op = IsTrace ? $"tr({Left}·{Right})" : $"{Left}·{Right}";
        return $"{op}: {Shapes.Format([.. LeftShape])}·{Shapes.Format([.. RightShape])} → {Shapes.Format([.. ResultShape])}, distinct batch {DistinctBatch}, {Flops:N0} FLOPs";
    }
}
