using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Managed;

/// <summary>Errors, NaN/Inf inputs, concurrent use and run-to-run determinism of <see cref="FactoredMatrix{TScalar}"/>.</summary>
public sealed class RobustnessTests
{
    private static FactoredMatrix<double> Random(int seed, int heads, int l, int m, int r)
    {
        var random = new Random(seed);
        using var a = StridedTensor<double>.FromArray(Dense.Random(random, heads * l * m), heads, l, m);
        using var b = StridedTensor<double>.FromArray(Dense.Random(random, heads * m * r), heads, m, r);
        return new FactoredMatrix<double>(a, b);
    }

    [Fact]
    public void Shape_errors_name_the_shapes()
    {
        using var f = Random(1, 2, 5, 3, 4);
        var ba = Assert.Throws<InvalidOperationException>(() => f.BA());
        Assert.Contains("[2, 5, 4]", ba.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => f.Eigenvalues());
        using var m = StridedTensor<double>.Zeros(3, 2);
        var product = Assert.Throws<ArgumentException>(() => f * m);
        Assert.Contains("[2, 5, 4]", product.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 2]", product.Message, StringComparison.Ordinal);
        using var other = StridedTensor<double>.Zeros(3, 4, 5);
        using var g = new FactoredMatrix<double>(other, StridedTensor<double>.Zeros(5, 4));
        var broadcast = Assert.Throws<ArgumentException>(() => f * g);
        Assert.Contains("[3, 4, 5]", broadcast.Message + broadcast.InnerException?.Message, StringComparison.Ordinal);
        Assert.Throws<IndexOutOfRangeException>(() => f[2]);
        Assert.Throws<IndexOutOfRangeException>(() => f[0, 5]);
        Assert.Throws<ArgumentException>(() => f[0, 0, 0, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Unsqueeze(-2));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Unsqueeze(2));
        using var pair = StridedTensor<double>.Zeros(2);
        var scalar = Assert.Throws<ArgumentException>(() => f.Scale(pair));
        Assert.Contains("[2]", scalar.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, 3, 0)]
    [InlineData(2, 0, 4)]
    [InlineData(0, 3, 3)]
    [InlineData(1, 0, 0)]
    public void Square_products_of_empty_shapes_give_empty_or_zero_results(int heads, int n, int m)
    {
        using var a = StridedTensor<float>.Zeros(heads, n, m);
        using var b = StridedTensor<float>.Zeros(heads, m, n);
        using var f = new FactoredMatrix<float>(a, b);
        int k = Math.Min(n, m);
        using var eigenvalues = f.Eigenvalues();
        Assert.Equal([heads, m], eigenvalues.Real.Shape.ToArray());
        Assert.All(eigenvalues.Real.ToArray(), x => Assert.Equal(0f, x));
        using var singular = f.SingularValues();
        Assert.Equal([heads, k], singular.Shape.ToArray());
        var (u, s, v) = f.Svd();
        Assert.Equal([heads, n, k], u.Shape.ToArray());
        Assert.Equal([heads, k], s.Shape.ToArray());
        Assert.Equal([heads, n, k], v.Shape.ToArray());
        Assert.All(s.ToArray(), x => Assert.Equal(0f, x));
        using var even = f.MakeEven();
        Assert.Equal(f.Shape.ToArray(), even.Shape.ToArray());
        using var collapsedL = f.CollapseL();
        Assert.Equal([heads, k, n], collapsedL.Shape.ToArray());
        using var collapsedR = f.CollapseR();
        Assert.Equal([heads, n, k], collapsedR.Shape.ToArray());
        using var norm = f.Norm();
        Assert.Equal(new float[heads], norm.ToArray());
        using var diagonal = f.Diagonal();
        Assert.Equal(new float[heads * n], diagonal.ToArray());
        using var product = f.AB();
        Assert.Equal(new float[heads * n * n], product.ToArray());
        u.Dispose();
        s.Dispose();
        v.Dispose();
    }

    [Fact]
    public void NaN_and_infinity_give_NaN_results_for_that_head_only_and_never_hang()
    {
        var random = new Random(3);
        double[] a = Dense.Random(random, 3 * 6 * 4), b = Dense.Random(random, 3 * 4 * 6);
        a[5] = double.NaN;
        b[3 * 4 * 6 - 1] = double.PositiveInfinity;
        using var at = StridedTensor<double>.FromArray(a, 3, 6, 4);
        using var bt = StridedTensor<double>.FromArray(b, 3, 4, 6);
        using var f = new FactoredMatrix<double>(at, bt);
        using var eigen = f.Eigenvalues();
        double[] re = eigen.Real.ToArray();
        Assert.All(re[..4], x => Assert.True(double.IsNaN(x)));
        Assert.All(re[4..8], x => Assert.True(double.IsFinite(x)));
        Assert.All(re[8..], x => Assert.True(double.IsNaN(x)));
        using var s = f.S;
        double[] sv = s.ToArray();
        Assert.All(sv[..4], x => Assert.True(double.IsNaN(x)));
        Assert.All(sv[4..8], x => Assert.True(double.IsFinite(x)));
        using var norm = f.Norm();
        Assert.True(double.IsNaN(norm[0]) && double.IsFinite(norm[1]) && !double.IsFinite(norm[2]));
    }

    [Fact]
    public void Concurrent_use_gives_the_same_bits_as_a_single_thread()
    {
        static double[] Run(FactoredMatrix<double> f)
        {
            using var norm = f.Norm();
            using var eigen = f.Eigenvalues();
            using var values = f.SingularValues();
            using var exact = f.S;
            using var corner = f.GetCorner(4);
            return [.. norm.ToArray(), .. eigen.Real.ToArray(), .. eigen.Imaginary.ToArray(), .. values.ToArray(), .. exact.ToArray(), .. corner.ToArray()];
        }

        // Eight threads race to the first (cached) SVD and every other member of one instance.
        using var shared = Random(5, 12, 40, 8, 40);
        var results = new double[8][];
        Parallel.For(0, results.Length, i => results[i] = Run(shared));

        using var alone = Random(5, 12, 40, 8, 40);
        double[] expected = Run(alone);
        Assert.All(results, r => Assert.Equal(expected, r));
    }
}
