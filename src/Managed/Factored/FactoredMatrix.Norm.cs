using System.Numerics;
using FactoredGpu.LinearAlgebra;

namespace FactoredGpu;

/// <content>The Frobenius norm, from Gram matrices where that is accurate and from a QR factorization where it is not.</content>
public sealed partial class FactoredMatrix<TScalar>
{
    /// <summary>The Frobenius norm <c>‖A·B‖_F</c> per leading index, shape <see cref="LeadingShape"/>.</summary>
    /// <returns>The norms.</returns>
    /// <remarks>
    /// <para><c>‖A·B‖²_F = Σ (AᵀA) ∘ (B·Bᵀ)</c>: two <c>m×m</c> Gram matrices instead of TransformerLens's three SVDs, summed in
    /// float64, and beside it <c>‖A‖²_F</c> and <c>‖B‖²_F</c> (one streaming pass each). That sum's rounding error is
    /// about <c>ε·‖A‖²_F·‖B‖²_F</c> (ε of <typeparamref name="TScalar"/>), so it loses digits when the product is much
    /// smaller than its factors (cancellation), and the Grams overflow or underflow for badly scaled factors of a
    /// well-scaled product (<c>(s·A, B/s)</c>).</para>
    /// <para>Each leading index whose Gram sum is below <c>√ε·‖A‖²_F·‖B‖²_F</c>, or whose Grams are not finite or vanish,
    /// is recomputed in float64 as <c>‖R·B‖_F</c> from a QR factorization <c>A = Q·R</c> (Q has orthonormal columns), with
    /// A and B first scaled by powers of two (exact): its absolute error is about <c>ε·‖A‖_F·‖B‖_F</c>. The Gram route's
    /// absolute error is that bound times <c>‖A‖_F·‖B‖_F/‖A·B‖_F</c>, a factor it is used only below (at most
    /// <c>ε^(-1/4)</c>: 55 in float, 8200 in double; about √m for Gaussian factors of hidden size m). The value does not
    /// depend on <c>s</c> in <c>(s·A, B/s)</c> while the product is representable, and equals TransformerLens's
    /// <c>sqrt(ΣS²)</c> to that error.</para>
    /// </remarks>
    public StridedTensor<TScalar> Norm()
    {
        if (IsLazy)
        {
            // Grams propagated through the lazy factors (MatrixChain.Norm): neither A nor B is formed.
            using var chain = MatrixChain<TScalar>.Of([.. _left, .. _right]);
            return chain.Norm();
        }

        int count = checked((int)Shapes.Product(LeadingShape));
        var backend = Backend;
        var a = A.AsBatch();
        var b = B.AsBatch();
        using var at = A.Transpose();
        using var bt = B.Transpose();
        using var squares = backend.Allocate<TScalar>(count);
        using var leftSquares = backend.Allocate<TScalar>(count);
        using var rightSquares = backend.Allocate<TScalar>(count);
        backend.FrobeniusSquaredOfProduct(a, b, squares);
        // ‖A‖²_F = tr(A·Aᵀ) and ‖B‖²_F = tr(B·Bᵀ): one streaming pass over each factor, the traces of the two Grams.
        backend.TraceOfProduct(a, at.AsBatch(), leftSquares);
        backend.TraceOfProduct(b, bt.AsBatch(), rightSquares);
        var (sums, leftTraces, rightTraces) = (new TScalar[count], new TScalar[count], new TScalar[count]);
        backend.Download(squares, 0, sums);
        backend.Download(leftSquares, 0, leftTraces);
        backend.Download(rightSquares, 0, rightTraces);

        double threshold = Math.Sqrt(Epsilon);
        var values = new double[count];
        var inaccurate = new List<int>();
        for (int h = 0; h < count; h++)
        {
            double sum = double.CreateTruncating(sums[h]), leftTrace = double.CreateTruncating(leftTraces[h]), rightTrace = double.CreateTruncating(rightTraces[h]);

            // Cancellation: the sum is small beside its bound ‖A‖²_F·‖B‖²_F = tr(AᵀA)·tr(B·Bᵀ).
            if (!GramsRepresentable(leftTrace, rightTrace) || !double.IsFinite(sum) || sum < threshold * leftTrace * rightTrace)
            {
                inaccurate.Add(h);
            }
            else
            {
                values[h] = Math.Sqrt(Math.Max(sum, 0));
            }
        }

        if (inaccurate.Count > 0)
        {
            QrNorms(inaccurate, values);
        }

        return HostDouble.To<TScalar>(backend, values, LeadingShape.ToArray());
    }

    /// <summary>The unit roundoff of <typeparamref name="TScalar"/>, the precision its Gram matrices are computed in.</summary>
    private static double Epsilon => typeof(TScalar) == typeof(float) ? 1.0 / (1 << 23) : MachineParameters.Precision;

    /// <summary>
    /// Whether Gram matrices <c>AᵀA</c> and <c>B·Bᵀ</c> computed in <typeparamref name="TScalar"/>, given by their traces
    /// <c>‖A‖²_F</c> and <c>‖B‖²_F</c>, are finite and, unless zero, above the range where their entries lose bits to underflow.
    /// </summary>
    private static bool GramsRepresentable(double leftTrace, double rightTrace)
    {
        double smallestNormal = typeof(TScalar) == typeof(float) ? 1.1754943508222875e-38 : MachineParameters.SafeMinimum;
        double tiny = smallestNormal / Epsilon;
        return double.IsFinite(leftTrace * rightTrace) && (leftTrace == 0 || leftTrace >= tiny) && (rightTrace == 0 || rightTrace >= tiny);
    }

    private static double Trace(ReadOnlySpan<double> square, int m)
    {
        double trace = 0;
        for (int i = 0; i < m; i++)
        {
            trace += square[(i * m) + i];
        }

        return trace;
    }

    /// <summary><c>‖R·B‖_F</c> in float64, <c>A = Q·R</c>, for the listed leading indices, with A and B scaled by powers of two.</summary>
    private void QrNorms(List<int> indices, double[] values)
    {
        int l = LDim, m = MDim, r = RDim, k = Math.Min(l, m);
        double[] a = HostDouble.From(A), b = HostDouble.From(B);
        var q = new double[l * k];
        var upper = new double[k * m];
        var product = new double[k * r];
        foreach (int h in indices)
        {
            Span<double> ah = a.AsSpan(h * l * m, l * m), bh = b.AsSpan(h * m * r, m * r);
            double scale = MatrixScaling.Normalize(ah) * MatrixScaling.Normalize(bh);
            BatchedQr.Decompose(ah, l, m, 1, q, upper);
            double sum = 0;
            for (int i = 0; i < k; i++)
            {
                for (int j = 0; j < r; j++)
                {
                    double x = 0;
                    for (int t = i; t < m; t++)
                    {
                        x += upper[(i * m) + t] * bh[(t * r) + j];
                    }

                    sum += x * x;
                }
            }

            values[h] = Math.Sqrt(sum) * scale;
        }
    }
}
