using FactoredGpu.Tests.Support;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace FactoredGpu.Tests.Managed;

/// <summary>Every <see cref="FactoredMatrix{TScalar}"/> member on random shapes and broadcasts against a dense float64 reference.</summary>
public sealed class FactoredMatrixPropertyTests
{
    private static readonly int[][] LeadingShapes = [[], [3], [2, 1], [1, 4], [2, 3]];
    private static readonly int[] Sizes = [1, 2, 3, 5, 7];

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 24)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Members_match_the_dense_product(int seed)
    {
        var random = new Random(seed);
        var (aLead, bLead) = (Pick(random, LeadingShapes), Pick(random, LeadingShapes));
        if (!Broadcastable(aLead, bLead))
        {
            bLead = [];
        }

        int l = Pick(random, Sizes), m = Pick(random, Sizes), r = seed % 3 == 0 ? l : Pick(random, Sizes);
        int[] aShape = [.. aLead, l, m], bShape = [.. bLead, m, r];
        double[] aData = Dense.Random(random, aShape.Aggregate(1, (x, y) => x * y)), bData = Dense.Random(random, bShape.Aggregate(1, (x, y) => x * y));
        int[] lead = Shapes.Broadcast(aLead, bLead);
        int count = lead.Aggregate(1, (x, y) => x * y);
        double[] aFull = Dense.Broadcast(aData, aShape, [.. lead, l, m]), bFull = Dense.Broadcast(bData, bShape, [.. lead, m, r]);
        double[] ab = Dense.Matmul(aFull, bFull, count, l, m, r);

        using var a = StridedTensor<double>.FromArray(aData, aShape);
        using var b = StridedTensor<double>.FromArray(bData, bShape);
        using var f = new FactoredMatrix<double>(a, b);
        string what = $"A {Shapes.Format(aShape)}, B {Shapes.Format(bShape)}";
        Assert.Equal([.. lead, l, r], f.Shape.ToArray());

        // Broadcast leading dimensions are zero-stride views of the caller's factors, never copies.
        for (int d = 0; d < lead.Length; d++)
        {
            int aDim = d - (lead.Length - aLead.Length);
            Assert.True(aDim >= 0 && aLead[aDim] == lead[d] || f.A.Strides[d] == 0, $"A stride {d} of {what}");
        }

        using (var product = f.AB())
        {
            Close.Parity(ab, product.ToArray(), $"AB of {what}");
        }

        using (var norm = f.Norm())
        {
            var expected = Enumerable.Range(0, count).Select(n => Math.Sqrt(ab.Skip(n * l * r).Take(l * r).Sum(x => x * x))).ToArray();
            // Gram route vs the dense sum of squares, both float64 on O(1) data: a few ulps of ‖A‖‖B‖.
            Close.All(expected, norm.ToArray(), 1e-12, 1e-12, $"norm of {what}");
        }

        using (var transposed = f.T)
        using (var product = transposed.AB())
        {
            Close.Parity(Dense.Transpose(ab, count, l, r), product.ToArray(), $"T of {what}");
        }

        // Singular values against MathNet's SVD of each dense product; the SVD reconstructs AB with orthonormal U, V.
        int k = Math.Min(l, Math.Min(m, r));
        var (u, s, v) = f.Svd();
        using (u)
        using (s)
        using (v)
        using (var values = f.SingularValues())
        {
            double[] sActual = s.ToArray(), uActual = u.ToArray(), vActual = v.ToArray(), valuesActual = values.ToArray();
            for (int n = 0; n < count; n++)
            {
                var dense = Matrix<double>.Build.DenseOfRowMajor(l, r, ab.Skip(n * l * r).Take(l * r).ToArray());
                double[] expected = dense.Svd(false).S.Take(k).ToArray();
                // The reference README's S tolerance; SingularValues squares the condition number (Grams), so its
                // bound is √ε-class: 1e-7·S_max covers ε·S_max²/σ for σ ≥ 1e-8·S_max on these O(1), rank-k products.
                double tolerance = 1e-10 * Math.Max(1, expected[0]);
                Close.All(expected, sActual[(n * k)..((n + 1) * k)], 0, tolerance, $"S of {what}");
                Close.All(expected, valuesActual[(n * k)..((n + 1) * k)], 0, 1e-7 * Math.Max(1, expected[0]), $"SingularValues of {what}");
                var un = Matrix<double>.Build.DenseOfRowMajor(l, k, uActual[(n * l * k)..((n + 1) * l * k)]);
                var vn = Matrix<double>.Build.DenseOfRowMajor(r, k, vActual[(n * r * k)..((n + 1) * r * k)]);
                var rebuilt = un * Matrix<double>.Build.DenseOfDiagonalArray(sActual[(n * k)..((n + 1) * k)]) * vn.Transpose();
                Assert.True((rebuilt - dense).Enumerate().Max(Math.Abs) <= tolerance, $"U·diag(S)·Vᵀ ≠ AB for {what}");
                if (expected[^1] > 1e-8 * expected[0])
                {
                    Assert.True((un.TransposeThisAndMultiply(un) - Matrix<double>.Build.DenseIdentity(k)).Enumerate().Max(Math.Abs) < 1e-10, $"UᵀU ≠ I for {what}");
                    Assert.True((vn.TransposeThisAndMultiply(vn) - Matrix<double>.Build.DenseIdentity(k)).Enumerate().Max(Math.Abs) < 1e-10, $"VᵀV ≠ I for {what}");
                }
            }
        }

        using (var even = f.MakeEven())
        using (var product = even.AB())
        {
            // U·√S·√S·Vᵀ goes through the SVD: backward-stable, so 1e-9 of the largest entry (README's make_even form).
            Close.All(ab, product.ToArray(), 1e-9, 1e-9 * Math.Max(1, ab.Max(Math.Abs)), $"MakeEven of {what}");
        }

        if (l == r)
        {
            using var eigen = f.Eigenvalues();
            Assert.Equal([.. lead, m], eigen.Shape.ToArray());
            double[] re = eigen.Real.ToArray(), im = eigen.Imaginary.ToArray();
            double[] ba = Dense.Matmul(bFull, aFull, count, m, l, m);
            for (int n = 0; n < count; n++)
            {
                var expected = Matrix<double>.Build.DenseOfRowMajor(m, m, ba[(n * m * m)..((n + 1) * m * m)]).Evd().EigenValues.ToArray();
                // Reference README eigenvalue tolerance: 1e-9·max(1, max |λ|), multiset comparison.
                double scale = Math.Max(1, expected.Max(z => z.Magnitude));
                Close.Multiset(expected.Select(z => z.Real).ToArray(), expected.Select(z => z.Imaginary).ToArray(), re[(n * m)..((n + 1) * m)], im[(n * m)..((n + 1) * m)], 1e-9 * scale, $"eigenvalues of {what}");
            }
        }
        else
        {
            Assert.Throws<InvalidOperationException>(() => f.Eigenvalues());
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Products_with_matrices_and_vectors_match_the_dense_product(int seed)
    {
        var random = new Random(1000 + seed);
        int l = Pick(random, Sizes), m = Pick(random, Sizes), r = Pick(random, Sizes), n = Pick(random, Sizes);
        int[] lead = Pick(random, LeadingShapes);
        int count = lead.Aggregate(1, (x, y) => x * y);
        double[] aData = Dense.Random(random, count * l * m), bData = Dense.Random(random, m * r);
        double[] right = Dense.Random(random, r * n), left = Dense.Random(random, n * l), vector = Dense.Random(random, r), row = Dense.Random(random, l);
        double[] aFull = aData, bFull = Dense.Broadcast(bData, [m, r], [.. lead, m, r]);
        double[] ab = Dense.Matmul(aFull, bFull, count, l, m, r);

        using var a = StridedTensor<double>.FromArray(aData, [.. lead, l, m]);
        using var b = StridedTensor<double>.FromArray(bData, m, r);
        using var f = new FactoredMatrix<double>(a, b);

        using (var mt = StridedTensor<double>.FromArray(right, r, n))
        using (var product = f * mt)
        using (var dense = product.Factored!.AB())
        {
            Assert.Equal(r > m ? m : r, product.Factored.MDim);
            Close.Parity(Dense.Matmul(ab, Dense.Broadcast(right, [r, n], [.. lead, r, n]), count, l, r, n), dense.ToArray(), "F·M");
        }

        using (var mt = StridedTensor<double>.FromArray(left, n, l))
        using (var product = mt * f)
        using (var dense = product.Factored!.AB())
        {
            Assert.Equal(l > m ? m : l, product.Factored.MDim);
            Close.Parity(Dense.Matmul(Dense.Broadcast(left, [n, l], [.. lead, n, l]), ab, count, n, l, r), dense.ToArray(), "M·F");
        }

        using (var v = StridedTensor<double>.FromArray(vector, r))
        using (var product = f * v)
        {
            Assert.False(product.IsFactored);
            Assert.Equal([.. lead, l], product.Dense!.Shape.ToArray());
            Close.Parity(Dense.Matmul(ab, Dense.Broadcast(vector, [r, 1], [.. lead, r, 1]), count, l, r, 1), product.Dense.ToArray(), "F·v");
        }

        using (var u = StridedTensor<double>.FromArray(row, l))
        using (var product = u * f)
        {
            Assert.Equal([.. lead, r], product.Dense!.Shape.ToArray());
            Close.Parity(Dense.Matmul(Dense.Broadcast(row, [1, l], [.. lead, 1, l]), ab, count, 1, l, r), product.Dense.ToArray(), "u·F");
        }

        using (var scaled = -2.5 * f)
        using (var dense = scaled.AB())
        {
            Close.Parity(ab.Select(x => -2.5 * x).ToArray(), dense.ToArray(), "s·F");
        }
    }

    [Fact]
    public void Float_members_agree_with_double_within_float_precision()
    {
        var random = new Random(7);
        double[] aData = Dense.Random(random, 3 * 17 * 5), bData = Dense.Random(random, 3 * 5 * 17);
        using var a = StridedTensor<double>.FromArray(aData, 3, 17, 5);
        using var b = StridedTensor<double>.FromArray(bData, 3, 5, 17);
        using var af = StridedTensor<float>.FromArray(aData.Select(x => (float)x).ToArray(), 3, 17, 5);
        using var bf = StridedTensor<float>.FromArray(bData.Select(x => (float)x).ToArray(), 3, 5, 17);
        using var f = new FactoredMatrix<double>(a, b);
        using var g = new FactoredMatrix<float>(af, bf);
        using (var n64 = f.Norm())
        using (var n32 = g.Norm())
        {
            Close.All(n64.ToArray(), n32.ToArray(), 1e-5, 0, "norm");
        }

        using (var s64 = f.S)
        using (var s32 = g.S)
        {
            Close.All(s64.ToArray(), s32.ToArray(), 1e-4, 1e-5 * s64.ToArray().Max(), "S");
        }

        using var e64 = f.Eigenvalues();
        using var e32 = g.Eigenvalues();
        double[] re = e64.Real.ToArray(), im = e64.Imaginary.ToArray();
        double[] re32 = e32.Real.ToArray().Select(x => (double)x).ToArray(), im32 = e32.Imaginary.ToArray().Select(x => (double)x).ToArray();
        for (int n = 0; n < 3; n++)
        {
            Close.Multiset(re[(n * 5)..((n + 1) * 5)], im[(n * 5)..((n + 1) * 5)], re32[(n * 5)..((n + 1) * 5)], im32[(n * 5)..((n + 1) * 5)], 1e-4 * Math.Max(1, re.Max(Math.Abs)), "eigenvalues");
        }
    }

    private static T Pick<T>(Random random, T[] options) => options[random.Next(options.Length)];

    private static bool Broadcastable(int[] a, int[] b)
    {
        for (int i = 1; i <= Math.Min(a.Length, b.Length); i++)
        {
            if (a[^i] != b[^i] && a[^i] != 1 && b[^i] != 1)
            {
                return false;
            }
        }

        return true;
    }
}
