using System.Globalization;
using System.Text;

namespace FactoredGpu;

/// <summary>
/// An association order for a matrix chain, chosen by <see cref="ChainPlanner"/>: which factors (in which cyclic
/// rotation) are multiplied in which order, each step's shapes, distinct batch count and FLOPs.
/// </summary>
/// <remarks>Plans are immutable and hold no tensor data.</remarks>
public sealed class ChainPlan
{
    private readonly ChainLayout _layout;
    private readonly int[] _order;
    private readonly string[] _names;
    private readonly int[,] _split;
    private readonly ChainStep[] _steps;

    internal ChainPlan(ChainLayout layout, int[] order, string[] names, int[,] split, bool traceAtRoot)
    {
        _layout = layout;
        _order = order;
        _names = names;
        _split = split;
        TraceAtRoot = traceAtRoot;
        var steps = new List<ChainStep>();
        AddSteps(0, layout.Count - 1, steps);
        _steps = [.. steps];
        TotalFlops = _steps.Sum(s => s.Flops);
    }

    /// <summary>The original index (0-based) of each factor, in the order the plan multiplies them.</summary>
    /// <remarks>The identity for a product; a cyclic rotation for eigenvalues and traces.</remarks>
    public IReadOnlyList<int> Order => _order;

    /// <summary>The products (and final trace), in evaluation order.</summary>
    public IReadOnlyList<ChainStep> Steps => _steps;

    /// <summary>The sum of <see cref="ChainStep.Flops"/> over <see cref="Steps"/>.</summary>
    public long TotalFlops { get; }

    /// <summary>The parenthesized product, e.g. <c>(W_O·(W_U·W_E))·W_V</c>, or <c>tr(…)</c> for a trace plan.</summary>
    public string Parenthesization
    {
        get
        {
            string whole = Format(0, _layout.Count - 1);
            return TraceAtRoot ? $"tr{whole}" : whole[1..^1];
        }
    }

    /// <summary>The shape of the result: the product's, or its leading dimensions for a trace.</summary>
    public IReadOnlyList<int> ResultShape => _steps[^1].ResultShape;

    internal bool TraceAtRoot { get; }

    /// <summary>
    /// A readable account of the plan: the parenthesization, each step's operand and result shapes, distinct batch
    /// count and FLOPs, and the total.
    /// </summary>
    /// <returns>The text, one line per step.</returns>
    public string Explain()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Plan: {Parenthesization}\n");
        if (_order.Select((o, i) => o != i).Any(moved => moved))
        {
            text.Append(CultureInfo.InvariantCulture, $"Cyclic rotation starting at factor {_order[0] + 1} ({_names[0]}).\n");
        }

        for (int i = 0; i < _steps.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {i + 1}. {_steps[i]}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Total: {TotalFlops:N0} FLOPs ({TotalFlops / 1e9:F3} GFLOP)");
        return text.ToString();
    }

    /// <summary>The plan as text, <see cref="Explain"/>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Explain();

    /// <summary>Evaluates the whole product step by step as planned, disposing every intermediate.</summary>
    /// <param name="factors">The chain's factors in their original order.</param>
    internal StridedTensor<T> Evaluate<T>(IReadOnlyList<ChainFactor<T>> factors)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        Evaluate(factors, 0, _layout.Count - 1);

    /// <summary>The two operands of the last step, each evaluated by the plan; for a trace plan they are its arguments.</summary>
    internal (StridedTensor<T> Left, StridedTensor<T> Right) EvaluateRootOperands<T>(IReadOnlyList<ChainFactor<T>> factors)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int s = _split[0, _layout.Count - 1];
        var left = Evaluate(factors, 0, s);
        try
        {
            return (left, Evaluate(factors, s + 1, _layout.Count - 1));
        }
        catch
        {
            left.Dispose();
            throw;
        }
    }

    private StridedTensor<T> Evaluate<T>(IReadOnlyList<ChainFactor<T>> factors, int first, int last)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var backend = factors.First(f => f.Tensor is not null).Tensor!.Backend;
        if (first == last)
        {
            return factors[_order[first]].ToDense(backend);
        }

        int s = _split[first, last];
        if (s == ChainPlanner.GramSplit)
        {
            return GramProduct.Of(factors[_order[last]].Tensor!, projected: last - first == 2);
        }

        if (ChainPlanner.Structured(_layout, first, s) is { } left)
        {
            using var operand = Evaluate(factors, s + 1, last);
            return factors[_order[left]].Apply(operand, fromLeft: true);
        }

        if (ChainPlanner.Structured(_layout, s + 1, last) is { } right)
        {
            using var operand = Evaluate(factors, first, s);
            return factors[_order[right]].Apply(operand, fromLeft: false);
        }

        using var leftProduct = Evaluate(factors, first, s);
        using var rightProduct = Evaluate(factors, s + 1, last);
        return StridedTensor<T>.Matmul(leftProduct, rightProduct);
    }

    private void AddSteps(int first, int last, List<ChainStep> steps)
    {
        if (first == last)
        {
            return;
        }

        int s = _split[first, last];
        bool trace = TraceAtRoot && first == 0 && last == _layout.Count - 1;
        int[] product = _layout.ProductShape(first, last);
        var kind = ChainPlanner.StepKind(_layout, first, s, last, trace);
        if (s == ChainPlanner.GramSplit)
        {
            // One kernel call forms the whole sub-chain Xᵀ(·P)·X: its operands are the factor's two views.
            steps.Add(new ChainStep(kind, _names[first], _names[last], _layout.Shape(first), _layout.Shape(last), product, _layout.DistinctBatch(first, last), ChainPlanner.StepFlops(_layout, first, s, last, trace)));
            return;
        }

        AddSteps(first, s, steps);
        AddSteps(s + 1, last, steps);
        steps.Add(new ChainStep(
            kind,
            Format(first, s),
            Format(s + 1, last),
            _layout.ProductShape(first, s),
            _layout.ProductShape(s + 1, last),
            trace ? product[..^2] : product,
            _layout.DistinctBatch(first, last),
            ChainPlanner.StepFlops(_layout, first, s, last, trace)));
    }

    private string Format(int first, int last)
    {
        if (first == last)
        {
            return _names[first];
        }

        int s = _split[first, last];
        return s == ChainPlanner.GramSplit
            ? $"({string.Join("·", _names[first..(last + 1)])})"
            : $"({Format(first, s)}·{Format(s + 1, last)})";
    }
}
