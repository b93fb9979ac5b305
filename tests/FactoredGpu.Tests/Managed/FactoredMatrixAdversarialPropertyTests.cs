using System.Numerics;
using FactoredGpu.Tests.Support;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace FactoredGpu.Tests.Managed;

/// <summary>
/// Every <see cref="FactoredMatrix{TScalar}"/> member on hostile random cases, in float and double, against float64
/// references computed by plain loops (and MathNet's SVD) from the very factor values the matrix holds: sizes 0 and 1,
/// the scale split between the factors (<c>(s·X, Y/s)</c> with s up to 2^±80 in float, 2^±600 in double, past where the Grams overflow),
/// rank-deficient and small-integer factors (defective and repeated eigenvalues). Beside
/// <see cref="FactoredMatrixPropertyTests"/>, which covers broadcasting on well-conditioned Gaussian data.
/// </summary>
/// <remarks>
/// Tolerances are stated against <c>‖A‖_F·‖B‖_F</c>, the size every rounding error here scales with, times the
/// unit roundoff of the element type; eigenvalues are checked through invariants that stay well conditioned for
/// defective matrices (Σλ = tr(B·A), Σλ² = tr((B·A)²)).
/// </remarks>
public sealed class FactoredMatrixAdversarialPropertyTests
{
    private const int CasesPerBatch = 500;

    public static TheoryData<int> Batches() => [.. Enumerable.Range(0, 6)];

    [Theory]
    [MemberData(nameof(Batches))]
    public void Double_members_match_float64_references(int batch) => RunBatch<double>(batch, 2.220446049250313e-16, 600);

    [Theory]
    [MemberData(nameof(Batches))]
    public void Float_members_match_float64_references(int batch) => RunBatch<float>(batch, 1.1920928955078125e-07, 80);

    private static void RunBatch<T>(int batch, double epsilon, int maxExponent)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < CasesPerBatch; i++)
        {
            int seed = (batch * CasesPerBatch) + i;
            var c = Case<T>.Draw(new Random(seed), maxExponent);
            c.Check(epsilon, $"seed {seed} ({typeof(T).Name}): {c}");
        }
    }

    private sealed class Case<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly int _heads, _l, _m, _r;
        private readonly double[] _a, _b;
        private readonly string _kind;

        private Case(int heads, int l, int m, int r, double[] a, double[] b, string kind) =>
            (_heads, _l, _m, _r, _a, _b, _kind) = (heads, l, m, r, a, b, kind);

        public static Case<T> Draw(Random random, int maxExponent)
        {
            int Size() => random.Next(10) switch { 0 => 0, 1 or 2 => 1, _ => random.Next(2, 7) };
            int heads = random.Next(5) == 0 ? random.Next(0, 2) : random.Next(1, 4);
            int l = Size(), m = Size(), r = random.Next(3) == 0 ? Size() : l;
            string kind = random.Next(3) switch { 0 => "gaussian", 1 => "integer", _ => "rank-deficient" };
            double[] x = Factor(random, kind, heads, l, m), y = Factor(random, kind, heads, m, r);
            double scale = random.Next(4) switch
            {
                0 => 1,
                1 => Math.ScaleB(1, random.Next(-maxExponent, maxExponent + 1)),
                2 => Math.ScaleB(1 + random.NextDouble(), random.Next(-maxExponent, maxExponent + 1)),
                _ => Math.ScaleB(1, random.Next(-8, 9)),
            };

            // The factors as T holds them: every reference is computed from these exact values.
            double[] a = [.. x.Select(v => Round(v * scale))], b = [.. y.Select(v => Round(v / scale))];
            return new Case<T>(heads, l, m, r, a, b, $"{kind}, s = {scale:E2}");
        }

        public override string ToString() => $"[{_heads}, {_l}, {_m}] · [{_heads}, {_m}, {_r}], {_kind}";

        public void Check(double epsilon, string what)
        {
            using var at = StridedTensor<T>.FromArray([.. _a.Select(T.CreateTruncating)], _heads, _l, _m);
            using var bt = StridedTensor<T>.FromArray([.. _b.Select(T.CreateTruncating)], _heads, _m, _r);
            using var f = new FactoredMatrix<T>(at, bt);
            int k = Math.Min(_l, Math.Min(_m, _r));
            double[] ab = Dense.Matmul(_a, _b, _heads, _l, _m, _r);
            double[] size = new double[_heads];
            for (int h = 0; h < _heads; h++)
            {
                size[h] = Frobenius(_a.AsSpan(h * _l * _m, _l * _m)) * Frobenius(_b.AsSpan(h * _m * _r, _m * _r));
            }

            // Elementwise results: a product, its diagonal, its norm. Tolerance (m + 4)·ε·‖A‖·‖B‖.
            double Tolerance(int h) => (_m + 4) * epsilon * size[h];
            using (var product = f.AB())
            {
                AssertPerHead(ab, Widen(product), _l * _r, Tolerance, $"AB of {what}");
            }

            double[] norms = new double[_heads];
            for (int h = 0; h < _heads; h++)
            {
                norms[h] = Frobenius(ab.AsSpan(h * _l * _r, _l * _r));
            }

            using (var norm = f.Norm())
            {
                // The documented bound: the Gram route's error grows by ‖A‖·‖B‖/‖AB‖, and it is used only while that
                // factor is below ε^(-1/4); past it the QR route is accurate to ε·‖A‖·‖B‖.
                AssertPerHead(norms, Widen(norm), 1, h => Tolerance(h) * Math.Min(size[h] > norms[h] ? size[h] / norms[h] : 1, Math.Pow(epsilon, -0.25)), $"Norm of {what}");
            }

            // The SVD: S against MathNet's SVD of the dense float64 product, U·diag(S)·Vᵀ = AB, and its rebalancings.
            var (u, s, v) = f.Svd();
            using (u)
            using (s)
            using (v)
            using (var singular = f.SingularValues())
            using (var collapsedL = f.CollapseL())
            using (var collapsedR = f.CollapseR())
            using (var even = f.MakeEven())
            using (var evenProduct = even.AB())
            {
                Assert.Equal([_heads, k], s.Shape.ToArray());
                double[] sv = Widen(s), values = Widen(singular), uv = Widen(u), vv = Widen(v), cl = Widen(collapsedL), cr = Widen(collapsedR);
                double[] expected = new double[_heads * k];
                for (int h = 0; h < _heads && k > 0; h++)
                {
                    var dense = Matrix<double>.Build.DenseOfRowMajor(_l, _r, ab[(h * _l * _r)..((h + 1) * _l * _r)]);
                    dense.Svd(computeVectors: false).S.ToArray().AsSpan(0, k).CopyTo(expected.AsSpan(h * k, k));
                }

                AssertPerHead(expected, sv, k, Tolerance, $"S of {what}");
                // SingularValues squares the condition number (Grams): σ² carries an error of a few hundred ε·‖A‖²·‖B‖²
                // (the eigenvalues of the non-symmetric product of Grams are less well conditioned than the Grams).
                AssertPerHead([.. expected.Select(x => x * x)], [.. values.Select(x => x * x)], k, h => 256 * Tolerance(h) * size[h], $"SingularValues² of {what}");
                double[] usv = new double[_heads * _l * _r], ucl = new double[_heads * _l * _r], crv = new double[_heads * _l * _r];
                for (int h = 0; h < _heads; h++)
                {
                    for (int i = 0; i < _l; i++)
                    {
                        for (int j = 0; j < _r; j++)
                        {
                            double x = 0, y = 0, z = 0;
                            for (int t = 0; t < k; t++)
                            {
                                double ui = uv[(((h * _l) + i) * k) + t], vj = vv[(((h * _r) + j) * k) + t];
                                x += ui * sv[(h * k) + t] * vj;
                                y += ui * cl[(((h * k) + t) * _r) + j];
                                z += cr[(((h * _l) + i) * k) + t] * vj;
                            }

                            (usv[(((h * _l) + i) * _r) + j], ucl[(((h * _l) + i) * _r) + j], crv[(((h * _l) + i) * _r) + j]) = (x, y, z);
                        }
                    }
                }

                double Rebuilt(int h) => (k + 4) * Tolerance(h);
                AssertPerHead(ab, usv, _l * _r, Rebuilt, $"U·diag(S)·Vᵀ of {what}");
                AssertPerHead(ab, ucl, _l * _r, Rebuilt, $"U·CollapseL of {what}");
                AssertPerHead(ab, crv, _l * _r, Rebuilt, $"CollapseR·Vᵀ of {what}");
                AssertPerHead(ab, Widen(evenProduct), _l * _r, Rebuilt, $"MakeEven of {what}");
            }

            if (_l != _r)
            {
                Assert.Throws<InvalidOperationException>(() => f.Eigenvalues());
                return;
            }

            using (var diagonal = f.Diagonal())
            {
                double[] expected = new double[_heads * _l];
                for (int h = 0; h < _heads; h++)
                {
                    for (int i = 0; i < _l; i++)
                    {
                        expected[(h * _l) + i] = ab[(((h * _l) + i) * _r) + i];
                    }
                }

                AssertPerHead(expected, Widen(diagonal), _l, Tolerance, $"Diagonal of {what}");
            }

            double[] ba = Dense.Matmul(_b, _a, _heads, _m, _l, _m);
            using (var product = f.BA())
            {
                AssertPerHead(ba, Widen(product), _m * _m, Tolerance, $"BA of {what}");
            }

            // Eigenvalues never throw, and meet the invariants that stay well conditioned for defective matrices.
            using var eigen = f.Eigenvalues();
            Assert.Equal([_heads, _m], eigen.Shape.ToArray());
            double[] re = Widen(eigen.Real), im = Widen(eigen.Imaginary);
            double[] traces = new double[_heads], squares = new double[_heads], sums = new double[_heads], sumSquares = new double[_heads];
            for (int h = 0; h < _heads; h++)
            {
                for (int i = 0; i < _m; i++)
                {
                    traces[h] += ba[(((h * _m) + i) * _m) + i];
                    for (int j = 0; j < _m; j++)
                    {
                        squares[h] += ba[(((h * _m) + i) * _m) + j] * ba[(((h * _m) + j) * _m) + i];
                    }

                    double x = re[(h * _m) + i], y = im[(h * _m) + i];
                    sums[h] += x;
                    sumSquares[h] += (x * x) - (y * y);
                    Assert.True(double.IsFinite(x) && double.IsFinite(y), $"eigenvalue {i} of head {h} is {x}{y:+0.###;-0.###}i for {what}");
                }
            }

            AssertPerHead(traces, sums, 1, h => 4 * Tolerance(h), $"Σλ = tr(B·A) of {what}");
            AssertPerHead(squares, sumSquares, 1, h => 8 * _m * Tolerance(h) * size[h], $"Σλ² = tr((B·A)²) of {what}");
        }

        private static double[] Factor(Random random, string kind, int heads, int rows, int cols)
        {
            int length = heads * rows * cols;
            switch (kind)
            {
                case "integer":
                    return [.. Enumerable.Range(0, length).Select(_ => (double)random.Next(-3, 4))];
                case "rank-deficient" when Math.Min(rows, cols) > 1:
                    // An exact product of integer factors through an inner dimension of 1 or 2.
                    int inner = random.Next(1, Math.Min(rows, cols));
                    double[] p = [.. Enumerable.Range(0, heads * rows * inner).Select(_ => (double)random.Next(-3, 4))];
                    double[] q = [.. Enumerable.Range(0, heads * inner * cols).Select(_ => (double)random.Next(-3, 4))];
                    return Dense.Matmul(p, q, heads, rows, inner, cols);
                default:
                    return Dense.Random(random, length);
            }
        }

        private static double Round(double value) => double.CreateTruncating(T.CreateTruncating(value));

        private static double[] Widen(StridedTensor<T> tensor) => [.. tensor.ToArray().Select(double.CreateTruncating)];

        private static double Frobenius(ReadOnlySpan<double> values)
        {
            double largest = 0;
            foreach (double x in values)
            {
                largest = Math.Max(largest, Math.Abs(x));
            }

            if (largest == 0)
            {
                return 0;
            }

            double sum = 0;
            foreach (double x in values)
            {
                sum += (x / largest) * (x / largest);
            }

            return largest * Math.Sqrt(sum);
        }

        private void AssertPerHead(double[] expected, double[] actual, int perHead, Func<int, double> tolerance, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                int h = i / perHead;
                Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance(h), $"{what}: [{i}] = {actual[i]:E6}, expected {expected[i]:E6} (tolerance {tolerance(h):E2})");
            }
        }
    }
}
