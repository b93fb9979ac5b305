namespace FactoredGpu;

/// <summary>One product (or the final trace) in a <see cref="ChainPlan"/>.</summary>
public sealed class ChainStep
{
    internal ChainStep(ChainStepKind kind, string left, string right, int[] leftShape, int[] rightShape, int[] resultShape, long distinctBatch, long flops)
    {
        Kind = kind;
        Left = left;
        Right = right;
        LeftShape = leftShape;
        RightShape = rightShape;
        ResultShape = resultShape;
        DistinctBatch = distinctBatch;
        Flops = flops;
    }

    /// <summary>What the step computes: a product, a trace, a Gram product, or a diagonal or centring applied.</summary>
    public ChainStepKind Kind { get; }

    /// <summary>The left operand, parenthesized, e.g. <c>(W_U·W_E)</c>; for a Gram step, <c>Xᵀ</c>.</summary>
    public string Left { get; }

    /// <summary>The right operand, parenthesized; for a Gram step, <c>X</c>.</summary>
    public string Right { get; }

    /// <summary>The shape of the left operand (leading dimensions broadcast over its factors).</summary>
    public IReadOnlyList<int> LeftShape { get; }

    /// <summary>The shape of the right operand.</summary>
    public IReadOnlyList<int> RightShape { get; }

    /// <summary>The shape of the result: the product's, or its leading dimensions for a trace.</summary>
    public IReadOnlyList<int> ResultShape { get; }

    /// <summary>How many distinct matrices this step computes: the leading sizes along which an operand varies.</summary>
    public long DistinctBatch { get; }

    /// <summary>The floating-point operations of one matrix (as <see cref="Kind"/> says) times <see cref="DistinctBatch"/>.</summary>
    public long Flops { get; }

    /// <summary>Whether this step is <c>tr(Left·Right)</c> rather than the product.</summary>
    public bool IsTrace => Kind == ChainStepKind.Trace;

    /// <summary>One line: operands, shapes, distinct batch and FLOPs.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        string op = Kind switch
        {
            ChainStepKind.Trace => $"tr({Left}·{Right})",
            ChainStepKind.Gram => $"Gram {Left}·{Right} (symmetric XᵀX)",
            ChainStepKind.ProjectedGram => $"Gram {Left}·P·{Right} (symmetric XᵀX − sᵀs/n, s = 1ᵀX)",
            ChainStepKind.Scale => $"{Left}·{Right} (diagonal scaling)",
            ChainStepKind.Centre => $"{Left}·{Right} (centring: means subtracted)",
            _ => $"{Left}·{Right}",
        };
        return $"{op}: {Shapes.Format([.. LeftShape])}·{Shapes.Format([.. RightShape])} → {Shapes.Format([.. ResultShape])}, distinct batch {DistinctBatch}, {Flops:N0} FLOPs";
    }
}
