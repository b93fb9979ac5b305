using System.Numerics;
using ILGPU;
using ILGPU.Runtime;

namespace FactoredGpu.Kernels.Ilgpu;

/// <summary>
/// Batched <c>‖A·B‖²_F = Σ (AᵀA)∘(BBᵀ)</c> without forming the product: the two m×m Grams with
/// <see cref="BatchedGram"/> (once per distinct factor, so broadcast factors cost one Gram), then one group per batch
/// element sums their elementwise product.
/// </summary>
/// <remarks>Accumulates in <c>T</c>, in a fixed order (256 strided partial sums, then a tree): deterministic.</remarks>
internal static class FrobeniusOfProduct
{
    /// <summary>Group <c>b</c> reduces the Grams at <c>gramAt[b]</c> (of A) and <c>gramAt[count + b]</c> (of B).</summary>
    internal static void Kernel<T>(ArrayView<T> gramsA, ArrayView<T> gramsB, ArrayView<long> gramAt, ArrayView<T> result, int count, int m)
        where T : unmanaged, INumber<T>
    {
        ArrayView<T> scratch = SharedMemory.Allocate<T>(GroupSum.Threads);
        int batch = Grid.IdxX;
        long ga = gramAt[batch], gb = gramAt[count + batch], entries = (long)m * m;
        T partial = default;
        for (long e = Group.IdxX; e < entries; e += GroupSum.Threads)
        {
            partial += gramsA[ga + e] * gramsB[gb + e];
        }

        T total = GroupSum.Sum(scratch, partial);
        if (Group.IdxX == 0)
        {
            result[batch] = total;
        }
    }

    /// <summary>The loaded reduction kernel, and the Gram launcher it feeds from.</summary>
    internal sealed class Launcher<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly Accelerator _accelerator;
        private readonly BatchedGram.Launcher<T> _gram;
        private readonly Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<long>, ArrayView<T>, int, int> _kernel;

        public Launcher(Accelerator accelerator, BatchedGram.Launcher<T> gram)
        {
            _accelerator = accelerator;
            _gram = gram;
            _kernel = accelerator.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<long>, ArrayView<T>, int, int>(Kernel);
        }

        /// <summary>Runs both stages on the default stream and synchronizes (the Gram scratch is freed here).</summary>
        public void Run(in MatrixBatch<T> a, in MatrixBatch<T> b, ArrayView<T> aData, ArrayView<T> bData, ArrayView<T> result)
        {
            int count = a.Count, m = a.Cols;
            if (count == 0)
            {
                return;
            }

            (long[] distinctA, long[] gramOfA) = Distinct(a.Offsets, m);
            (long[] distinctB, long[] gramOfB) = Distinct(b.Offsets, m);
            long[] gramOffsets = new long[Math.Max(distinctA.Length, distinctB.Length)];
            for (int g = 0; g < gramOffsets.Length; g++)
            {
                gramOffsets[g] = (long)g * m * m;
            }

            using MemoryBuffer1D<long, Stride1D.Dense> offsets = IlgpuMemory.Upload(_accelerator, distinctA, distinctB, gramOffsets, gramOfA, gramOfB);
            using MemoryBuffer1D<T, Stride1D.Dense> gramsA = IlgpuMemory.Allocate<T>(_accelerator, Math.Max(distinctA.LongLength * m * m, 1));
            using MemoryBuffer1D<T, Stride1D.Dense> gramsB = IlgpuMemory.Allocate<T>(_accelerator, Math.Max(distinctB.LongLength * m * m, 1));
            ArrayView<long> view = offsets.View;
            int at = 0;
            ArrayView<long> Next(int length)
            {
                ArrayView<long> part = view.SubView(at, length);
                at += length;
                return part;
            }

            ArrayView<long> xa = Next(distinctA.Length), xb = Next(distinctB.Length), g0 = Next(gramOffsets.Length), maps = Next(2 * count);
            var gramStrides = new Strides(m, 1);
            _gram.Run(distinctA.Length, new BatchOperand<T>(aData, xa, a.Rows, m, Strides.Of(a)), new BatchOperand<T>(gramsA.View, g0, m, m, gramStrides));
            _gram.Run(distinctB.Length, new BatchOperand<T>(bData, xb, b.Cols, m, Strides.Of(b).Transposed), new BatchOperand<T>(gramsB.View, g0, m, m, gramStrides));
            _kernel(new KernelConfig(count, GroupSum.Threads), gramsA.View, gramsB.View, maps, result, count, m);
            _accelerator.DefaultStream.Synchronize();
        }

        /// <summary>The distinct offsets in first-seen order, and for each batch element the start of its Gram.</summary>
        private static (long[] Distinct, long[] GramAt) Distinct(long[] offsets, int m)
        {
            var index = new Dictionary<long, int>();
            var distinct = new List<long>();
            var gramAt = new long[offsets.Length];
            for (int n = 0; n < offsets.Length; n++)
            {
                if (!index.TryGetValue(offsets[n], out int g))
                {
                    g = distinct.Count;
                    index.Add(offsets[n], g);
                    distinct.Add(offsets[n]);
                }

                gramAt[n] = (long)g * m * m;
            }

            return ([.. distinct], gramAt);
        }
    }
}
