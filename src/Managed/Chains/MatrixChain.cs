using System.Numerics;
using System.Runtime.CompilerServices;

namespace FactoredGpu;

/// <summary>
/// A lazy product <c>X₁·X₂·…·X_k</c> of strided tensors <c>[..., rows, cols]</c> whose leading dimensions broadcast
/// (numpy rules). Nothing is multiplied until a reduction asks for it; each reduction lets <see cref="ChainPlanner"/>
/// pick the cheapest association and never builds an <c>l×r</c> product when both sizes are large.
/// </summary>
/// <typeparam name="TScalar">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>A full OV circuit <c>W_E·W_V·W_O·W_U</c> is <c>[12, 12, 50257, 50257]</c> for GPT-2 small, yet its
/// eigenvalues need only the <c>64×64</c> rotation <c>W_O·(W_U·W_E)·W_V</c> per head, with <c>W_U·W_E</c> computed once
/// for all heads.</para>
/// <para>Chains are immutable. The chain holds its own views of the factors (sharing their memory); disposing it
/// releases those views, not the caller's tensors.</para>
/// </remarks>
public sealed partial class MatrixChain<TScalar> : IDisposable
    where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
{
    /// <summary>The default limit on one allocation of <see cref="Materialize"/>: 4 GiB.</summary>
    public const long DefaultMemoryBudgetBytes = 4L << 30;

    private readonly ChainFactor<TScalar>[] _factors;
    private readonly ChainLayout _layout;
    private readonly string[] _names;
    private readonly int[] _shape;

    private MatrixChain(ChainFactor<TScalar>[] factors)
    {
        ArgumentNullException.ThrowIfNull(factors);
        if (factors.Any(f => f is null))
        {
            throw new ArgumentNullException(nameof(factors), "A factor is null.");
        }

        _layout = ChainLayout.Of(factors);
        var tensors = factors.Where(f => f.Tensor is not null).Select(f => f.Tensor!).ToArray();
        if (tensors.Length == 0)
        {
            throw new ArgumentException("A chain needs at least one dense or diagonal factor; all were centring projections.", nameof(factors));
        }

        foreach (var tensor in tensors)
        {
            if (!ReferenceEquals(tensor.Backend, tensors[0].Backend))
            {
                throw new ArgumentException($"Factors live on different backends: {tensors[0]} on {tensors[0].Backend.Kind}, {tensor} on {tensor.Backend.Kind}.", nameof(factors));
            }
        }

        Backend = tensors[0].Backend;
        _factors = [.. factors.Select(f => f.View())];
        _names = ChainPlanner.Names([.. factors.Select(f => f.Shape.ToArray())], null);
        _shape = Shapes.Concat(_layout.Leading, _layout.Rows(0), _layout.Cols(Count - 1));
    }

    /// <summary>The shape of the product: the broadcast leading dimensions, then <c>(l, r)</c>.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The leading (batch) dimensions of <see cref="Shape"/>.</summary>
    public ReadOnlySpan<int> LeadingShape => _layout.Leading;

    /// <summary>The number of rows <c>l</c> of the product (rows of <c>X₁</c>).</summary>
    public int LDim => _shape[^2];

    /// <summary>The number of columns <c>r</c> of the product (columns of <c>X_k</c>).</summary>
    public int RDim => _shape[^1];

    /// <summary>The number of factors <c>k</c>.</summary>
    public int Count => _factors.Length;

    /// <summary>The factors, left to right, as the chain's own views (shapes as given, not broadcast); do not dispose them.</summary>
    public IReadOnlyList<ChainFactor<TScalar>> Factors => _factors;

    /// <summary>The backend every factor's data lives on.</summary>
    private Kernels.IKernels Backend { get; }

    /// <summary>Creates the lazy product of <paramref name="factors"/>; nothing is multiplied.</summary>
    /// <param name="factors">At least two tensors <c>[..., rows, cols]</c> on one backend; consecutive inner sizes equal.</param>
    /// <returns>The chain, owned by the caller; the factors stay the caller's.</returns>
    /// <exception cref="ArgumentException">
    /// Fewer than two factors, a factor of rank &lt; 2, inner sizes that differ, leading dimensions that do not broadcast, or
    /// different backends; the message names the shapes.
    /// </exception>
    public static MatrixChain<TScalar> Of(params StridedTensor<TScalar>[] factors)
    {
        ArgumentNullException.ThrowIfNull(factors);
        if (factors.Any(f => f is null))
        {
            throw new ArgumentNullException(nameof(factors), "A factor is null.");
        }

        return Joined([], factors, []);
    }

    /// <summary>
    /// Creates the lazy product of dense, diagonal and centring factors; nothing is multiplied. A dense factor that is a
    /// transposed view of another (<c>X</c> and <c>Xᵀ</c>, one memory) lets the planner form <c>Xᵀ·X</c> or <c>Xᵀ·P·X</c>
    /// as one symmetric Gram product.
    /// </summary>
    /// <param name="factors">At least two factors, their tensors on one backend, not all centring projections; consecutive inner sizes equal.</param>
    /// <returns>The chain, owned by the caller; the factors stay the caller's.</returns>
    /// <exception cref="ArgumentException">As for <see cref="Of(StridedTensor{TScalar}[])"/>, or every factor is a centring projection.</exception>
    public static MatrixChain<TScalar> Of(params ChainFactor<TScalar>[] factors) => new(factors);

    /// <summary>The chain <c>A·B</c> of a factored matrix's two factors.</summary>
    /// <param name="matrix">The factored matrix.</param>
    /// <returns>The chain, owned by the caller.</returns>
    public static MatrixChain<TScalar> FromFactored(FactoredMatrix<TScalar> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return Of(matrix.A, matrix.B);
    }

    /// <summary>The lazy product of two chains.</summary>
    /// <param name="left">The left chain.</param>
    /// <param name="right">The right chain.</param>
    /// <returns>A new chain of all factors, owned by the caller.</returns>
    public static MatrixChain<TScalar> operator *(MatrixChain<TScalar> left, MatrixChain<TScalar> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return Of([.. left._factors, .. right._factors]);
    }

    /// <summary>The lazy product of a chain and a tensor.</summary>
    /// <param name="left">The chain.</param>
    /// <param name="right">The tensor <c>[..., r, n]</c>.</param>
    /// <returns>A new chain, owned by the caller.</returns>
    public static MatrixChain<TScalar> operator *(MatrixChain<TScalar> left, StridedTensor<TScalar> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return Joined(left._factors, [right], []);
    }

    /// <summary>The lazy product of a tensor and a chain.</summary>
    /// <param name="left">The tensor <c>[..., n, l]</c>.</param>
    /// <param name="right">The chain.</param>
    /// <returns>A new chain, owned by the caller.</returns>
    public static MatrixChain<TScalar> operator *(StridedTensor<TScalar> left, MatrixChain<TScalar> right)
    {
        ArgumentNullException.ThrowIfNull(right);
        return Joined([], [left], right._factors);
    }

    /// <summary>The lazy product of a chain and a factored matrix (its two factors join the chain).</summary>
    /// <param name="left">The chain.</param>
    /// <param name="right">The factored matrix.</param>
    /// <returns>A new chain, owned by the caller.</returns>
    public static MatrixChain<TScalar> operator *(MatrixChain<TScalar> left, FactoredMatrix<TScalar> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return Joined(left._factors, [right.A, right.B], []);
    }

    /// <summary>The lazy product of a factored matrix and a chain.</summary>
    /// <param name="left">The factored matrix.</param>
    /// <param name="right">The chain.</param>
    /// <returns>A new chain, owned by the caller.</returns>
    public static MatrixChain<TScalar> operator *(FactoredMatrix<TScalar> left, MatrixChain<TScalar> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return Joined([], [left.A, left.B], right._factors);
    }

    /// <summary>The plan <see cref="Materialize"/> follows.</summary>
    /// <returns>The cheapest association order of the full product.</returns>
    public ChainPlan PlanProduct() => ChainPlanner.ForProduct(_layout, _names);

    /// <summary>
    /// Materializes the full product, shape <see cref="Shape"/>, in the planner's cheapest order.
    /// </summary>
    /// <param name="memoryBudgetBytes">The largest allocation (final or intermediate product) allowed, in bytes.</param>
    /// <returns>The dense product, owned by the caller.</returns>
    /// <remarks>
    /// This is the one reduction that may build a huge matrix: <c>l·r</c> elements per distinct leading index (a GPT-2
    /// full OV circuit is 144·50257² ≈ 3.6·10¹¹). The budget is checked against the plan before anything is allocated.
    /// Prefer <see cref="Eigenvalues"/>, <see cref="Trace"/>, <see cref="Norm"/> and <see cref="SingularValues"/>.
    /// </remarks>
    /// <exception cref="InsufficientMemoryException">A product of the plan exceeds <paramref name="memoryBudgetBytes"/>, or the backend's memory.</exception>
    public StridedTensor<TScalar> Materialize(long memoryBudgetBytes = DefaultMemoryBudgetBytes)
    {
        var plan = PlanProduct();
        foreach (var step in plan.Steps)
        {
            double bytes = (double)step.DistinctBatch * step.ResultShape[^2] * step.ResultShape[^1] * Unsafe.SizeOf<TScalar>();
            if (bytes > memoryBudgetBytes)
            {
                throw new InsufficientMemoryException(
                    $"Materializing the chain of shape {Shapes.Format(_shape)} needs {bytes:E3} bytes for {step.Left}·{step.Right} of shape {Shapes.Format([.. step.ResultShape])}; the budget is {memoryBudgetBytes} bytes.");
            }
        }

        return plan.Evaluate(_factors);
    }

    /// <summary>
    /// The chain as a factored matrix <c>(X₁⋯X_s, X_{s+1}⋯X_k)</c>, split where the inner size is smallest, each half
    /// evaluated in the planner's cheapest order — TransformerLens's factors, for callers that need them.
    /// </summary>
    /// <returns>The factored matrix, owned by the caller.</returns>
    /// <remarks>
    /// The halves can be large: a GPT-2 full OV circuit gives two <c>[12, 12, 50257, 64]</c> factors (1.85 GB each
    /// in float32). The reductions on the chain itself need far less.
    /// </remarks>
    /// <exception cref="InsufficientMemoryException">A half does not fit in the backend's memory.</exception>
    public FactoredMatrix<TScalar> ToFactoredMatrix()
    {
        int s = SmallestSplit();
        using var left = EvaluateRange(0, s);
        using var right = EvaluateRange(s + 1, Count - 1);
        return new FactoredMatrix<TScalar>(left, right);
    }

    /// <summary>A description: shape and factor shapes.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        $"MatrixChain: Shape({Shapes.Format(_shape)}), Factors({string.Join("·", _factors.Select(f => f.Kind == ChainFactorKind.Dense ? Shapes.Format(f.Shape) : f.ToString()))})";

    /// <summary>Releases the chain's views of its factors.</summary>
    public void Dispose()
    {
        foreach (var factor in _factors)
        {
            factor.Dispose();
        }
    }

    /// <summary>The chain of <paramref name="left"/>, dense factors viewing <paramref name="middle"/>, then <paramref name="right"/>.</summary>
    private static MatrixChain<TScalar> Joined(ChainFactor<TScalar>[] left, StridedTensor<TScalar>[] middle, ChainFactor<TScalar>[] right)
    {
        var dense = middle.Select(ChainFactor<TScalar>.Dense).ToArray();
        try
        {
            return new([.. left, .. dense, .. right]);
        }
        finally
        {
            foreach (var factor in dense)
            {
                factor.Dispose();
            }
        }
    }

    /// <summary>The split <c>s</c> (0-based: between factors <c>s</c> and <c>s + 1</c>) with the smallest inner size; leftmost on ties.</summary>
    private int SmallestSplit()
    {
        int best = 0;
        for (int s = 1; s < Count - 1; s++)
        {
            if (_layout.Cols(s) < _layout.Cols(best))
            {
                best = s;
            }
        }

        return best;
    }

    /// <summary>The product of factors <paramref name="first"/>..<paramref name="last"/> in the planner's cheapest order.</summary>
    private StridedTensor<TScalar> EvaluateRange(int first, int last)
    {
        if (first == last)
        {
            return _factors[first].ToDense(Backend);
        }

        int[] range = [.. Enumerable.Range(first, last - first + 1)];
        var plan = ChainPlanner.ForProduct(_layout.Reorder(range), [.. range.Select(i => _names[i])]);
        return plan.Evaluate(_factors[first..(last + 1)]);
    }
}
