using FactoredGpu.LinearAlgebra;

namespace FactoredGpu;

/// <content>Eigenvalues and trace of a square chain, from its smallest cyclic rotation.</content>
public sealed partial class MatrixChain<TScalar>
{
    /// <summary>The plan <see cref="Eigenvalues"/> follows: the smallest cyclic rotation, in its cheapest order.</summary>
    /// <returns>The plan.</returns>
    /// <exception cref="InvalidOperationException">The product is not square; the message names its shape.</exception>
    public ChainPlan PlanEigenvalues()
    {
        RequireSquare();
        return ChainPlanner.ForRotation(_layout, _names, traceAtRoot: false);
    }

    /// <summary>The plan <see cref="Trace"/> follows: the smallest cyclic rotation, ending in a trace of a product.</summary>
    /// <returns>The plan.</returns>
    /// <exception cref="InvalidOperationException">The product is not square; the message names its shape.</exception>
    public ChainPlan PlanTrace()
    {
        RequireSquare();
        return ChainPlanner.ForRotation(_layout, _names, traceAtRoot: true);
    }

    /// <summary>
    /// The eigenvalues of the smallest cyclic rotation <c>X_i⋯X_k·X₁⋯X_{i−1}</c> (<c>m</c> = rows of <c>X_i</c>, the
    /// smallest outer size): all non-zero eigenvalues of the chain, plus zeros to make up <c>m</c>.
    /// </summary>
    /// <returns>Shape <c>[..., m]</c>, complex; within each leading index descending by real part, then imaginary part.</returns>
    /// <remarks>
    /// Only the <c>m×m</c> rotation is formed (batched over the leading dimensions, shared sub-products once); the
    /// values-only eigen solver (<see cref="BatchedEigenvalues"/>) runs in float64 on the host. When <c>m</c> exceeds the
    /// chain's rank the extra eigenvalues are zero up to rounding, as for <see cref="FactoredMatrix{TScalar}.Eigenvalues"/>.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The product is not square (<c>l ≠ r</c>); the message names its shape.</exception>
    /// <exception cref="ArithmeticException">The QR iteration did not converge (LAPACK's iteration limit; not seen in practice).</exception>
    public ComplexTensor<TScalar> Eigenvalues()
    {
        var plan = PlanEigenvalues();
        using var rotation = plan.Evaluate(_factors);
        int m = rotation.Dim(-1);
        var (real, imaginary) = HostEigenvalues(rotation, m);
        int[] shape = Shapes.Concat(LeadingShape, m);
        var backend = Backend;
        return new ComplexTensor<TScalar>(HostDouble.To<TScalar>(backend, real, shape), HostDouble.To<TScalar>(backend, imaginary, shape));
    }

    /// <summary>The trace of the product per leading index, shape <see cref="LeadingShape"/>.</summary>
    /// <returns>The traces.</returns>
    /// <remarks>
    /// <c>tr(X₁⋯X_k)</c> is invariant under cyclic rotation: the planner takes the rotation with the smallest outer size
    /// and the split whose two halves are cheapest to form, and the backend's trace-of-product kernel finishes without
    /// forming their product.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The product is not square; the message names its shape.</exception>
    public StridedTensor<TScalar> Trace()
    {
        var plan = PlanTrace();
        var (left, right) = plan.EvaluateRootOperands(_factors);
        using (left)
        using (right)
        {
            using var p = left.BroadcastLeading(LeadingShape);
            using var q = right.BroadcastLeading(LeadingShape);
            var backend = p.Backend;
            var a = p.AsBatch();
            using var traces = backend.Allocate<TScalar>(a.Count);
            backend.TraceOfProduct(a, q.AsBatch(), traces);
            var values = new TScalar[a.Count];
            backend.Download(traces, 0, values);
            return StridedTensor<TScalar>.FromArray(backend, values, LeadingShape.ToArray());
        }
    }

    /// <summary>Eigenvalues of every <paramref name="m"/>×<paramref name="m"/> matrix of <paramref name="squares"/> (broadcast to the leading shape), in float64.</summary>
    private (double[] Real, double[] Imaginary) HostEigenvalues(StridedTensor<TScalar> squares, int m)
    {
        using var full = squares.BroadcastLeading(LeadingShape);
        int count = checked((int)Shapes.Product(LeadingShape));
        var real = new double[count * m];
        var imaginary = new double[count * m];
        BatchedEigenvalues.Compute(HostDouble.From(full), m, count, real, imaginary);
        return (real, imaginary);
    }

    private void RequireSquare()
    {
        if (LDim != RDim)
        {
            throw new InvalidOperationException($"Eigenvalues and traces need a square chain (l == r); its shape was {Shapes.Format(_shape)}.");
        }
    }
}
