using System.Numerics;

namespace FactoredGpu;

/// <content>The diagonal of the product, without forming it.</content>
public sealed partial class FactoredMatrix<TScalar>
{
    /// <summary>
    /// The diagonal of <c>A·B</c> per leading index: <c>d[..., i] = Σₖ A[..., i, k]·B[..., k, i]</c>, shape
    /// <c>[..., min(l, r)]</c> (TransformerLens's <c>diag</c>, which is <c>AB.diagonal(dim1=-2, dim2=-1)</c>).
    /// </summary>
    /// <returns>The diagonals, owned by the caller.</returns>
    /// <remarks>
    /// One <c>m</c>-term dot product per entry on the backend (<c>DiagonalOfProduct</c>): <c>O(min(l, r)·m)</c> work
    /// instead of the <c>O(l·m·r)</c> of forming <c>A·B</c>. NaN or ±Inf in row <c>i</c> of <c>A</c> or column <c>i</c> of
    /// <c>B</c> propagates to entry <c>i</c> only.
    /// </remarks>
    public StridedTensor<TScalar> Diagonal()
    {
        int count = checked((int)Shapes.Product(LeadingShape)), n = Math.Min(LDim, RDim);
        var diagonal = StridedTensor<TScalar>.Zeros(Backend, Shapes.Concat(LeadingShape, n));
        if (count > 0 && n > 0)
        {
            Backend.DiagonalOfProduct(A.AsBatch(), B.AsBatch(), diagonal.Buffer);
        }

        return diagonal;
    }
}
