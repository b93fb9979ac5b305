using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FactoredGpu.Kernels.Host;

/// <summary>
/// Host batched Gram matrix <c>G[b] = X[b]ᵀ·X[b]</c>: register tiles that touch the upper triangle (about half the
/// work), then the lower triangle mirrored from the upper one, so G is exactly symmetric.
/// </summary>
/// <remarks>
/// <para>The two layouts that factors come in are read in place, without packing: a row-major X (tall factor such as
/// W_V, up to <see cref="RankOneMaxCols"/> columns) as rank-1 updates <c>G += xᵢᵀ·xᵢ</c> over its contiguous rows, and a transposed row-major X (wide factor such as
/// W_O, for <c>B·Bᵀ</c>) as dot products of contiguous rows. Other strides go through the packed GEMM. Either way an
/// entry is one fixed chain of operations over the rows of X, so tiles that overlap (clamped at the edges) or meet
/// across the diagonal write identical values, whatever thread ran them.</para>
/// <para>Broadcast inputs (repeated offsets) are multiplied once and the result copied to the other outputs.</para>
/// </remarks>
internal static class BatchedGram
{
    public static void Run<T>(in MatrixBatch<T> x, in MatrixBatch<T> gram)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = x.Cols;
        if (x.Count == 0 || m == 0)
        {
            return;
        }

        long[] distinct = DistinctOffsets(x.Offsets, out int[] index);
        long[] firstOutput = new long[distinct.Length];
        for (int b = x.Count - 1; b >= 0; b--)
        {
            firstOutput[index[b]] = gram.Offsets[b];
        }

        Upper(new MatrixBatch<T>(x.Buffer, distinct, x.Rows, m, x.RowStride, x.ColStride), new MatrixBatch<T>(gram.Buffer, firstOutput, m, m, gram.RowStride, gram.ColStride));

        T[] g = ((HostBuffer<T>)gram.Buffer).Array;
        long rs = gram.RowStride, cs = gram.ColStride;
        long[] offsets = gram.Offsets;
        HostParallel.For(
            x.Count,
            (long)x.Count * m * m,
            b =>
            {
                long source = firstOutput[index[b]], target = offsets[b];
                ref T g0 = ref MemoryMarshal.GetArrayDataReference(g);
                for (int i = 0; i < m; i++)
                {
                    // Lower entries come from the upper triangle; copies of a shared Gram take the upper ones too.
                    for (int j = 0; j < (source == target ? i : m); j++)
                    {
                        Unsafe.Add(ref g0, (nint)(target + i * rs + j * cs)) = i > j ? Unsafe.Add(ref g0, (nint)(source + j * rs + i * cs)) : Unsafe.Add(ref g0, (nint)(source + i * rs + j * cs));
                    }
                }
            });
    }

    /// <summary>The upper triangles (<c>i ≤ j</c>) of the Gram matrices of the distinct operands of <paramref name="x"/>,
    /// contiguous <c>[d × m×m]</c>; entries below the diagonal are unspecified.</summary>
    /// <param name="x">The operands.</param>
    /// <param name="index">For each batch entry, which of the <c>d</c> Gram matrices is its own.</param>
    /// <returns>The Gram matrices, row-major, in an array rented from <see cref="ArrayPool{T}.Shared"/> (a fresh
    /// large array per call would be page-faulted in and zeroed every time); the caller returns it.</returns>
    public static T[] UpperOfDistinct<T>(in MatrixBatch<T> x, out int[] index)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long[] distinct = DistinctOffsets(x.Offsets, out index);
        int m = x.Cols;
        var grams = new HostBuffer<T>(x.Buffer.Owner, ArrayPool<T>.Shared.Rent(checked(distinct.Length * m * m)));
        if (m > 0)
        {
            Upper(new MatrixBatch<T>(x.Buffer, distinct, x.Rows, m, x.RowStride, x.ColStride), MatrixBatch<T>.Contiguous(grams, distinct.Length, m, m));
        }

        return grams.Array;
    }

    /// <summary>Tiles of every <c>G[b] = X[b]ᵀ·X[b]</c> that touch the upper triangle, one output per operand.</summary>
    private static void Upper<T>(in MatrixBatch<T> x, in MatrixBatch<T> gram)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Unpacked(x, gram))
        {
            BatchedGemm.Run(T.One, x.Transpose(), x, T.Zero, gram, upperTriangle: true);
        }
    }

    /// <summary>Rows of G per rank-1 tile: 12 rows × 2 registers = 24 of the 32 AVX-512 registers.</summary>
    private const int RankOneRows = 12;

    /// <summary>
    /// The widest X read by rank-1 updates: the upper triangle of a 256-wide G (their accumulators between chunks) is
    /// 128 KiB of floats and stays in L2. A wider G (the tied <c>W_Eᵀ·W_E</c>, m = 768) would stream it from memory at
    /// every chunk, so it goes through the packed GEMM's upper tiles instead (X 50257×768: 116–125 ms there against
    /// 176–180 ms by rank-1 updates, alternated on the 2-core box).
    /// </summary>
    private const int RankOneMaxCols = 256;

    /// <summary>Rows of X per sweep of the rank-1 passes: 64 rows of 64 floats are 16 KiB, well inside L1.</summary>
    private const int RankOneChunk = 64;

    /// <summary>Rows of G per dot tile (the "p" rows, reused from L1 across the "q" blocks).</summary>
    private const int DotRows = 6;

    /// <summary>Columns of G per dot tile: 6 × 4 = 24 accumulators.</summary>
    private const int DotCols = 4;

    /// <summary>The upper tiles of every G without packing, when X has contiguous rows or columns; false otherwise.</summary>
    private static bool Unpacked<T>(in MatrixBatch<T> x, in MatrixBatch<T> gram)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var unpacked = new UnpackedOperation<T> { X = x, Gram = gram };
        Simd.Dispatch<T, UnpackedOperation<T>>(ref unpacked);
        return unpacked.Done;
    }

    /// <summary>The unpacked Gram's arguments and outcome, run at the width <see cref="Simd.Dispatch{T, TOperation}"/> picks.</summary>
    private struct UnpackedOperation<TElement> : ISimdOperation<TElement>
        where TElement : unmanaged, IFloatingPointIeee754<TElement>
    {
        public MatrixBatch<TElement> X, Gram;
        public bool Done;

        public void Run<TVector, TSimd>()
            where TVector : struct
            where TSimd : ISimd<TElement, TVector> => Done = Unpacked<TElement, TVector, TSimd>(X, Gram);
    }

    private static bool Unpacked<T, TVector, TSimd>(MatrixBatch<T> x, MatrixBatch<T> gram)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
    {
        int n = x.Rows, m = x.Cols, w = TSimd.Count;
        T[] xData = ((HostBuffer<T>)x.Buffer).Array, gData = ((HostBuffer<T>)gram.Buffer).Array;
        nint gRow = (nint)gram.RowStride, gCol = (nint)gram.ColStride;
        int items;
        Action<int> body;
        if (x.ColStride == 1 && m >= Math.Max(w, RankOneRows) && m <= RankOneMaxCols)
        {
            // An item is a whole G (X read once), or for a single X one block of 2 registers' worth of columns of G.
            int blocks = (m + 2 * w - 1) / (2 * w), span = x.Count > 1 ? blocks : 1, perOperand = blocks / span;
            items = x.Count * perOperand;
            nint pitch = (nint)x.RowStride;
            body = item => RankOneBlocks<T, TVector, TSimd>(
                ref At(xData, x.Offsets[item / perOperand]), pitch, n, m, item % perOperand * span, (item % perOperand * span) + span, ref At(gData, gram.Offsets[item / perOperand]), gRow, gCol);
        }
        else if (x.RowStride == 1 && m >= DotRows)
        {
            // An item is a whole G (a band of a 64-wide G is a few microseconds: scheduling each costs a sizeable share),
            // or for a single X one band of DotRows rows of G, from its diagonal block rightwards.
            int bands = (m + DotRows - 1) / DotRows, span = x.Count > 1 ? bands : 1, perOperand = bands / span;
            items = x.Count * perOperand;
            nint pitch = (nint)x.ColStride;
            body = item =>
            {
                ref T operand = ref At(xData, x.Offsets[item / perOperand]);
                ref T output = ref At(gData, gram.Offsets[item / perOperand]);
                for (int band = item % perOperand * span; band < (item % perOperand * span) + span; band++)
                {
                    DotBand<T, TVector, TSimd>(ref operand, pitch, n, m, band * DotRows, ref output, gRow, gCol);
                }
            };
        }
        else
        {
            return false;
        }

        HostParallel.For(items, (long)x.Count * n * m * m, body);
        return true;
    }

    /// <summary>
    /// Column blocks <c>[firstBlock, endBlock)</c> of G, block c being columns <c>[2wc, 2wc + 2w)</c> for rows
    /// <c>0 … 2wc + 2w − 1</c> (at least <see cref="RankOneRows"/>), as <c>G[p, q] = Σᵢ X[i, p]·X[i, q]</c> in order of i:
    /// per row of X, two register loads and <see cref="RankOneRows"/> broadcasts feed 24 multiply-adds.
    /// </summary>
    /// <remarks>
    /// X is swept once, in chunks of <see cref="RankOneChunk"/> rows that stay in L1 while every pass of rows of G reads
    /// them; each pass keeps its accumulators in memory between chunks, so an entry's chain is the same as in one sweep.
    /// A register or a pass that would run past m is moved back to end at m; it recomputes entries bit for bit.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RankOneBlocks<T, TVector, TSimd>(ref T x, nint pitch, int n, int m, int firstBlock, int endBlock, ref T g, nint gRow, nint gCol)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
    {
        int w = TSimd.Count, slot = RankOneRows * 2 * w, slots = 0;
        for (int c = firstBlock; c < endBlock; c++)
        {
            slots += (Bottom(c) + RankOneRows - 1) / RankOneRows;
        }

        T[] partial = ArrayPool<T>.Shared.Rent(slots * slot);
        partial.AsSpan(0, slots * slot).Clear();
        ref T acc = ref MemoryMarshal.GetArrayDataReference(partial);
        for (int i0 = 0; i0 < n; i0 += RankOneChunk)
        {
            int i1 = Math.Min(n, i0 + RankOneChunk);
            ref T t = ref acc;
            for (int c = firstBlock; c < endBlock; c++)
            {
                int qa = Math.Min(2 * w * c, m - w), qb = Math.Min(2 * w * c + w, m - w), bottom = Bottom(c);
                for (int pass = 0; pass < bottom; pass += RankOneRows, t = ref Unsafe.Add(ref t, slot))
                {
                    int p0 = Math.Min(pass, bottom - RankOneRows);
                    TVector c0 = TSimd.Load(ref Unsafe.Add(ref t, 0 * w)), d0 = TSimd.Load(ref Unsafe.Add(ref t, 1 * w));
                    TVector c1 = TSimd.Load(ref Unsafe.Add(ref t, 2 * w)), d1 = TSimd.Load(ref Unsafe.Add(ref t, 3 * w));
                    TVector c2 = TSimd.Load(ref Unsafe.Add(ref t, 4 * w)), d2 = TSimd.Load(ref Unsafe.Add(ref t, 5 * w));
                    TVector c3 = TSimd.Load(ref Unsafe.Add(ref t, 6 * w)), d3 = TSimd.Load(ref Unsafe.Add(ref t, 7 * w));
                    TVector c4 = TSimd.Load(ref Unsafe.Add(ref t, 8 * w)), d4 = TSimd.Load(ref Unsafe.Add(ref t, 9 * w));
                    TVector c5 = TSimd.Load(ref Unsafe.Add(ref t, 10 * w)), d5 = TSimd.Load(ref Unsafe.Add(ref t, 11 * w));
                    TVector c6 = TSimd.Load(ref Unsafe.Add(ref t, 12 * w)), d6 = TSimd.Load(ref Unsafe.Add(ref t, 13 * w));
                    TVector c7 = TSimd.Load(ref Unsafe.Add(ref t, 14 * w)), d7 = TSimd.Load(ref Unsafe.Add(ref t, 15 * w));
                    TVector c8 = TSimd.Load(ref Unsafe.Add(ref t, 16 * w)), d8 = TSimd.Load(ref Unsafe.Add(ref t, 17 * w));
                    TVector c9 = TSimd.Load(ref Unsafe.Add(ref t, 18 * w)), d9 = TSimd.Load(ref Unsafe.Add(ref t, 19 * w));
                    TVector c10 = TSimd.Load(ref Unsafe.Add(ref t, 20 * w)), d10 = TSimd.Load(ref Unsafe.Add(ref t, 21 * w));
                    TVector c11 = TSimd.Load(ref Unsafe.Add(ref t, 22 * w)), d11 = TSimd.Load(ref Unsafe.Add(ref t, 23 * w));
                    ref T row = ref Unsafe.Add(ref x, i0 * pitch);
                    for (int i = i0; i < i1; i++)
                    {
                        TVector lo = TSimd.Load(ref Unsafe.Add(ref row, qa)), hi = TSimd.Load(ref Unsafe.Add(ref row, qb));
                        ref T xp = ref Unsafe.Add(ref row, p0);
                        TVector s = TSimd.Broadcast(xp);
                        c0 = TSimd.MultiplyAdd(s, lo, c0);
                        d0 = TSimd.MultiplyAdd(s, hi, d0);
                        s = TSimd.Broadcast(Unsafe.Add(ref xp, 1));
                        c1 = TSimd.MultiplyAdd(s, lo, c1);
                        d1 = TSimd.MultiplyAdd(s, hi, d1);
                        s = TSimd.Broadcast(Unsafe.Add(ref xp, 2));
                        c2 = TSimd.MultiplyAdd(s, lo, c2);
                        d2 = TSimd.MultiplyAdd(s, hi, d2);
                        s = TSimd.Broadcast(Unsafe.Add(ref xp, 3));
                        c3 = TSimd.MultiplyAdd(s, lo, c3);
                        d3 = TSimd.MultiplyAdd(s, hi, d3);
                        s = TSimd.Broadcast(Unsafe.Add(ref xp, 4));
                        c4 = TSimd.MultiplyAdd(s, lo, c4);
                        d4 = TSimd.MultiplyAdd(s, hi, d4);
                        s = TSimd.Broadcast(Unsafe.Add(ref xp, 5));
                        c5 = TSimd.MultiplyAdd(s, lo, c5);
                        d5 = TSimd.MultiplyAdd(s, hi, d5);
                        s = TSimd.Broadcast(Unsafe.Add(ref xp, 6));
                        c6 = TSimd.MultiplyAdd(s, lo, c6);
                        d6 = TSimd.MultiplyAdd(s, hi, d6);
                        s = TSimd.Broadcast(Unsafe.Add(ref xp, 7));
                        c7 = TSimd.MultiplyAdd(s, lo, c7);
                        d7 = TSimd.MultiplyAdd(s, hi, d7);
                        s = TSimd.Broadcast(Unsafe.Add(ref xp, 8));
                        c8 = TSimd.MultiplyAdd(s, lo, c8);
                        d8 = TSimd.MultiplyAdd(s, hi, d8);
                        s = TSimd.Broadcast(Unsafe.Add(ref xp, 9));
                        c9 = TSimd.MultiplyAdd(s, lo, c9);
                        d9 = TSimd.MultiplyAdd(s, hi, d9);
                        s = TSimd.Broadcast(Unsafe.Add(ref xp, 10));
                        c10 = TSimd.MultiplyAdd(s, lo, c10);
                        d10 = TSimd.MultiplyAdd(s, hi, d10);
                        s = TSimd.Broadcast(Unsafe.Add(ref xp, 11));
                        c11 = TSimd.MultiplyAdd(s, lo, c11);
                        d11 = TSimd.MultiplyAdd(s, hi, d11);
                        row = ref Unsafe.Add(ref row, pitch);
                    }

                    TSimd.Store(c0, ref Unsafe.Add(ref t, 0 * w));
                    TSimd.Store(d0, ref Unsafe.Add(ref t, 1 * w));
                    TSimd.Store(c1, ref Unsafe.Add(ref t, 2 * w));
                    TSimd.Store(d1, ref Unsafe.Add(ref t, 3 * w));
                    TSimd.Store(c2, ref Unsafe.Add(ref t, 4 * w));
                    TSimd.Store(d2, ref Unsafe.Add(ref t, 5 * w));
                    TSimd.Store(c3, ref Unsafe.Add(ref t, 6 * w));
                    TSimd.Store(d3, ref Unsafe.Add(ref t, 7 * w));
                    TSimd.Store(c4, ref Unsafe.Add(ref t, 8 * w));
                    TSimd.Store(d4, ref Unsafe.Add(ref t, 9 * w));
                    TSimd.Store(c5, ref Unsafe.Add(ref t, 10 * w));
                    TSimd.Store(d5, ref Unsafe.Add(ref t, 11 * w));
                    TSimd.Store(c6, ref Unsafe.Add(ref t, 12 * w));
                    TSimd.Store(d6, ref Unsafe.Add(ref t, 13 * w));
                    TSimd.Store(c7, ref Unsafe.Add(ref t, 14 * w));
                    TSimd.Store(d7, ref Unsafe.Add(ref t, 15 * w));
                    TSimd.Store(c8, ref Unsafe.Add(ref t, 16 * w));
                    TSimd.Store(d8, ref Unsafe.Add(ref t, 17 * w));
                    TSimd.Store(c9, ref Unsafe.Add(ref t, 18 * w));
                    TSimd.Store(d9, ref Unsafe.Add(ref t, 19 * w));
                    TSimd.Store(c10, ref Unsafe.Add(ref t, 20 * w));
                    TSimd.Store(d10, ref Unsafe.Add(ref t, 21 * w));
                    TSimd.Store(c11, ref Unsafe.Add(ref t, 22 * w));
                    TSimd.Store(d11, ref Unsafe.Add(ref t, 23 * w));
                }
            }
        }

        ref T u = ref acc;
        for (int c = firstBlock; c < endBlock; c++)
        {
            int qa = Math.Min(2 * w * c, m - w), qb = Math.Min(2 * w * c + w, m - w), bottom = Bottom(c);
            for (int pass = 0; pass < bottom; pass += RankOneRows, u = ref Unsafe.Add(ref u, slot))
            {
                int p0 = Math.Min(pass, bottom - RankOneRows);
                for (int r = 0; r < RankOneRows; r++)
                {
                    ref T gr = ref Unsafe.Add(ref g, (p0 + r) * gRow);
                    for (int j = 0; j < w; j++)
                    {
                        Unsafe.Add(ref gr, (qa + j) * gCol) = Unsafe.Add(ref u, 2 * r * w + j);
                        Unsafe.Add(ref gr, (qb + j) * gCol) = Unsafe.Add(ref u, (2 * r + 1) * w + j);
                    }
                }
            }
        }

        ArrayPool<T>.Shared.Return(partial);

        int Bottom(int c) => Math.Min(m, Math.Max(2 * w * (c + 1), RankOneRows));
    }

    /// <summary>
    /// Rows <c>[p0, p0 + DotRows)</c> of G (moved back to end at m) from the diagonal block rightwards, as dot products
    /// of rows of Xᵀ, which are contiguous: <c>G[p, q] = Σᵢ Xᵀ[p, i]·Xᵀ[q, i]</c>, each a register-wide chain over
    /// whole registers, reduced across lanes, then a scalar chain over the remaining elements.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotBand<T, TVector, TSimd>(ref T x, nint pitch, int n, int m, int p0, ref T g, nint gRow, nint gCol)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
    {
        int w = TSimd.Count, whole = n - n % w;
        p0 = Math.Min(p0, m - DotRows);
        ref T p = ref Unsafe.Add(ref x, p0 * pitch);
        Span<T> sums = stackalloc T[DotRows * DotCols];
        for (int block = p0 / DotCols * DotCols; block < m; block += DotCols)
        {
            int q0 = Math.Min(block, m - DotCols);
            ref T q = ref Unsafe.Add(ref x, q0 * pitch);
            TVector s00 = TSimd.Zero, s01 = TSimd.Zero, s02 = TSimd.Zero, s03 = TSimd.Zero;
            TVector s10 = TSimd.Zero, s11 = TSimd.Zero, s12 = TSimd.Zero, s13 = TSimd.Zero;
            TVector s20 = TSimd.Zero, s21 = TSimd.Zero, s22 = TSimd.Zero, s23 = TSimd.Zero;
            TVector s30 = TSimd.Zero, s31 = TSimd.Zero, s32 = TSimd.Zero, s33 = TSimd.Zero;
            TVector s40 = TSimd.Zero, s41 = TSimd.Zero, s42 = TSimd.Zero, s43 = TSimd.Zero;
            TVector s50 = TSimd.Zero, s51 = TSimd.Zero, s52 = TSimd.Zero, s53 = TSimd.Zero;
            for (int i = 0; i < whole; i += w)
            {
                ref T qi = ref Unsafe.Add(ref q, i);
                TVector y0 = TSimd.Load(ref qi), y1 = TSimd.Load(ref Unsafe.Add(ref qi, pitch));
                TVector y2 = TSimd.Load(ref Unsafe.Add(ref qi, 2 * pitch)), y3 = TSimd.Load(ref Unsafe.Add(ref qi, 3 * pitch));
                ref T pi = ref Unsafe.Add(ref p, i);
                TVector v = TSimd.Load(ref pi);
                s00 = TSimd.MultiplyAdd(v, y0, s00);
                s01 = TSimd.MultiplyAdd(v, y1, s01);
                s02 = TSimd.MultiplyAdd(v, y2, s02);
                s03 = TSimd.MultiplyAdd(v, y3, s03);
                v = TSimd.Load(ref Unsafe.Add(ref pi, pitch));
                s10 = TSimd.MultiplyAdd(v, y0, s10);
                s11 = TSimd.MultiplyAdd(v, y1, s11);
                s12 = TSimd.MultiplyAdd(v, y2, s12);
                s13 = TSimd.MultiplyAdd(v, y3, s13);
                v = TSimd.Load(ref Unsafe.Add(ref pi, 2 * pitch));
                s20 = TSimd.MultiplyAdd(v, y0, s20);
                s21 = TSimd.MultiplyAdd(v, y1, s21);
                s22 = TSimd.MultiplyAdd(v, y2, s22);
                s23 = TSimd.MultiplyAdd(v, y3, s23);
                v = TSimd.Load(ref Unsafe.Add(ref pi, 3 * pitch));
                s30 = TSimd.MultiplyAdd(v, y0, s30);
                s31 = TSimd.MultiplyAdd(v, y1, s31);
                s32 = TSimd.MultiplyAdd(v, y2, s32);
                s33 = TSimd.MultiplyAdd(v, y3, s33);
                v = TSimd.Load(ref Unsafe.Add(ref pi, 4 * pitch));
                s40 = TSimd.MultiplyAdd(v, y0, s40);
                s41 = TSimd.MultiplyAdd(v, y1, s41);
                s42 = TSimd.MultiplyAdd(v, y2, s42);
                s43 = TSimd.MultiplyAdd(v, y3, s43);
                v = TSimd.Load(ref Unsafe.Add(ref pi, 5 * pitch));
                s50 = TSimd.MultiplyAdd(v, y0, s50);
                s51 = TSimd.MultiplyAdd(v, y1, s51);
                s52 = TSimd.MultiplyAdd(v, y2, s52);
                s53 = TSimd.MultiplyAdd(v, y3, s53);
            }

            sums[0] = TSimd.Sum(s00);
            sums[1] = TSimd.Sum(s01);
            sums[2] = TSimd.Sum(s02);
            sums[3] = TSimd.Sum(s03);
            sums[4] = TSimd.Sum(s10);
            sums[5] = TSimd.Sum(s11);
            sums[6] = TSimd.Sum(s12);
            sums[7] = TSimd.Sum(s13);
            sums[8] = TSimd.Sum(s20);
            sums[9] = TSimd.Sum(s21);
            sums[10] = TSimd.Sum(s22);
            sums[11] = TSimd.Sum(s23);
            sums[12] = TSimd.Sum(s30);
            sums[13] = TSimd.Sum(s31);
            sums[14] = TSimd.Sum(s32);
            sums[15] = TSimd.Sum(s33);
            sums[16] = TSimd.Sum(s40);
            sums[17] = TSimd.Sum(s41);
            sums[18] = TSimd.Sum(s42);
            sums[19] = TSimd.Sum(s43);
            sums[20] = TSimd.Sum(s50);
            sums[21] = TSimd.Sum(s51);
            sums[22] = TSimd.Sum(s52);
            sums[23] = TSimd.Sum(s53);
            for (int r = 0; r < DotRows; r++)
            {
                ref T pr = ref Unsafe.Add(ref p, r * pitch);
                for (int c = 0; c < DotCols; c++)
                {
                    ref T qc = ref Unsafe.Add(ref q, c * pitch);
                    T sum = sums[r * DotCols + c];
                    for (int i = whole; i < n; i++)
                    {
                        sum = T.FusedMultiplyAdd(Unsafe.Add(ref pr, i), Unsafe.Add(ref qc, i), sum);
                    }

                    Unsafe.Add(ref g, (p0 + r) * gRow + (q0 + c) * gCol) = sum;
                }
            }
        }
    }

    private static ref T At<T>(T[] data, long offset) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(data), (nint)offset);

    /// <summary>The distinct offsets in order of first appearance, and for each entry the position of its offset.</summary>
    private static long[] DistinctOffsets(long[] offsets, out int[] index)
    {
        var seen = new Dictionary<long, int>();
        index = new int[offsets.Length];
        for (int b = 0; b < offsets.Length; b++)
        {
            if (!seen.TryGetValue(offsets[b], out int at))
            {
                at = seen.Count;
                seen.Add(offsets[b], at);
            }

            index[b] = at;
        }

        long[] distinct = new long[seen.Count];
        foreach ((long offset, int at) in seen)
        {
            distinct[at] = offset;
        }

        return distinct;
    }
}
