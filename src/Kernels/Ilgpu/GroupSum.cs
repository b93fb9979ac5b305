using System.Numerics;
using ILGPU;

namespace FactoredGpu.Kernels.Ilgpu;

/// <summary>
/// A fixed-order tree sum over one group of <see cref="Threads"/> threads in shared memory: the same pairs are added
/// in the same order on every run, so reductions are bit-reproducible (no atomics on floating-point values).
/// </summary>
internal static class GroupSum
{
    /// <summary>The group size of every reduction kernel (a power of two).</summary>
    public const int Threads = 256;

    /// <summary>Sums <paramref name="value"/> over the group; every thread must call it. Thread 0 gets the total.</summary>
    /// <param name="scratch">Shared memory of <see cref="Threads"/> elements.</param>
    /// <param name="value">This thread's partial sum.</param>
    public static T Sum<T>(ArrayView<T> scratch, T value)
        where T : unmanaged, INumber<T>
    {
        int tid = Group.IdxX;
        scratch[tid] = value;
        Group.Barrier();
        for (int half = Threads / 2; half > 0; half >>= 1)
        {
            if (tid < half)
            {
                scratch[tid] += scratch[tid + half];
            }

            Group.Barrier();
        }

        return scratch[0];
    }
}
