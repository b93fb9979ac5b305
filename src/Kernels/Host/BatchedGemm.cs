using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FactoredGpu.Kernels.Host;

/// <summary>
/// Host batched GEMM <c>C[b] = α·A[b]·B[b] + β·C[b]</c> in the GotoBLAS / BLIS scheme: B is packed into
/// <c>Kc × NR</c> strips (NR = two registers wide) and A into <c>MR × Kc</c> strips, and a register-blocked
/// <c>MR × NR</c> micro-kernel accumulates one tile of C in 16 registers.
/// </summary>
/// <remarks>
/// <para>Work items are (batch, tile of C) pairs, each running the whole inner dimension, so every element of C is
/// produced by the same sequence of operations whatever the tiling, thread count or schedule: for each
/// <c>Kc</c> block in order, a fused multiply-add chain over the block, then <c>C = α·acc + β·C</c> (first block) or
/// <c>C = α·acc + C</c>. The inner dimension is never split across threads.</para>
/// <para>Packing copies rows or gathers columns, so any strides (transposed views, broadcast batches) cost the same
/// as dense row-major operands up to the gather. Whole 8-row strips of a row-major A skip packing and are read at
/// their own pitch.</para>
/// </remarks>
internal static class BatchedGemm
{
    /// <summary>Rows of the micro-tile: 8 rows × 2 registers = 16 accumulators, leaving AVX-512 room for the operands.</summary>
    private const int Mr = 8;

    /// <summary>Depth of a block, and the row pitch of a packed A strip. The <c>Kc × NR</c> B strip (24 KiB) that stays
    /// in L1 plus the 8 × Kc A strip streaming past it (6 KiB) leave room in a 48 KiB L1; 256 measured slower.</summary>
    private const int Kc = 192;

    /// <summary>Most rows of C per work item.</summary>
    private const int McMax = 512;

    /// <summary>Bytes of a packed <c>Kc × Nc</c> B panel, sized to stay in a core's L2 while A strips sweep over it.</summary>
    private const int PanelBytes = 512 * 1024;

    public static void Run<T>(T alpha, in MatrixBatch<T> a, in MatrixBatch<T> b, T beta, in MatrixBatch<T> c)
        where T : unmanaged, IFloatingPointIeee754<T> => Run(alpha, a, b, beta, c, upperTriangle: false);

    /// <summary>The GEMM, optionally writing only tiles that touch the upper triangle (<c>i ≤ j</c>) of square C.</summary>
    /// <remarks>Used by <see cref="BatchedGram"/>; tiles straddling the diagonal also write some lower elements.</remarks>
    internal static void Run<T>(T alpha, in MatrixBatch<T> a, in MatrixBatch<T> b, T beta, in MatrixBatch<T> c, bool upperTriangle)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (c.Count == 0 || c.Rows == 0 || c.Cols == 0)
        {
            return;
        }

        var gemm = new GemmOperation<T>(alpha, a, b, beta, c, upperTriangle);
        Simd.Dispatch<T, GemmOperation<T>>(ref gemm);
    }

    /// <summary>The GEMM's arguments, run at the width <see cref="Simd.Dispatch{T, TOperation}"/> picks.</summary>
    private readonly struct GemmOperation<TElement>(TElement alpha, MatrixBatch<TElement> a, MatrixBatch<TElement> b, TElement beta, MatrixBatch<TElement> c, bool upperTriangle)
        : ISimdOperation<TElement>
        where TElement : unmanaged, IFloatingPointIeee754<TElement>
    {
        public void Run<TVector, TSimd>()
            where TVector : struct
            where TSimd : ISimd<TElement, TVector> =>
            BatchedGemm.Run<TElement, TVector, TSimd>(alpha, a, b, beta, c, upperTriangle);
    }

    private static void Run<T, TVector, TSimd>(T alpha, MatrixBatch<T> a, MatrixBatch<T> b, T beta, MatrixBatch<T> c, bool upperTriangle)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
    {
        int m = c.Rows, n = c.Cols, depth = a.Cols, nr = 2 * TSimd.Count;

        // Fixed partition of C into tiles: at most Nc columns (one L2 panel) and McMax rows, split further (by rows)
        // until every core has an item.
        int ncMax = Math.Max(nr, PanelBytes / (Kc * Unsafe.SizeOf<T>()) / nr * nr);
        int tilesAcross = CeilDiv(n, ncMax);
        int tileCols = RoundUp(CeilDiv(n, tilesAcross), nr);
        tilesAcross = CeilDiv(n, tileCols);
        int tilesDown = CeilDiv(m, McMax);
        long items = (long)c.Count * tilesAcross * tilesDown;
        if (items < Environment.ProcessorCount)
        {
            tilesDown = (int)Math.Min(CeilDiv(m, Mr), CeilDiv(Environment.ProcessorCount, (long)c.Count * tilesAcross));
        }

        int tileRows = RoundUp(CeilDiv(m, tilesDown), Mr);
        tilesDown = CeilDiv(m, tileRows);
        int tilesPerBatch = tilesDown * tilesAcross;

        T[] aData = ((HostBuffer<T>)a.Buffer).Array, bData = ((HostBuffer<T>)b.Buffer).Array, cData = ((HostBuffer<T>)c.Buffer).Array;
        HostParallel.For(
            checked(c.Count * tilesPerBatch),
            2L * c.Count * m * n * Math.Max(depth, 1),
            () => (A: ArrayPool<T>.Shared.Rent(tileRows * Kc), B: ArrayPool<T>.Shared.Rent(Kc * tileCols)),
            (item, packs) =>
            {
                int batch = item / tilesPerBatch, tile = item % tilesPerBatch;
                int i0 = tile / tilesAcross * tileRows, j0 = tile % tilesAcross * tileCols;
                int rows = Math.Min(tileRows, m - i0), cols = Math.Min(tileCols, n - j0);
                if (upperTriangle && i0 >= j0 + cols)
                {
                    return;
                }

                ref T aMatrix = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(aData), (nint)a.Offsets[batch]);
                ref T bMatrix = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(bData), (nint)b.Offsets[batch]);
                ref T cTile = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cData), (nint)(c.Offsets[batch] + i0 * c.RowStride + j0 * c.ColStride));
                ref T aPack = ref MemoryMarshal.GetArrayDataReference(packs.A);
                ref T bPack = ref MemoryMarshal.GetArrayDataReference(packs.B);
                // Whole strips of a row-major A are read in place: a copy would cost as much memory traffic as the
                // micro-kernel's reads of A, and an 8-row strip stays in L1 across the B strips anyway.
                bool inPlace = a.ColStride == 1 && rows % Mr == 0;
                int p = 0;
                do
                {
                    int kc = Math.Min(Kc, depth - p);
                    if (kc > 0)
                    {
                        if (!inPlace)
                        {
                            PackA(ref Unsafe.Add(ref aMatrix, (nint)(i0 * a.RowStride + p * a.ColStride)), (nint)a.RowStride, (nint)a.ColStride, rows, kc, ref aPack);
                        }

                        PackB<T, TVector, TSimd>(ref Unsafe.Add(ref bMatrix, (nint)(p * b.RowStride + j0 * b.ColStride)), (nint)b.RowStride, (nint)b.ColStride, kc, cols, ref bPack);
                    }

                    // B strip outermost (BLIS order): its Kc × NR block stays in L1 while the A strips stream past it.
                    for (int jr = 0; jr < cols; jr += nr)
                    {
                        int liveCols = Math.Min(nr, cols - jr);
                        for (int ir = 0; ir < rows; ir += Mr)
                        {
                            if (upperTriangle && i0 + ir >= j0 + jr + liveCols)
                            {
                                continue;
                            }

                            MicroTile<T, TVector, TSimd>(
                                ref inPlace ? ref Unsafe.Add(ref aMatrix, (nint)((i0 + ir) * a.RowStride + p)) : ref Unsafe.Add(ref aPack, ir * Kc),
                                inPlace ? (nint)a.RowStride : Kc,
                                ref Unsafe.Add(ref bPack, jr * Kc),
                                kc,
                                ref Unsafe.Add(ref cTile, (nint)(ir * c.RowStride + jr * c.ColStride)),
                                (nint)c.RowStride,
                                (nint)c.ColStride,
                                Math.Min(Mr, rows - ir),
                                liveCols,
                                alpha,
                                beta,
                                first: p == 0);
                        }
                    }

                    p += Kc;
                }
                while (p < depth);
            },
            packs =>
            {
                ArrayPool<T>.Shared.Return(packs.A);
                ArrayPool<T>.Shared.Return(packs.B);
            });
    }

    /// <summary>Packs <c>rows × kc</c> of A into <c>Mr</c>-row strips, each row at pitch <see cref="Kc"/>; missing rows are zero.</summary>
    private static void PackA<T>(ref T source, nint rowStride, nint colStride, int rows, int kc, ref T destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int s = 0; s < rows; s += Mr)
        {
            ref T strip = ref Unsafe.Add(ref destination, s * Kc);
            ref T first = ref Unsafe.Add(ref source, s * rowStride);
            int live = Math.Min(Mr, rows - s);
            if (colStride == 1)
            {
                for (int r = 0; r < live; r++)
                {
                    MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref first, r * rowStride), kc)
                        .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref strip, r * Kc), kc));
                }
            }
            else
            {
                // Column-major (transposed) A: walk k outermost so each step reads neighbouring elements.
                for (int k = 0; k < kc; k++)
                {
                    ref T column = ref Unsafe.Add(ref first, k * colStride);
                    for (int r = 0; r < live; r++)
                    {
                        Unsafe.Add(ref strip, r * Kc + k) = Unsafe.Add(ref column, r * rowStride);
                    }
                }
            }

            for (int r = live; r < Mr; r++)
            {
                MemoryMarshal.CreateSpan(ref Unsafe.Add(ref strip, r * Kc), kc).Clear();
            }
        }
    }

    /// <summary>Packs <c>kc × cols</c> of B into strips of <c>NR</c> columns, row-major within a strip; missing columns are zero.</summary>
    private static void PackB<T, TVector, TSimd>(ref T source, nint rowStride, nint colStride, int kc, int cols, ref T destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
    {
        int nr = 2 * TSimd.Count;
        for (int s = 0; s < cols; s += nr)
        {
            ref T strip = ref Unsafe.Add(ref destination, s * Kc);
            ref T first = ref Unsafe.Add(ref source, s * colStride);
            int live = Math.Min(nr, cols - s);
            if (colStride == 1 && live == nr)
            {
                for (int k = 0; k < kc; k++)
                {
                    ref T row = ref Unsafe.Add(ref first, k * rowStride);
                    ref T packed = ref Unsafe.Add(ref strip, k * nr);
                    TSimd.Store(TSimd.Load(ref row), ref packed);
                    TSimd.Store(TSimd.Load(ref Unsafe.Add(ref row, TSimd.Count)), ref Unsafe.Add(ref packed, TSimd.Count));
                }

                continue;
            }

            // Strided or partial strip: walk each column down k (contiguous for a transposed B), then zero the padding.
            for (int j = 0; j < live; j++)
            {
                ref T column = ref Unsafe.Add(ref first, j * colStride);
                for (int k = 0; k < kc; k++)
                {
                    Unsafe.Add(ref strip, k * nr + j) = Unsafe.Add(ref column, k * rowStride);
                }
            }

            if (live < nr)
            {
                for (int k = 0; k < kc; k++)
                {
                    MemoryMarshal.CreateSpan(ref Unsafe.Add(ref strip, k * nr + live), nr - live).Clear();
                }
            }
        }
    }

    /// <summary>
    /// <c>C[rows × cols] ← α·(A strip · B strip) + (first ? β·C : C)</c>, with the product accumulated over
    /// <paramref name="kc"/> in 8 × 2 registers. Partial tiles (and strided C) go through a small buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroTile<T, TVector, TSimd>(
        ref T aStrip, nint aPitch, ref T bStrip, int kc, ref T c, nint rowStride, nint colStride, int rows, int cols, T alpha, T beta, bool first)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
    {
        int w = TSimd.Count, nr = 2 * w;

        // Rows 3r … 3r + 2 of the strip are one pointer plus 0, 1 or 2 pitches: four pointers and the pitch fit in
        // general registers, where eight row pointers would spill.
        ref T a0 = ref aStrip, a3 = ref Unsafe.Add(ref aStrip, 3 * aPitch), a6 = ref Unsafe.Add(ref aStrip, 6 * aPitch);
        ref T bk = ref bStrip;
        TVector c0 = TSimd.Zero, c1 = TSimd.Zero, c2 = TSimd.Zero, c3 = TSimd.Zero, c4 = TSimd.Zero, c5 = TSimd.Zero, c6 = TSimd.Zero, c7 = TSimd.Zero;
        TVector d0 = TSimd.Zero, d1 = TSimd.Zero, d2 = TSimd.Zero, d3 = TSimd.Zero, d4 = TSimd.Zero, d5 = TSimd.Zero, d6 = TSimd.Zero, d7 = TSimd.Zero;
        for (int k = 0; k < kc; k++)
        {
            TVector lo = TSimd.Load(ref bk), hi = TSimd.Load(ref Unsafe.Add(ref bk, w));
            TVector x = TSimd.Broadcast(a0);
            c0 = TSimd.MultiplyAdd(x, lo, c0);
            d0 = TSimd.MultiplyAdd(x, hi, d0);
            x = TSimd.Broadcast(Unsafe.Add(ref a0, aPitch));
            c1 = TSimd.MultiplyAdd(x, lo, c1);
            d1 = TSimd.MultiplyAdd(x, hi, d1);
            x = TSimd.Broadcast(Unsafe.Add(ref a0, 2 * aPitch));
            c2 = TSimd.MultiplyAdd(x, lo, c2);
            d2 = TSimd.MultiplyAdd(x, hi, d2);
            x = TSimd.Broadcast(a3);
            c3 = TSimd.MultiplyAdd(x, lo, c3);
            d3 = TSimd.MultiplyAdd(x, hi, d3);
            x = TSimd.Broadcast(Unsafe.Add(ref a3, aPitch));
            c4 = TSimd.MultiplyAdd(x, lo, c4);
            d4 = TSimd.MultiplyAdd(x, hi, d4);
            x = TSimd.Broadcast(Unsafe.Add(ref a3, 2 * aPitch));
            c5 = TSimd.MultiplyAdd(x, lo, c5);
            d5 = TSimd.MultiplyAdd(x, hi, d5);
            x = TSimd.Broadcast(a6);
            c6 = TSimd.MultiplyAdd(x, lo, c6);
            d6 = TSimd.MultiplyAdd(x, hi, d6);
            x = TSimd.Broadcast(Unsafe.Add(ref a6, aPitch));
            c7 = TSimd.MultiplyAdd(x, lo, c7);
            d7 = TSimd.MultiplyAdd(x, hi, d7);
            bk = ref Unsafe.Add(ref bk, nr);
            a0 = ref Unsafe.Add(ref a0, 1);
            a3 = ref Unsafe.Add(ref a3, 1);
            a6 = ref Unsafe.Add(ref a6, 1);
        }

        if (rows == Mr && cols == nr && colStride == 1)
        {
            UpdateRow<T, TVector, TSimd>(ref c, c0, d0, alpha, beta, first);
            UpdateRow<T, TVector, TSimd>(ref Unsafe.Add(ref c, rowStride), c1, d1, alpha, beta, first);
            UpdateRow<T, TVector, TSimd>(ref Unsafe.Add(ref c, 2 * rowStride), c2, d2, alpha, beta, first);
            UpdateRow<T, TVector, TSimd>(ref Unsafe.Add(ref c, 3 * rowStride), c3, d3, alpha, beta, first);
            UpdateRow<T, TVector, TSimd>(ref Unsafe.Add(ref c, 4 * rowStride), c4, d4, alpha, beta, first);
            UpdateRow<T, TVector, TSimd>(ref Unsafe.Add(ref c, 5 * rowStride), c5, d5, alpha, beta, first);
            UpdateRow<T, TVector, TSimd>(ref Unsafe.Add(ref c, 6 * rowStride), c6, d6, alpha, beta, first);
            UpdateRow<T, TVector, TSimd>(ref Unsafe.Add(ref c, 7 * rowStride), c7, d7, alpha, beta, first);
            return;
        }

        Span<T> tile = stackalloc T[Mr * nr];
        ref T t = ref MemoryMarshal.GetReference(tile);
        TSimd.Store(c0, ref t);
        TSimd.Store(d0, ref Unsafe.Add(ref t, w));
        TSimd.Store(c1, ref Unsafe.Add(ref t, nr));
        TSimd.Store(d1, ref Unsafe.Add(ref t, nr + w));
        TSimd.Store(c2, ref Unsafe.Add(ref t, 2 * nr));
        TSimd.Store(d2, ref Unsafe.Add(ref t, 2 * nr + w));
        TSimd.Store(c3, ref Unsafe.Add(ref t, 3 * nr));
        TSimd.Store(d3, ref Unsafe.Add(ref t, 3 * nr + w));
        TSimd.Store(c4, ref Unsafe.Add(ref t, 4 * nr));
        TSimd.Store(d4, ref Unsafe.Add(ref t, 4 * nr + w));
        TSimd.Store(c5, ref Unsafe.Add(ref t, 5 * nr));
        TSimd.Store(d5, ref Unsafe.Add(ref t, 5 * nr + w));
        TSimd.Store(c6, ref Unsafe.Add(ref t, 6 * nr));
        TSimd.Store(d6, ref Unsafe.Add(ref t, 6 * nr + w));
        TSimd.Store(c7, ref Unsafe.Add(ref t, 7 * nr));
        TSimd.Store(d7, ref Unsafe.Add(ref t, 7 * nr + w));
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < cols; j++)
            {
                ref T target = ref Unsafe.Add(ref c, r * rowStride + j * colStride);
                target = Combine(tile[r * nr + j], target, alpha, beta, first);
            }
        }
    }

    /// <summary>The vector form of <see cref="Combine"/> for one full row of a tile (bit-identical to it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateRow<T, TVector, TSimd>(ref T c, TVector lo, TVector hi, T alpha, T beta, bool first)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
    {
        ref T upper = ref Unsafe.Add(ref c, TSimd.Count);
        TVector scale = TSimd.Broadcast(alpha);
        if (!first)
        {
            TSimd.Store(TSimd.MultiplyAdd(scale, lo, TSimd.Load(ref c)), ref c);
            TSimd.Store(TSimd.MultiplyAdd(scale, hi, TSimd.Load(ref upper)), ref upper);
        }
        else if (beta == T.Zero)
        {
            TSimd.Store(TSimd.Multiply(scale, lo), ref c);
            TSimd.Store(TSimd.Multiply(scale, hi), ref upper);
        }
        else
        {
            TVector keep = TSimd.Broadcast(beta);
            TSimd.Store(TSimd.MultiplyAdd(scale, lo, TSimd.Multiply(keep, TSimd.Load(ref c))), ref c);
            TSimd.Store(TSimd.MultiplyAdd(scale, hi, TSimd.Multiply(keep, TSimd.Load(ref upper))), ref upper);
        }
    }

    /// <summary>One element's update: <c>α·acc + β·C</c> on the first block (C unread when β = 0), <c>α·acc + C</c> after.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Combine<T>(T accumulated, T current, T alpha, T beta, bool first)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        !first ? T.FusedMultiplyAdd(alpha, accumulated, current)
        : beta == T.Zero ? alpha * accumulated
        : T.FusedMultiplyAdd(alpha, accumulated, beta * current);

    private static int CeilDiv(int value, int divisor) => (value + divisor - 1) / divisor;

    private static long CeilDiv(long value, long divisor) => (value + divisor - 1) / divisor;

    private static int RoundUp(int value, int multiple) => CeilDiv(value, multiple) * multiple;
}
