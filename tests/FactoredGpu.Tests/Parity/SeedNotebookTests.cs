using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Parity;

/// <summary>
/// TransformerLens's Main_Demo "Factored Matrix Class" example in float32 (<c>seed_notebook_case.json</c>),
/// with the reference README's float32 tolerances.
/// </summary>
public sealed class SeedNotebookTests
{
    [Fact]
    public void Norms_eigenvalues_singular_values_and_svd_match()
    {
        using var doc = ReferenceFiles.Load("seed_notebook_case.json");
        var c = doc.RootElement.GetProperty("case");
        using var a = ReferenceFiles.TensorF(c.GetProperty("A"));
        using var b = ReferenceFiles.TensorF(c.GetProperty("B"));
        using var f = new FactoredMatrix<float>(a, b);

        Assert.Equal((5, 2, 5), (f.LDim, f.MDim, f.RDim));
        using var ab = f.AB();
        Close.All(ReferenceFiles.Real(c.GetProperty("AB")).Data, ab.ToArray(), 1e-5, 1e-6, "AB");

        using var norm = f.Norm();
        double expectedNorm = ReferenceFiles.Real(c.GetProperty("factored_norm")).Data[0];
        Assert.Equal(expectedNorm, norm.ToScalar(), 1e-5 * expectedNorm);
        Assert.Equal(9.9105, norm.ToScalar(), 5e-5); // the value the notebook prints

        var (_, re, im) = ReferenceFiles.Complex(c.GetProperty("factored_eigenvalues"));
        using var eigen = f.Eigenvalues();
        double[] actualRe = eigen.Real.ToArray().Select(x => (double)x).ToArray(), actualIm = eigen.Imaginary.ToArray().Select(x => (double)x).ToArray();
        Close.Multiset(re, im, actualRe, actualIm, 1e-5 * re.Max(Math.Abs), "eigenvalues");

        var expectedS = ReferenceFiles.Real(c.GetProperty("factored_S")).Data;
        using var s = f.S;
        Close.All(expectedS, s.ToArray(), 0, 1e-5 * expectedS[0], "S");
        using var values = f.SingularValues();
        Close.All(expectedS, values.ToArray(), 0, 1e-5 * expectedS[0], "S from the Gram route");

        // float32 U/V: reconstruction only (reference README).
        using var u = f.U;
        using var v = f.V;
        using var vt = v.Transpose();
        using var us = u * Diagonal(s.ToArray());
        using var rebuilt = us * vt;
        Close.All(ab.ToArray().Select(x => (double)x).ToArray(), rebuilt.ToArray(), 1e-5, 1e-5 * expectedS[0], "U·diag(S)·Vᵀ");
    }

    [Theory]
    [InlineData("C_reseeded")]
    [InlineData("C_continued")]
    public void Product_with_a_wide_matrix_stays_factored_and_keeps_its_norm(string which)
    {
        using var doc = ReferenceFiles.Load("seed_notebook_case.json");
        var c = doc.RootElement.GetProperty("case");
        var record = c.GetProperty(which);
        using var a = ReferenceFiles.TensorF(c.GetProperty("A"));
        using var b = ReferenceFiles.TensorF(c.GetProperty("B"));
        using var m = ReferenceFiles.TensorF(record.GetProperty("C"));
        using var f = new FactoredMatrix<float>(a, b);
        using var product = f * m;

        Assert.True(product.IsFactored);
        Assert.Equal((5, 2, 300), (product.Factored!.LDim, product.Factored.MDim, product.Factored.RDim));
        double expected = ReferenceFiles.Real(record.GetProperty("ABC_factored_norm")).Data[0];
        using var norm = product.Factored.Norm();
        Assert.Equal(expected, norm.ToScalar(), 1e-5 * expected);
    }

    private static StridedTensor<float> Diagonal(float[] values)
    {
        var data = new float[values.Length * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            data[i * values.Length + i] = values[i];
        }

        return StridedTensor<float>.FromArray(data, values.Length, values.Length);
    }
}
