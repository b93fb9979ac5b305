using System.Numerics;
using FactoredGpu.Kernels;
using Xunit;

namespace FactoredGpu.Tests.Kernels;

/// <summary>
/// Every <see cref="IKernels"/> operation against a float64 reference computed with plain loops, for float and double,
/// on awkward shapes, strides, broadcast batches and offsets. Each backend runs these through a sealed subclass.
/// </summary>
public abstract class KernelTests
{
    /// <summary>Float results are compared relative to <c>Σₖ |aᵢₖ·bₖⱼ|</c> (the scale of the rounding error).</summary>
    private const double FloatTolerance = 2e-5;

    /// <summary>Double results, relative to the same scale.</summary>
    private const double DoubleTolerance = 1e-12;

    protected abstract IKernels Kernels { get; }

    /// <summary>
    /// A slow backend (ILGPU's CPU accelerator runs ~0.1 GFLOP/s) runs only the cases whose every size is at most
    /// <see cref="SmallSize"/>; the larger cases report skipped with the reason.
    /// </summary>
    protected virtual bool Small => false;

    /// <summary>Why this backend cannot run here (no such device), or null when it can.</summary>
    protected virtual string? Unavailable => null;

    private const int SmallSize = 65;

    /// <summary>The backend, after skipping the test when it has no device.</summary>
    private IKernels Backend
    {
        get
        {
            Skip.If(Unavailable is not null, Unavailable);
            return Kernels;
        }
    }

    /// <summary>Skips a case too large for a <see cref="Small"/> backend.</summary>
    private void SkipIfLarge(params int[] sizes)
    {
        _ = Backend;
        Skip.If(Small && sizes.Max() > SmallSize, $"{GetType().Name}: a size above {SmallSize} is too slow on this backend; its small cases cover the bounds handling");
    }

    [SkippableTheory]
    [InlineData(1, 1, 1, 1, false, false, false)]
    [InlineData(2, 3, 17, 2, false, false, false)]
    [InlineData(63, 65, 127, 3, true, false, false)]
    [InlineData(65, 63, 17, 2, false, true, true)]
    [InlineData(769, 17, 65, 1, true, true, false)]
    [InlineData(127, 1, 63, 2, false, false, true)]
    [InlineData(1, 600, 769, 1, false, true, false)]
    [InlineData(65, 600, 127, 2, true, false, true)]
    [InlineData(17, 769, 3, 3, false, false, false)]
    [InlineData(64, 600, 40, 3, false, false, true)] // A read in place over three Kc blocks, partial B strip, broadcast A
    [InlineData(48, 300, 33, 1, false, true, false)] // one item split into row tiles of A read in place
    [InlineData(72, 257, 64, 2, false, false, false)]
    [InlineData(33, 65, 17, 3, true, true, true)]
    [InlineData(65, 64, 65, 2, false, true, false)] // inner size a multiple of the GPU tile depth, outputs one past the tile
    [InlineData(3, 17, 2, 4, true, false, true)]
    public void Gemm_matches_reference(int l, int m, int r, int count, bool transposeA, bool transposeB, bool broadcastA)
    {
        SkipIfLarge(l, m, r);
        GemmCase<float>(l, m, r, count, transposeA, transposeB, broadcastA, alpha: 1.5, beta: 0, seed: l + m + r);
        GemmCase<double>(l, m, r, count, transposeA, transposeB, broadcastA, alpha: 1.5, beta: 0, seed: l + m + r);
        GemmCase<float>(l, m, r, count, transposeA, transposeB, broadcastA, alpha: -0.5, beta: 0.75, seed: l * m + r);
        GemmCase<double>(l, m, r, count, transposeA, transposeB, broadcastA, alpha: -0.5, beta: 0.75, seed: l * m + r);
    }

    [SkippableFact]
    public void Gemm_with_zero_beta_does_not_read_c()
    {
        GemmCase<float>(17, 33, 65, 2, false, false, false, alpha: 2, beta: 0, seed: 5, fillC: float.NaN);
        GemmCase<double>(63, Small ? SmallSize : 300, 31, 1, true, false, false, alpha: 2, beta: 0, seed: 6, fillC: double.NaN);
    }

    [SkippableFact]
    public void Gemm_with_empty_batch_or_zero_sizes()
    {
        GemmCase<float>(5, 3, 4, 0, false, false, false, alpha: 1, beta: 0, seed: 1);
        GemmCase<double>(0, 3, 4, 2, false, false, false, alpha: 1, beta: 0, seed: 1);
        GemmCase<double>(4, 3, 0, 2, false, false, false, alpha: 1, beta: 0, seed: 1);

        // An empty inner dimension leaves β·C, and zeros when β = 0 (even over NaN).
        GemmCase<float>(5, 0, 4, 2, false, false, false, alpha: 1, beta: 0.5, seed: 1);
        GemmCase<double>(5, 0, 4, 2, false, false, false, alpha: 1, beta: 0, seed: 1, fillC: double.NaN);
    }

    [SkippableTheory]
    [InlineData(1, 1, 1, false, false)]
    [InlineData(17, 3, 2, true, false)]
    [InlineData(769, 63, 2, false, true)]
    [InlineData(127, 65, 3, true, true)]
    [InlineData(300, 130, 1, false, false)]
    [InlineData(0, 5, 2, false, false)]
    [InlineData(1, 17, 2, false, false)]
    [InlineData(3, 127, 2, true, false)]
    [InlineData(63, 17, 3, true, true)]
    [InlineData(65, 127, 1, false, true)]
    [InlineData(769, 65, 2, true, false)]
    [InlineData(127, 12, 2, false, false)]
    [InlineData(17, 6, 2, true, false)]
    [InlineData(769, 64, 3, false, false)]
    [InlineData(65, 65, 2, true, false)]
    [InlineData(33, 64, 2, false, true)]
    [InlineData(768, 64, 9, true, false)]
    [InlineData(300, 257, 2, false, true)] // a row-major X wider than the host's rank-1 route: the GEMM's upper tiles
    [InlineData(131, 300, 3, false, false)] // the same for three distinct operands
    public void Gram_matches_reference(int n, int m, int count, bool transposed, bool broadcast)
    {
        SkipIfLarge(n, m);
        GramCase<float>(n, m, count, transposed, broadcast, seed: n + m);
        GramCase<double>(n, m, count, transposed, broadcast, seed: n + m);
    }

    [SkippableTheory]
    [InlineData(1, 1, 1, 1, false, false)]
    [InlineData(63, 17, 65, 3, true, false)]
    [InlineData(769, 65, 127, 2, false, true)]
    [InlineData(2, 3, 769, 4, true, true)]
    [InlineData(5, 0, 7, 2, false, false)]
    [InlineData(5, 4, 7, 0, false, false)]
    [InlineData(769, 64, 769, 3, false, true)]
    [InlineData(127, 17, 63, 3, false, false)]
    [InlineData(33, 65, 17, 2, false, true)]
    public void FrobeniusSquaredOfProduct_matches_reference(int l, int m, int r, int count, bool transposeA, bool broadcastB)
    {
        SkipIfLarge(l, m, r);
        ProductCase<float>(ProductKind.Frobenius, l, m, r, count, transposeA, false, broadcastB, seed: l + m);
        ProductCase<double>(ProductKind.Frobenius, l, m, r, count, transposeA, false, broadcastB, seed: l + m);
    }

    [SkippableTheory]
    [InlineData(1, 1, 1, false, false)]
    [InlineData(17, 63, 3, false, false)]
    [InlineData(769, 65, 2, false, true)]
    [InlineData(127, 17, 2, true, false)]
    [InlineData(1100, 3, 2, true, true)]
    [InlineData(63, 1, 1, false, false)]
    [InlineData(0, 4, 2, false, false)]
    [InlineData(65, 33, 2, true, true)]
    public void TraceOfProduct_matches_reference(int l, int m, int count, bool transposeA, bool transposeB)
    {
        SkipIfLarge(l, m);
        ProductCase<float>(ProductKind.Trace, l, m, l, count, transposeA, transposeB, broadcastB: true, seed: l);
        ProductCase<double>(ProductKind.Trace, l, m, l, count, transposeA, transposeB, broadcastB: false, seed: l);
    }

    [SkippableTheory]
    [InlineData(1, 1, 1, 1, false, false)]
    [InlineData(17, 63, 65, 3, false, false)]
    [InlineData(769, 65, 127, 2, false, true)]
    [InlineData(127, 17, 769, 2, true, false)]
    [InlineData(1100, 3, 1100, 1, true, true)]
    [InlineData(63, 1, 2, 2, false, false)]
    [InlineData(4, 5, 0, 2, false, false)]
    [InlineData(33, 65, 17, 2, true, true)]
    public void DiagonalOfProduct_matches_reference(int l, int m, int r, int count, bool transposeA, bool transposeB)
    {
        SkipIfLarge(l, m, r);
        ProductCase<float>(ProductKind.Diagonal, l, m, r, count, transposeA, transposeB, broadcastB: false, seed: r);
        ProductCase<double>(ProductKind.Diagonal, l, m, r, count, transposeA, transposeB, broadcastB: true, seed: r);
    }

    [SkippableTheory]
    [InlineData(1, 1, 1, false, false)]
    [InlineData(17, 65, 3, false, false)]
    [InlineData(769, 63, 2, true, false)]
    [InlineData(127, 2, 2, false, true)]
    [InlineData(0, 5, 2, false, false)]
    [InlineData(65, 33, 2, true, true)]
    public void Scale_matches_reference(int rows, int cols, int count, bool transposed, bool broadcast)
    {
        SkipIfLarge(rows, cols);
        ScaleCase<float>(rows, cols, count, transposed, broadcast, seed: rows);
        ScaleCase<double>(rows, cols, count, transposed, broadcast, seed: rows);
    }

    [SkippableFact]
    public void Results_are_bit_identical_across_calls_and_threads()
    {
        // Sizes that span several tiles and reduction strides on every backend (smaller on a slow one).
        (int l, int m, int r) = Small ? (65, 63, 33) : (300, 513, 257);
        using var a = Random<float>(2 * l * m, seed: 11, out _);
        using var b = Random<float>(2 * m * r, seed: 12, out _);
        MatrixBatch<float> left = MatrixBatch<float>.Contiguous(a, 2, l, m), right = MatrixBatch<float>.Contiguous(b, 2, m, r);
        float[] Product()
        {
            using var c = Backend.Allocate<float>(2 * l * r);
            Backend.Gemm(1f, left, right, 0f, MatrixBatch<float>.Contiguous(c, 2, l, r));
            float[] host = new float[c.Length];
            Backend.Download(c, 0, host);
            return host;
        }

        float[] expected = Product();
        Assert.Equal(expected, Product());
        float[][] concurrent = new float[4][];
        Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => concurrent[i] = Product());
        Assert.All(concurrent, result => Assert.Equal(expected, result));

        float[] Reductions()
        {
            using var frobenius = Backend.Allocate<float>(2);
            using var trace = Backend.Allocate<float>(2);
            using var diagonal = Backend.Allocate<float>(2 * l);
            Backend.FrobeniusSquaredOfProduct(left, right, frobenius);
            Backend.TraceOfProduct(left, left.Transpose(), trace);
            Backend.DiagonalOfProduct(left, left.Transpose(), diagonal);
            float[] host = new float[4 + (2 * l)];
            Backend.Download(frobenius, 0, host.AsSpan(0, 2));
            Backend.Download(trace, 0, host.AsSpan(2, 2));
            Backend.Download(diagonal, 0, host.AsSpan(4));
            return host;
        }

        float[] reductions = Reductions();
        Parallel.For(0, 4, _ => Assert.Equal(reductions, Reductions()));
    }

    [SkippableFact]
    public void Copies_are_exact_while_the_garbage_collector_compacts_the_heap()
    {
        // Host arrays small enough to live in the movable heap, copied while another thread forces compacting collections:
        // a copy that holds an unpinned address reads or writes where the array used to be (seen as zero results). The
        // rounds stop after a few seconds: back-to-back full collections of a large test process (other classes run
        // beside this one) would otherwise stall the whole run.
        IKernels backend = Backend;
        using var stop = new CancellationTokenSource();
        var collector = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                _ = new byte[4096];
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            }
        });
        try
        {
            const int Length = 8_000;
            using var device = backend.Allocate<double>(Length);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int round = 0; round < 1000 && clock.Elapsed < TimeSpan.FromSeconds(3); round++)
            {
                double[] sent = [.. Enumerable.Range(0, Length).Select(i => (double)(round * Length) + i + 1)];
                backend.Upload<double>(sent, device, 0);
                double[] received = new double[Length];
                backend.Download(device, 0, received);
                Assert.True(sent.AsSpan().SequenceEqual(received), $"round {round}: the copy lost data under garbage collection");
            }
        }
        finally
        {
            stop.Cancel();
            collector.Wait();
        }
    }

    [SkippableFact]
    public void Shape_mismatch_names_both_shapes()
    {
        using var buffer = Backend.Allocate<double>(1000);
        var a = MatrixBatch<double>.Contiguous(buffer, 2, 3, 4);
        var b = MatrixBatch<double>.Contiguous(buffer, 2, 5, 6);
        var c = MatrixBatch<double>.Contiguous(buffer, 2, 3, 6);
        var e = Assert.Throws<ArgumentException>(() => Backend.Gemm(1.0, a, b, 0.0, c));
        Assert.Contains("[2 x 3x4]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[2 x 5x6]", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Backend.TraceOfProduct(a, MatrixBatch<double>.Contiguous(buffer, 2, 4, 6), buffer));
        Assert.Contains("[2 x 3x4]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[2 x 4x6]", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Backend.Gram(a, MatrixBatch<double>.Contiguous(buffer, 1, 4, 4)));
        Assert.Contains("[2 x 3x4]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1 x 4x4]", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Frobenius_norm_with_a_vocabulary_sized_inner_dimension_is_refused_before_allocating()
    {
        // m = 50257: two m×m Grams would be 2.5e9 elements each; the factors themselves are only 50257 elements.
        const int M = 50257;
        using var buffer = Backend.Allocate<float>(2 * M + 1);
        var a = MatrixBatch<float>.Contiguous(buffer, 1, 1, M);
        var b = new MatrixBatch<float>(buffer, [M], M, 1, rowStride: 1, colStride: 1);
        var e = Assert.Throws<InsufficientMemoryException>(() => Backend.FrobeniusSquaredOfProduct(a, b, buffer));
        Assert.Contains("50257×50257", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Foreign_buffer_is_rejected()
    {
        using var other = new FactoredGpu.Kernels.Host.HostKernels();
        using var foreign = other.Allocate<float>(16);
        using var own = Backend.Allocate<float>(16);
        var mine = MatrixBatch<float>.Contiguous(own, 1, 2, 2);
        var e = Assert.Throws<ArgumentException>(() => Backend.Gemm(1f, mine, mine, 0f, MatrixBatch<float>.Contiguous(foreign, 1, 2, 2)));
        Assert.Equal("c", e.ParamName);
    }

    private enum ProductKind
    {
        Frobenius,
        Trace,
        Diagonal,
    }

    private static double Tolerance<T>() => typeof(T) == typeof(float) ? FloatTolerance : DoubleTolerance;

    private void GemmCase<T>(int l, int m, int r, int count, bool transposeA, bool transposeB, bool broadcastA, double alpha, double beta, int seed, double fillC = double.NaN)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (MatrixBatch<T> a, double[][,] av) = Operand<T>(count, l, m, transposeA, broadcastA, seed);
        (MatrixBatch<T> b, double[][,] bv) = Operand<T>(count, m, r, transposeB, broadcast: false, seed + 1);
        (MatrixBatch<T> c, double[][,] cv) = Operand<T>(count, l, r, transposed: false, broadcast: false, seed + 2);
        if (beta == 0)
        {
            // β = 0 must ignore C; fill it with NaN (or the given value) to prove it.
            T[] nan = Enumerable.Repeat(T.CreateTruncating(fillC), (int)c.Buffer.Length).ToArray();
            Backend.Upload<T>(nan, c.Buffer, 0);
        }

        Backend.Gemm(T.CreateTruncating(alpha), a, b, T.CreateTruncating(beta), c);
        for (int n = 0; n < count; n++)
        {
            double[,] actual = Read(c, n);
            for (int i = 0; i < l; i++)
            {
                for (int j = 0; j < r; j++)
                {
                    double sum = 0, scale = Math.Abs(beta * cv[n][i, j]);
                    for (int k = 0; k < m; k++)
                    {
                        sum += av[n][i, k] * bv[n][k, j];
                        scale += Math.Abs(alpha * av[n][i, k] * bv[n][k, j]);
                    }

                    double expected = alpha * sum + (beta == 0 ? 0 : beta * cv[n][i, j]);

                    // Relative to the row-scaled magnitude Σₖ|α·aᵢₖ·bₖⱼ| + |β·cᵢⱼ|: 2e-5 for float, 1e-12 for double.
                    Assert.True(Math.Abs(actual[i, j] - expected) <= Tolerance<T>() * Math.Max(scale, 1e-30), $"C[{n}][{i},{j}] = {actual[i, j]}, expected {expected} ({typeof(T).Name} {l}x{m}x{r})");
                }
            }
        }

        DisposeAll(a, b, c);
    }

    private void GramCase<T>(int n, int m, int count, bool transposed, bool broadcast, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (MatrixBatch<T> x, double[][,] xv) = Operand<T>(count, n, m, transposed, broadcast, seed);
        (MatrixBatch<T> g, _) = Operand<T>(count, m, m, transposed: false, broadcast: false, seed + 1);
        Backend.Gram(x, g);
        for (int b = 0; b < count; b++)
        {
            double[,] actual = Read(g, b);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < m; j++)
                {
                    double sum = 0, scale = 0;
                    for (int k = 0; k < n; k++)
                    {
                        sum += xv[b][k, i] * xv[b][k, j];
                        scale += Math.Abs(xv[b][k, i] * xv[b][k, j]);
                    }

                    // Relative to Σₖ|xₖᵢ·xₖⱼ|: 2e-5 for float, 1e-12 for double; and exactly symmetric.
                    Assert.True(Math.Abs(actual[i, j] - sum) <= Tolerance<T>() * Math.Max(scale, 1e-30), $"G[{b}][{i},{j}] = {actual[i, j]}, expected {sum}");
                    Assert.Equal(actual[i, j], actual[j, i]);
                }
            }
        }

        DisposeAll(x, g);
    }

    private void ProductCase<T>(ProductKind kind, int l, int m, int r, int count, bool transposeA, bool transposeB, bool broadcastB, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (MatrixBatch<T> a, double[][,] av) = Operand<T>(count, l, m, transposeA, broadcast: false, seed);
        (MatrixBatch<T> b, double[][,] bv) = Operand<T>(count, m, r, transposeB, broadcastB, seed + 1);
        int d = Math.Min(l, r), perBatch = kind == ProductKind.Diagonal ? d : 1;
        using DeviceBuffer<T> result = Backend.Allocate<T>((count * perBatch) + 3);
        switch (kind)
        {
            case ProductKind.Frobenius:
                Backend.FrobeniusSquaredOfProduct(a, b, result);
                break;
            case ProductKind.Trace:
                Backend.TraceOfProduct(a, b, result);
                break;
            default:
                Backend.DiagonalOfProduct(a, b, result);
                break;
        }

        T[] actual = new T[result.Length];
        Backend.Download(result, 0, actual);
        for (int n = 0; n < count; n++)
        {
            double[,] product = new double[l, r], magnitude = new double[l, r];
            for (int i = 0; i < l; i++)
            {
                for (int j = 0; j < r; j++)
                {
                    for (int k = 0; k < m; k++)
                    {
                        product[i, j] += av[n][i, k] * bv[n][k, j];
                        magnitude[i, j] += Math.Abs(av[n][i, k] * bv[n][k, j]);
                    }
                }
            }

            if (kind == ProductKind.Diagonal)
            {
                for (int i = 0; i < d; i++)
                {
                    // Relative to Σₖ|aᵢₖ·bₖᵢ|: 2e-5 for float (the double-accumulated sum is rounded once), 1e-12 for double.
                    Assert.True(Math.Abs(double.CreateTruncating(actual[(n * d) + i]) - product[i, i]) <= Tolerance<T>() * Math.Max(magnitude[i, i], 1e-30), $"diag[{n}][{i}]");
                }

                continue;
            }

            double expected = 0, scale = 0;
            for (int i = 0; i < l; i++)
            {
                for (int j = 0; j < r; j++)
                {
                    expected += kind == ProductKind.Trace ? (i == j ? product[i, j] : 0) : product[i, j] * product[i, j];
                    scale += kind == ProductKind.Trace ? (i == j ? magnitude[i, j] : 0) : magnitude[i, j] * magnitude[i, j];
                }
            }

            // Relative to the sum of magnitudes: 1e-4 for float (Gram entries are rounded to float before the double sum),
            // 1e-11 for double.
            double tolerance = typeof(T) == typeof(float) ? 1e-4 : 1e-11;
            Assert.True(Math.Abs(double.CreateTruncating(actual[n]) - expected) <= tolerance * Math.Max(scale, 1e-30), $"{kind}[{n}] = {actual[n]}, expected {expected}");
        }

        DisposeAll(a, b);
    }

    private void ScaleCase<T>(int rows, int cols, int count, bool transposed, bool broadcast, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (MatrixBatch<T> s, double[][,] sv) = Operand<T>(count, rows, cols, transposed, broadcast, seed);
        (MatrixBatch<T> d, _) = Operand<T>(count, rows, cols, transposed: !transposed, broadcast: false, seed + 1);
        Backend.Scale(T.CreateTruncating(-2.5), s, d);
        for (int n = 0; n < count; n++)
        {
            double[,] actual = Read(d, n);
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    // One rounding of an exact product: equal to the product rounded to T.
                    Assert.Equal(double.CreateTruncating(T.CreateTruncating(-2.5 * sv[n][i, j])), actual[i, j]);
                }
            }
        }

        DisposeAll(s, d);
    }

    /// <summary>
    /// A batch of <paramref name="count"/> random <c>rows×cols</c> matrices at a non-zero base offset, stored transposed
    /// (column-major, so the view has swapped strides) or row-major, all entries sharing one matrix when broadcast.
    /// </summary>
    private (MatrixBatch<T> Batch, double[][,] Values) Operand<T>(int count, int rows, int cols, bool transposed, bool broadcast, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int BaseOffset = 7;
        int distinct = broadcast ? Math.Min(count, 1) : count, size = rows * cols;
        DeviceBuffer<T> buffer = Random<T>(BaseOffset + (distinct * size) + 5, seed, out T[] host);
        long[] offsets = new long[count];
        var values = new double[count][,];
        for (int n = 0; n < count; n++)
        {
            offsets[n] = BaseOffset + ((broadcast ? 0 : n) * (long)size);
            values[n] = new double[rows, cols];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    values[n][i, j] = double.CreateTruncating(host[offsets[n] + (transposed ? (j * rows) + i : (i * cols) + j)]);
                }
            }
        }

        var batch = transposed
            ? new MatrixBatch<T>(buffer, offsets, cols, rows, rows, 1).Transpose()
            : new MatrixBatch<T>(buffer, offsets, rows, cols, cols, 1);
        return (batch, values);
    }

    private DeviceBuffer<T> Random<T>(int length, int seed, out T[] host)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        host = new T[length];
        for (int i = 0; i < length; i++)
        {
            host[i] = T.CreateTruncating((random.NextDouble() * 2) - 1);
        }

        DeviceBuffer<T> buffer = Backend.Allocate<T>(length);
        Backend.Upload<T>(host, buffer, 0);
        return buffer;
    }

    private double[,] Read<T>(in MatrixBatch<T> batch, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] host = new T[batch.Buffer.Length];
        Backend.Download(batch.Buffer, 0, host);
        var values = new double[batch.Rows, batch.Cols];
        for (int i = 0; i < batch.Rows; i++)
        {
            for (int j = 0; j < batch.Cols; j++)
            {
                values[i, j] = double.CreateTruncating(host[batch.BatchOffsets[n] + (i * batch.RowStride) + (j * batch.ColStride)]);
            }
        }

        return values;
    }

    private static void DisposeAll<T>(params MatrixBatch<T>[] batches)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (MatrixBatch<T> batch in batches)
        {
            batch.Buffer.Dispose();
        }
    }
}
