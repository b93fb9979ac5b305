using FactoredGpu.Tests.Support;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace FactoredGpu.Tests.Chains;

/// <summary>Every <see cref="MatrixChain{TScalar}"/> reduction against the dense float64 product, plus construction and errors.</summary>
public sealed class MatrixChainTests
{
    /// <summary>
    /// A: three factors, X2 with no leading dims shared by [2, 3] heads, X3 [3, …] broadcast; inner size 6 exceeds l = 4.
    /// B: four factors whose product (5×5) has rank 2 (inner size 2); the smallest outer size is X4's 2 rows.
    /// C: not square, [2, 3, 6, 5].
    /// </summary>
    public static TheoryData<string> Cases() => ["A", "B", "C"];

    private static int[][] ShapesOf(string name) => name switch
    {
        "A" => [[2, 3, 4, 6], [6, 5], [3, 5, 4]],
        "B" => [[5, 3], [2, 1, 3, 7], [7, 2], [1, 3, 2, 5]],
        _ => [[2, 3, 6, 4], [4, 8], [3, 8, 5]],
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Materialize_and_ToFactoredMatrix_match_the_dense_product(string name)
    {
        using var chain = Build(name, out var reference, out int count, out int l, out int r);

        Assert.Equal([.. reference.Lead, l, r], chain.Shape.ToArray());
        Assert.Equal(reference.Lead, chain.LeadingShape.ToArray());
        using var product = chain.Materialize();
        Close.Parity(reference.Product, product.ToArray(), $"{name} product");

        using var factored = chain.ToFactoredMatrix();
        int smallestInner = ShapesOf(name).SkipLast(1).Min(s => s[^1]);
        Assert.Equal(smallestInner, factored.MDim);
        using var ab = factored.AB();
        Close.Parity(reference.Product, ab.ToArray(), $"{name} halves");
        Assert.Equal(count * l * r, reference.Product.Length);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Norm_and_singular_values_match_the_dense_product(string name)
    {
        using var chain = Build(name, out var reference, out int count, out int l, out int r);
        int k = Math.Min(Math.Min(l, r), ShapesOf(name).SkipLast(1).Min(s => s[^1]));

        using var norm = chain.Norm();
        using var singular = chain.SingularValues();
        Assert.Equal(reference.Lead, norm.Shape.ToArray());
        Assert.Equal([.. reference.Lead, k], singular.Shape.ToArray());
        var expectedNorm = new double[count];
        var expectedSingular = new double[count * k];
        for (int b = 0; b < count; b++)
        {
            var matrix = Matrix<double>.Build.DenseOfRowMajor(l, r, reference.Product.AsSpan(b * l * r, l * r).ToArray());
            expectedNorm[b] = matrix.FrobeniusNorm();
            matrix.Svd(false).S.Take(k).ToArray().CopyTo(expectedSingular, b * k);
        }

        Close.All(expectedNorm, norm.ToArray(), 1e-12, 1e-12);

        // Gram matrices square the condition number: values are resolved to about √ε·σ_max (1.5e-8 relative).
        Close.All(expectedSingular, singular.ToArray(), 1e-9, 1e-7 * expectedSingular.Max());
    }

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    public void Eigenvalues_and_trace_come_from_the_smallest_rotation(string name)
    {
        using var chain = Build(name, out var reference, out int count, out int l, out _);
        int m = ShapesOf(name).Min(s => s[^2]);

        using var eigen = chain.Eigenvalues();
        using var trace = chain.Trace();
        Assert.Equal([.. reference.Lead, m], eigen.Shape.ToArray());
        double[] re = eigen.Real.ToArray(), im = eigen.Imaginary.ToArray();
        double scale = Math.Max(1, reference.Product.Max(Math.Abs));
        var expectedTrace = new double[count];
        for (int b = 0; b < count; b++)
        {
            var matrix = Matrix<double>.Build.DenseOfRowMajor(l, l, reference.Product.AsSpan(b * l * l, l * l).ToArray());
            expectedTrace[b] = matrix.Trace();

            // The l×l product has l − rank extra zeros; its m largest eigenvalues are the rotation's m.
            var values = matrix.Evd().EigenValues.OrderByDescending(v => v.Magnitude).Take(m).ToArray();
            Close.Multiset([.. values.Select(v => v.Real)], [.. values.Select(v => v.Imaginary)], re[(b * m)..((b + 1) * m)], im[(b * m)..((b + 1) * m)], 1e-9 * scale, $"{name} head {b}");
            for (int i = 1; i < m; i++)
            {
                Assert.True(re[b * m + i - 1] >= re[b * m + i], "descending real parts");
            }
        }

        Close.All(expectedTrace, trace.ToArray(), 1e-12, 1e-12 * scale);
        Assert.Equal(name == "B" ? [3, 0, 1, 2] : [0, 1, 2], chain.PlanEigenvalues().Order);
    }

    [Fact]
    public void Products_with_tensors_chains_and_factored_matrices_stay_lazy_and_agree()
    {
        var random = new Random(5);
        using var x1 = Tensor([2, 4, 3], random, out _);
        using var x2 = Tensor([3, 6], random, out _);
        using var x3 = Tensor([6, 2], random, out _);
        using var x4 = Tensor([2, 4], random, out _);
        using var all = MatrixChain<double>.Of(x1, x2, x3, x4);
        using var expected = all.Materialize();
        using var f12 = new FactoredMatrix<double>(x1, x2);
        using var f34 = new FactoredMatrix<double>(x3, x4);
        using var c12 = MatrixChain<double>.FromFactored(f12);
        using var c34 = MatrixChain<double>.Of(x3, x4);
        using var c23 = MatrixChain<double>.Of(x2, x3);

        MatrixChain<double>[] variants = [c12 * c34, c12 * f34, f12 * c34, (x1 * c23) * x4];
        foreach (var chain in variants)
        {
            using (chain)
            {
                Assert.Equal(4, chain.Count);
                Assert.Equal([2, 4, 4], chain.Shape.ToArray());
                Assert.Equal((4, 4), (chain.LDim, chain.RDim));
                using var product = chain.Materialize();
                Close.Parity(expected.ToArray(), product.ToArray(), chain.ToString());
            }
        }
    }

    [Fact]
    public void Float_eigenvalues_and_norm_follow_the_double_ones()
    {
        using var chain = Build("B", out _, out _, out _, out _);
        var floats = chain.Factors.Select(factor => factor.Tensor!).Select(f => StridedTensor<float>.FromArray(f.ToArray().Select(x => (float)x).ToArray(), f.Shape.ToArray())).ToArray();
        using var single = MatrixChain<float>.Of(floats);
        using var eigen = single.Eigenvalues();
        using var eigen64 = chain.Eigenvalues();
        using var norm = single.Norm();
        using var norm64 = chain.Norm();

        double scale = eigen64.Real.ToArray().Max(Math.Abs);
        Close.All(eigen64.Real.ToArray(), eigen.Real.ToArray(), 1e-4, 1e-5 * scale, "Re λ");
        Close.All(norm64.ToArray(), norm.ToArray(), 1e-5, 0, "norm");
        foreach (var f in floats)
        {
            f.Dispose();
        }
    }

    [Fact]
    public void Errors_name_the_shapes()
    {
        using var a = StridedTensor<double>.Zeros(2, 3, 4);
        using var b = StridedTensor<double>.Zeros(5, 6);
        using var c = StridedTensor<double>.Zeros(3, 4, 6);
        using var square = StridedTensor<double>.Zeros(4, 4);

        var inner = Assert.Throws<ArgumentException>(() => MatrixChain<double>.Of(a, b));
        Assert.Contains("[2, 3, 4]", inner.Message, StringComparison.Ordinal);
        Assert.Contains("[5, 6]", inner.Message, StringComparison.Ordinal);
        var lead = Assert.Throws<ArgumentException>(() => MatrixChain<double>.Of(a, c));
        Assert.Contains("[3, 4, 6]", lead.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => MatrixChain<double>.Of(square));

        using var rectangle = MatrixChain<double>.Of(a, square);
        var eig = Assert.Throws<InvalidOperationException>(rectangle.Eigenvalues);
        Assert.Contains("[2, 3, 4]", eig.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(rectangle.Trace);

        using var big = StridedTensor<double>.Zeros(1000, 1);
        using var wide = StridedTensor<double>.Zeros(1, 1000);
        using var outer = MatrixChain<double>.Of(big, wide);
        var memory = Assert.Throws<InsufficientMemoryException>(() => outer.Materialize(memoryBudgetBytes: 1_000_000));
        Assert.Contains("[1000, 1000]", memory.Message, StringComparison.Ordinal);
    }

    private sealed record Reference(int[] Lead, double[] Product);

    /// <summary>A chain of seeded N(0, 1) factors and its product computed densely, left to right, in float64.</summary>
    private static MatrixChain<double> Build(string name, out Reference reference, out int count, out int l, out int r)
    {
        int[][] shapes = ShapesOf(name);
        var random = new Random(name[0]);
        var tensors = new StridedTensor<double>[shapes.Length];
        var data = new double[shapes.Length][];
        for (int i = 0; i < shapes.Length; i++)
        {
            tensors[i] = Tensor(shapes[i], random, out data[i]);
        }

        int[] lead = shapes.Aggregate(Array.Empty<int>(), (acc, s) => Shapes.Broadcast(acc, s[..^2]));
        count = lead.Aggregate(1, (x, y) => x * y);
        (l, r) = (shapes[0][^2], shapes[^1][^1]);
        double[] product = Dense.Broadcast(data[0], shapes[0], [.. lead, l, shapes[0][^1]]);
        for (int i = 1; i < shapes.Length; i++)
        {
            int m = shapes[i][^2], n = shapes[i][^1];
            product = Dense.Matmul(product, Dense.Broadcast(data[i], shapes[i], [.. lead, m, n]), count, l, m, n);
        }

        reference = new Reference(lead, product);
        try
        {
            return MatrixChain<double>.Of(tensors);
        }
        finally
        {
            foreach (var t in tensors)
            {
                t.Dispose();
            }
        }
    }

    private static StridedTensor<double> Tensor(int[] shape, Random random, out double[] data)
    {
        data = Dense.Random(random, shape.Aggregate(1, (x, y) => x * y));
        return StridedTensor<double>.FromArray(data, shape);
    }
}
