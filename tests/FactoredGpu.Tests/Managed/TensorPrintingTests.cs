using System.Numerics;
using FactoredGpu.Circuits;
using Xunit;

namespace FactoredGpu.Tests.Managed;

/// <summary>What the notebook's calls print and return: tensors as PyTorch prints them, copying scores, a factored product's members.</summary>
public sealed class TensorPrintingTests
{
    [Fact]
    public void A_small_tensor_prints_every_value_with_four_decimals_in_a_common_width()
    {
        using var tensor = StridedTensor<float>.FromArray([0.46249f, -0.16922f, 0.37188f, 1.4709f, -0.15678f, -2.872f], 3, 2);
        Assert.Equal("tensor([[ 0.4625, -0.1692],\n        [ 0.3719,  1.4709],\n        [-0.1568, -2.8720]])", tensor.ToString());

        using var scalar = StridedTensor<double>.FromArray([9.91054], []);
        Assert.Equal("tensor(9.9105)", scalar.ToString());
    }

    [Fact]
    public void Values_spanning_more_than_three_decades_print_in_scientific_notation()
    {
        using var tensor = StridedTensor<double>.FromArray([1e-3, 2.5, double.NaN], 3);
        Assert.Equal("tensor([1.0000e-03, 2.5000e+00,        nan])", tensor.ToString());
    }

    [Fact]
    public void A_large_tensor_is_summarized_to_three_entries_at_each_end_of_each_long_dimension()
    {
        float[] data = [.. Enumerable.Range(0, 40 * 30).Select(i => 1000f + i)];
        using var tensor = StridedTensor<float>.FromArray(data, 40, 30);

        string[] lines = tensor.ToString().Split('\n');
        Assert.Equal("tensor([[1000.0000, 1001.0000, 1002.0000, ..., 1027.0000, 1028.0000, 1029.0000],", lines[0]);
        Assert.Equal("        [1030.0000, 1031.0000, 1032.0000, ..., 1057.0000, 1058.0000, 1059.0000],", lines[1]);
        Assert.Equal("        ...,", lines[3]);
        Assert.Equal("        [2170.0000, 2171.0000, 2172.0000, ..., 2197.0000, 2198.0000, 2199.0000]])", lines[^1]);
        Assert.Equal(7, lines.Length);
    }

    [Fact]
    public void A_complex_tensor_prints_each_value_as_re_plus_im_j()
    {
        using var values = new ComplexTensor<float>(StridedTensor<float>.FromArray([2.31211f, -6.28771f], 2), StridedTensor<float>.FromArray([-0.0f, 1.5f], 2));
        Assert.Equal("tensor([ 2.3121+0.0000j, -6.2877+1.5000j])", values.ToString());
    }

    [Fact]
    public void Copying_scores_are_the_real_sum_over_the_magnitude_sum_along_the_last_dimension()
    {
        // Head 0: λ = 3, −1 → (3 − 1)/(3 + 1) = 0.5; head 1: λ = ±2i, −2 → −2/6; head 2: all zero → NaN (0/0).
        using var eigenvalues = new ComplexTensor<double>(
            StridedTensor<double>.FromArray([3, -1, 0, 0, 0, -2, 0, 0, 0], 3, 3),
            StridedTensor<double>.FromArray([0, 0, 0, 2, -2, 0, 0, 0, 0], 3, 3));
        using var scores = eigenvalues.CopyingScores();

        Assert.Equal([3], scores.Shape.ToArray());
        Assert.Equal(0.5, scores[0], 15);
        Assert.Equal(-2.0 / 6, scores[1], 15);
        Assert.True(double.IsNaN(scores[2]));
        using var one = eigenvalues.Index(1);
        Assert.Equal([new Complex(0, 2), new Complex(0, -2), new Complex(-2, 0)], one.ToArray());
    }

    [Fact]
    public void A_factored_product_answers_its_dims_norm_and_text_without_a_cast()
    {
        // AB = [[1, 2], [3, 4]] as (A = I, B), times C = diag(1, 2, 1) padded: a 2×3 right factor keeps the product factored.
        using var a = StridedTensor<double>.FromArray([1, 0, 0, 1], 2, 2);
        using var b = StridedTensor<double>.FromArray([1, 2, 3, 4], 2, 2);
        using var c = StridedTensor<double>.FromArray([1, 0, 0, 0, 2, 0], 2, 3);
        using var factored = new FactoredMatrix<double>(a, b);
        using var product = factored * c;

        Assert.True(product.IsFactored);
        Assert.Equal((2, 2, 3), (product.LDim, product.MDim, product.RDim));
        // AB·C = [[1, 4, 0], [3, 8, 0]]: ‖·‖_F = √90.
        using var norm = product.Norm();
        Assert.Equal(Math.Sqrt(90), norm.ToScalar(), 12);
        Assert.Equal("FactoredMatrix: Shape([2, 3]), Hidden Dim(2)", product.ToString());

        using var vector = StridedTensor<double>.FromArray([1, 1], 2);
        using var dense = factored * vector;
        Assert.Throws<InvalidOperationException>(() => dense.MDim);
        Assert.Equal("tensor([3.0000, 7.0000])", dense.ToString());
    }
}
