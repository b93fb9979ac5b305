using FactoredGpu.Tests.Support;
using System.Numerics;
using System.Runtime.Intrinsics;
using FactoredGpu.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace FactoredGpu.Tests.LinearAlgebra;

public class BatchedEigenvaluesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(17)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(100)]
    public void RandomMatricesMatchMathNet(int n)
    {
        const int Count = 3;
        double[] matrices = RandomMatrices(n, Count, seed: 1000 + n);
        var (real, imag) = Compute(matrices, n, Count);
        for (int m = 0; m < Count; m++)
        {
            AssertMatchesReference(matrices.AsSpan(m * n * n, n * n), n, real.AsSpan(m * n, n), imag.AsSpan(m * n, n));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(17)]
    public void BatchesThatAreNotMultiplesOfTheLaneCount(int count)
    {
        const int N = 6;
        double[] matrices = RandomMatrices(N, count, seed: count);
        var (real, imag) = Compute(matrices, N, count);
        for (int m = 0; m < count; m++)
        {
            AssertMatchesReference(matrices.AsSpan(m * N * N, N * N), N, real.AsSpan(m * N, N), imag.AsSpan(m * N, N));
        }
    }

    [Fact]
    public void EveryLaneWidthMatchesMathNet()
    {
        const int N = 12, Count = 5;
        double[] matrices = RandomMatrices(N, Count, seed: 7);
        AssertAll(Run<Vector512<double>, Vector512Lanes>);
        AssertAll(Run<Vector256<double>, Vector256Lanes>);
        AssertAll(Run<Vector128<double>, Vector128Lanes>);
        AssertAll(Run<double, ScalarLane>);

        void AssertAll(Action<double[], double[]> compute)
        {
            double[] real = new double[N * Count], imag = new double[N * Count];
            compute(real, imag);
            for (int m = 0; m < Count; m++)
            {
                AssertMatchesReference(matrices.AsSpan(m * N * N, N * N), N, real.AsSpan(m * N, N), imag.AsSpan(m * N, N));
            }
        }

        void Run<TVec, TOps>(double[] real, double[] imag)
            where TVec : struct
            where TOps : ILaneArithmetic<TVec> =>
            BatchedEigenvalues.Compute<TVec, TOps>(matrices, N, Count, real, imag, LaneHessenbergEigenvalues.DefaultIterationLimit(N));
    }

    [Fact]
    public void RotationHasConjugateImaginaryPair()
    {
        var (real, imag) = Compute([0, -2, 2, 0], 2, 1);
        // dlanv2 standardizes this block without rounding: exact.
        Assert.Equal([0.0, 0.0], real.Select(Math.Abs));
        Assert.Equal([2.0, -2.0], imag);
    }

    [Fact]
    public void TriangularMatrixHasItsDiagonal()
    {
        double[] a =
        [
            3, 1, 4, 1, 5,
            0, -2, 6, 5, 3,
            0, 0, 7, 9, 2,
            0, 0, 0, 0.5, 6,
            0, 0, 0, 0, -9,
        ];
        var (real, imag) = Compute(a, 5, 1);
        // Zero subdiagonals deflate at once: the diagonal comes back exactly, sorted.
        Assert.Equal([7, 3, 0.5, -2, -9], real);
        Assert.All(imag, value => Assert.Equal(0.0, value));
    }

    [Fact]
    public void CompanionMatrixHasThePolynomialRoots()
    {
        // p(x) = (x − 3)(x − 2)(x − 1)(x + 4)(x² + 1), monic; the companion matrix's first row is −(c₅ … c₀).
        Complex[] roots = [3, 2, 1, -4, Complex.ImaginaryOne, -Complex.ImaginaryOne];
        Complex[] coefficients = [1];
        foreach (Complex root in roots)
        {
            var next = new Complex[coefficients.Length + 1];
            for (int i = 0; i < coefficients.Length; i++)
            {
                next[i] += coefficients[i];
                next[i + 1] -= root * coefficients[i];
            }

            coefficients = next;
        }

        const int N = 6;
        double[] companion = new double[N * N];
        for (int j = 0; j < N; j++)
        {
            companion[j] = -coefficients[j + 1].Real;
        }

        for (int i = 1; i < N; i++)
        {
            companion[(i * N) + i - 1] = 1.0;
        }

        var (real, imag) = Compute(companion, N, 1);
        // Simple, well-separated roots of modest size: 1e-9·max(1, max|λ|), max|λ| = 4.
        AssertMatches(roots, real, imag, 1e-9 * 4);
    }

    [Fact]
    public void DefectiveJordanBlockHasItsEigenvalueToTheExpectedAccuracy()
    {
        // A = S·J·S⁻¹ with J a 4×4 Jordan block for λ = 2. Rounding A perturbs it by ~ε, which moves a defective
        // eigenvalue of multiplicity 4 by ~ε^(1/4) ≈ 1e-4 (times conditioning constants): hence 1e-2, not 1e-9.
        const int N = 4;
        var jordan = Matrix<double>.Build.DenseIdentity(N) * 2.0;
        for (int i = 0; i + 1 < N; i++)
        {
            jordan[i, i + 1] = 1.0;
        }

        var s = Matrix<double>.Build.DenseOfRowMajor(N, N, RandomMatrices(N, 1, seed: 42)) + (Matrix<double>.Build.DenseIdentity(N) * 3.0);
        var a = s * jordan * s.Inverse();
        var (real, imag) = Compute(a.ToRowMajorArray(), N, 1);
        AssertMatches(Enumerable.Repeat(new Complex(2, 0), N).ToArray(), real, imag, 1e-2);

        // Their mean is the trace over n, which is well conditioned.
        Assert.Equal(2.0, real.Average(), 1e-12);
        Assert.Equal(0.0, imag.Sum(), 1e-12);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    public void ZeroAndIdentity(int n)
    {
        double[] matrices = new double[2 * n * n];
        for (int i = 0; i < n; i++)
        {
            matrices[(n * n) + (i * n) + i] = 1.0;
        }

        var (real, imag) = Compute(matrices, n, 2);
        Assert.All(real.Take(n), value => Assert.Equal(0.0, value));
        Assert.All(real.Skip(n), value => Assert.Equal(1.0, value));
        Assert.All(imag, value => Assert.Equal(0.0, value));
    }

    [Fact]
    public void OneByOneIsItsEntry()
    {
        var (real, imag) = Compute([-3.5, 1e300, 0.0], 1, 3);
        Assert.Equal([-3.5, 1e300, 0.0], real);
        Assert.Equal([0.0, 0.0, 0.0], imag);
    }

    [Fact]
    public void SymmetricMatrixHasRealEigenvalues()
    {
        const int N = 20;
        double[] b = RandomMatrices(N, 1, seed: 5);
        double[] a = new double[N * N];
        for (int i = 0; i < N; i++)
        {
            for (int j = 0; j < N; j++)
            {
                a[(i * N) + j] = b[(i * N) + j] + b[(j * N) + i];
            }
        }

        var (real, imag) = Compute(a, N, 1);
        AssertMatchesReference(a, N, real, imag);
        double scale = Math.Max(1.0, real.Max(Math.Abs));
        // Symmetric eigenvalues are perfectly conditioned; a spurious complex pair would have to be within 1e-9·scale.
        Assert.All(imag, value => Assert.True(Math.Abs(value) <= 1e-9 * scale, $"imaginary part {value}"));
    }

    [Fact]
    public void SumIsTraceAndProductIsDeterminant()
    {
        const int N = 10, Count = 4;
        double[] matrices = RandomMatrices(N, Count, seed: 99);
        var (real, imag) = Compute(matrices, N, Count);
        for (int m = 0; m < Count; m++)
        {
            var a = Matrix<double>.Build.DenseOfRowMajor(N, N, matrices.AsSpan(m * N * N, N * N).ToArray());
            Complex sum = 0, product = 1;
            for (int i = 0; i < N; i++)
            {
                var lambda = new Complex(real[(m * N) + i], imag[(m * N) + i]);
                sum += lambda;
                product *= lambda;
            }

            double norm = a.FrobeniusNorm();
            // Both are sums/products of n backward-stable values: 1e-12·‖A‖ for the trace, 1e-10 relative for det.
            Assert.True(Complex.Abs(sum - a.Trace()) <= 1e-12 * N * norm, $"matrix {m}: sum {sum} vs trace {a.Trace()}");
            double det = a.Determinant();
            Assert.True(Complex.Abs(product - det) <= 1e-10 * Math.Abs(det), $"matrix {m}: product {product} vs det {det}");
        }
    }

    [Fact]
    public void FloatOverloadMatchesDoubleWithinFloatPrecision()
    {
        const int N = 16, Count = 9;
        double[] matrices = RandomMatrices(N, Count, seed: 3);
        float[] narrow = matrices.Select(x => (float)x).ToArray();
        float[] real = new float[N * Count], imag = new float[N * Count];
        BatchedEigenvalues.Compute(narrow, N, Count, real, imag);

        var (expectedReal, expectedImag) = Compute(narrow.Select(x => (double)x).ToArray(), N, Count);
        for (int m = 0; m < Count; m++)
        {
            double scale = Math.Max(1.0, Enumerable.Range(m * N, N).Max(i => Complex.Abs(new Complex(expectedReal[i], expectedImag[i]))));
            for (int i = m * N; i < (m + 1) * N; i++)
            {
                // One rounding to float of the double result: well within 1e-5 relative to the spectrum's size.
                Assert.True(Math.Abs(real[i] - expectedReal[i]) <= 1e-5 * scale, $"real[{i}] {real[i]} vs {expectedReal[i]}");
                Assert.True(Math.Abs(imag[i] - expectedImag[i]) <= 1e-5 * scale, $"imag[{i}] {imag[i]} vs {expectedImag[i]}");
            }
        }
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void NonFiniteMatrixGetsNaNEigenvaluesAndSparesTheOthers(double poison)
    {
        const int N = 7, Count = 3;
        double[] matrices = RandomMatrices(N, Count, seed: 11);
        var (cleanReal, cleanImag) = Compute(matrices, N, Count);
        matrices[(N * N) + 10] = poison;
        var (real, imag) = Compute(matrices, N, Count);

        Assert.All(real.AsSpan(N, N).ToArray(), value => Assert.True(double.IsNaN(value)));
        Assert.All(imag.AsSpan(N, N).ToArray(), value => Assert.True(double.IsNaN(value)));
        foreach (int m in new[] { 0, 2 })
        {
            AssertMatchesReference(matrices.AsSpan(m * N * N, N * N), N, real.AsSpan(m * N, N), imag.AsSpan(m * N, N));
            Assert.Equal(cleanReal.AsSpan(m * N, N).ToArray(), real.AsSpan(m * N, N).ToArray());
            Assert.Equal(cleanImag.AsSpan(m * N, N).ToArray(), imag.AsSpan(m * N, N).ToArray());
        }
    }

    [Fact]
    public void RepeatedCallsAreBitIdentical()
    {
        const int N = 33, Count = 21;
        double[] matrices = RandomMatrices(N, Count, seed: 2024);
        var (real1, imag1) = Compute(matrices, N, Count);
        var (real2, imag2) = Compute(matrices, N, Count);
        Assert.Equal(real1.Select(BitConverter.DoubleToInt64Bits), real2.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(imag1.Select(BitConverter.DoubleToInt64Bits), imag2.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void EmptyShapesAreNoOps()
    {
        BatchedEigenvalues.Compute(ReadOnlySpan<double>.Empty, 0, 5, Span<double>.Empty, Span<double>.Empty);
        BatchedEigenvalues.Compute(ReadOnlySpan<double>.Empty, 4, 0, Span<double>.Empty, Span<double>.Empty);
        BatchedEigenvalues.Compute(ReadOnlySpan<float>.Empty, 0, 0, Span<float>.Empty, Span<float>.Empty);
    }

    [Fact]
    public void ArgumentErrorsNameTheLengths()
    {
        var matrices = new double[2 * 3 * 3];
        var values = new double[2 * 3];
        var ex = Assert.Throws<ArgumentException>(() => BatchedEigenvalues.Compute(matrices.AsSpan(1), 3, 2, values, values));
        Assert.Contains("18", ex.Message, StringComparison.Ordinal);
        Assert.Contains("17", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => BatchedEigenvalues.Compute(matrices, 3, 2, values.AsSpan(1), values));
        Assert.Equal("real", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => BatchedEigenvalues.Compute(matrices, 3, 2, values, new double[7]));
        Assert.Equal("imag", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchedEigenvalues.Compute(matrices, -3, 2, values, values));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchedEigenvalues.Compute(new float[0], 3, -1, new float[0], new float[0]));
    }

    [Theory]
    [InlineData(24)]
    [InlineData(26)]
    [InlineData(27)]
    [InlineData(33)]
    [InlineData(36)]
    public void IdenticalRowsConvergeAtEveryLaneWidth(int n)
    {
        // ones·[1 … n]: rank one, eigenvalues n(n+1)/2 and n − 1 zeros. Its Hessenberg form holds entries of size
        // ε^k; before the reflectors were scaled, their squares underflowed and the QR iteration stalled.
        double[] matrix = new double[n * n];
        for (int i = 0; i < n * n; i++)
        {
            matrix[i] = (i % n) + 1;
        }

        double[] expectedRe = new double[n], expectedIm = new double[n];
        expectedRe[0] = n * (n + 1) / 2.0;
        double tolerance = 1e-12 * expectedRe[0];
        AssertRun(Run<Vector512<double>, Vector512Lanes>);
        AssertRun(Run<Vector256<double>, Vector256Lanes>);
        AssertRun(Run<Vector128<double>, Vector128Lanes>);
        AssertRun(Run<double, ScalarLane>);

        float[] single = [.. matrix.Select(x => (float)x)];
        float[] singleRe = new float[n], singleIm = new float[n];
        BatchedEigenvalues.Compute(single, n, 1, singleRe, singleIm);
        Close.Multiset(expectedRe, expectedIm, [.. singleRe.Select(x => (double)x)], [.. singleIm.Select(x => (double)x)], tolerance, "float");

        void AssertRun(Action<double[], double[]> compute)
        {
            double[] real = new double[n], imag = new double[n];
            compute(real, imag);
            Close.Multiset(expectedRe, expectedIm, real, imag, tolerance);
        }

        void Run<TVec, TOps>(double[] real, double[] imag)
            where TVec : struct
            where TOps : ILaneArithmetic<TVec> =>
            BatchedEigenvalues.Compute<TVec, TOps>(matrix, n, 1, real, imag, LaneHessenbergEigenvalues.DefaultIterationLimit(n));
    }

    [Fact]
    public void LowRankIntegerProductsConverge()
    {
        // B·A with B [n, k], A [k, n] of small integers, k = 1 or 2: the non-zero eigenvalues are those of the k×k
        // A·B (computed here exactly in closed form), the other n − k are zero. About 2% of these failed to converge.
        var random = new Random(33);
        for (int trial = 0; trial < 120; trial++)
        {
            int n = random.Next(33, 90), k = random.Next(1, 3);
            double[] a = [.. Enumerable.Range(0, k * n).Select(_ => (double)random.Next(-3, 4))];
            double[] b = [.. Enumerable.Range(0, n * k).Select(_ => (double)random.Next(-3, 4))];
            double[] ba = Dense.Multiply(b, a, n, k, n);
            double[] ab = Dense.Multiply(a, b, k, n, k);
            double[] expectedRe = new double[n], expectedIm = new double[n];
            if (k == 1)
            {
                expectedRe[0] = ab[0];
            }
            else
            {
                double half = (ab[0] + ab[3]) / 2, discriminant = (half * half) - ((ab[0] * ab[3]) - (ab[1] * ab[2]));
                double root = Math.Sqrt(Math.Abs(discriminant));
                (expectedRe[0], expectedRe[1]) = discriminant >= 0 ? (half + root, half - root) : (half, half);
                (expectedIm[0], expectedIm[1]) = discriminant >= 0 ? (0, 0) : (root, -root);
            }

            var (real, imag) = Compute(ba, n, 1);
            double norm = Math.Sqrt(ba.Sum(x => x * x));
            // Backward stable: n·ε·‖B·A‖ for the simple eigenvalues; a nilpotent A·B makes B·A defective (Jordan block
            // of order k + 1), whose zeros move by up to (ε·‖B·A‖)^(1/(k+1)).
            double tolerance = Math.Max(1e-12 * norm, 10 * Math.Pow(1e-16 * norm, 1.0 / (k + 1)) * Math.Pow(norm, k / (k + 1.0)));
            Close.Multiset(expectedRe, expectedIm, real, imag, tolerance, $"trial {trial}, n = {n}, k = {k}");
        }
    }

    [Fact]
    public void NonConvergenceNamesTheMatrix()
    {
        // Matrix 0 is diagonal and needs no iteration; matrix 1 needs several, more than the limit of one allows.
        const int N = 8;
        double[] matrices = RandomMatrices(N, 2, seed: 8);
        Array.Clear(matrices, 0, N * N);
        for (int i = 0; i < N; i++)
        {
            matrices[(i * N) + i] = i;
        }

        double[] real = new double[2 * N], imag = new double[2 * N];
        var ex = Assert.Throws<ArithmeticException>(() =>
            BatchedEigenvalues.Compute<Vector512<double>, Vector512Lanes>(matrices, N, 2, real, imag, iterationLimit: 1));
        Assert.Contains("matrix 1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(13)]
    [InlineData(64)]
    [InlineData(67)]
    public void KnownSpectraInLanesThatDeflateAtDifferentTimes(int n)
    {
        // Eleven matrices (not a multiple of any lane count), four kinds in turn, so that the lanes of one register
        // deflate early, late and in between: clustered real eigenvalues and complex pairs, both as Q·T·Qᵀ with the
        // eigenvalues known exactly; a block-diagonal matrix (zero subdiagonals from the start: windows that do not
        // begin at row 0); and the same blocks coupled by 1e-13 (they split only once the iteration has made the
        // coupling negligible). The last two are checked against MathNet.
        const int Count = 11;
        var random = new Random(3000 + n);
        double[] matrices = new double[Count * n * n];
        var known = new (double[] Real, double[] Imag)?[Count];
        for (int m = 0; m < Count; m++)
        {
            double[] matrix;
            switch (m % 4)
            {
                case 0:
                    double[] cluster = [.. Enumerable.Range(0, n).Select(j => 1.0 + (1e-6 * j))];
                    known[m] = (cluster, new double[n]);
                    matrix = Similar(QuasiTriangular(cluster, new double[n], n), n, random);
                    break;
                case 1:
                    double[] re = new double[n], im = new double[n];
                    for (int j = 0; j + 1 < n; j += 2)
                    {
                        (re[j], im[j]) = (Math.Cos(j), 0.5 + (0.1 * j));
                        (re[j + 1], im[j + 1]) = (re[j], -im[j]);
                    }

                    re[n - 1] = n % 2 == 1 ? -2.0 : re[n - 1];
                    known[m] = (re, im);
                    matrix = Similar(QuasiTriangular(re, im, n), n, random);
                    break;
                default:
                    matrix = Dense.Random(random, n * n);
                    for (int i = 0; i < n; i++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            // Three diagonal blocks; the entries between them are zero, or 1e-13 below the diagonal.
                            if (i * 3 / n != j * 3 / n)
                            {
                                matrix[(i * n) + j] = m % 4 == 3 && i > j ? 1e-13 * matrix[(i * n) + j] : 0.0;
                            }
                        }
                    }

                    break;
            }

            matrix.CopyTo(matrices, m * n * n);
        }

        var (real, imag) = Compute(matrices, n, Count);
        for (int m = 0; m < Count; m++)
        {
            if (known[m] is var (expectedReal, expectedImag))
            {
                // Normal matrices: every eigenvalue is perfectly conditioned, so backward stability gives ~n·ε absolutely.
                Close.Multiset(expectedReal, expectedImag, real.AsSpan(m * n, n).ToArray(), imag.AsSpan(m * n, n).ToArray(), 1e-11 * n);
                AssertOrdered(real.AsSpan(m * n, n), imag.AsSpan(m * n, n));
            }
            else
            {
                AssertMatchesReference(matrices.AsSpan(m * n * n, n * n), n, real.AsSpan(m * n, n), imag.AsSpan(m * n, n));
            }
        }
    }

    /// <summary>Block diagonal T with 1×1 blocks for real eigenvalues and [[a, b], [−b, a]] blocks for pairs a ± bi.</summary>
    private static double[] QuasiTriangular(double[] real, double[] imag, int n)
    {
        double[] t = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            t[(j * n) + j] = real[j];
            if (imag[j] > 0)
            {
                t[(j * n) + j + 1] = imag[j];
                t[((j + 1) * n) + j] = -imag[j];
            }
        }

        return t;
    }

    /// <summary>Q·T·Qᵀ for a random orthogonal Q (from the QR factorization of a Gaussian matrix).</summary>
    private static double[] Similar(double[] t, int n, Random random)
    {
        var q = Matrix<double>.Build.DenseOfRowMajor(n, n, Dense.Random(random, n * n)).QR().Q;
        return (q * Matrix<double>.Build.DenseOfRowMajor(n, n, t) * q.Transpose()).ToRowMajorArray();
    }

    private static (double[] Real, double[] Imag) Compute(double[] matrices, int n, int count)
    {
        double[] real = new double[n * count], imag = new double[n * count];
        BatchedEigenvalues.Compute(matrices, n, count, real, imag);
        return (real, imag);
    }

    /// <summary>Standard normal entries: the generic dense non-symmetric case.</summary>
    private static double[] RandomMatrices(int n, int count, int seed) => Dense.Random(new Random(seed), n * n * count);

    private static void AssertMatchesReference(ReadOnlySpan<double> matrix, int n, ReadOnlySpan<double> real, ReadOnlySpan<double> imag)
    {
        Complex[] expected = Matrix<double>.Build.DenseOfRowMajor(n, n, matrix.ToArray()).Evd().EigenValues.ToArray();
        double scale = Math.Max(1.0, expected.Max(Complex.Abs));
        // Both solvers are backward stable and these spectra are well conditioned: 1e-9·max(1, max|λ|).
        AssertMatches(expected, real, imag, 1e-9 * scale);
        AssertOrdered(real, imag);
    }

    private static void AssertMatches(Complex[] expected, ReadOnlySpan<double> real, ReadOnlySpan<double> imag, double tolerance) =>
        Close.Multiset(expected.Select(z => z.Real).ToArray(), expected.Select(z => z.Imaginary).ToArray(), real.ToArray(), imag.ToArray(), tolerance);

    private static void AssertOrdered(ReadOnlySpan<double> real, ReadOnlySpan<double> imag)
    {
        for (int i = 1; i < real.Length; i++)
        {
            Assert.True(real[i - 1] > real[i] || (real[i - 1] == real[i] && imag[i - 1] >= imag[i]), $"not ordered at {i}");
        }
    }
}
