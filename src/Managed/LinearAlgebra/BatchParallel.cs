namespace FactoredGpu.LinearAlgebra;

/// <summary>
/// Runs an independent per-matrix computation over a batch: fixed groups of consecutive matrices, sized so that a
/// group is worth a thread hop, go to <see cref="Parallel.For(int, int, Action{int})"/>; small batches run inline.
/// Each matrix is computed by the same sequential code whatever group or thread it lands on, so results are
/// bit-identical for any core count.
/// </summary>
internal static class BatchParallel
{
    /// <summary>Floating-point operations below which a group is not worth scheduling on its own.</summary>
    private const double MinGroupWork = 1 << 18;

    /// <summary>Processes matrices 0…count−1.</summary>
    /// <typeparam name="TScratch">Per-thread scratch buffers.</typeparam>
    /// <param name="count">Matrices in the batch.</param>
    /// <param name="workPerMatrix">Approximate floating-point operations per matrix.</param>
    /// <param name="createScratch">Makes one thread's scratch.</param>
    /// <param name="body">Processes matrix i; returns false when it failed to converge.</param>
    /// <returns>The smallest index whose <paramref name="body"/> returned false, or −1.</returns>
    public static int For<TScratch>(int count, double workPerMatrix, Func<TScratch> createScratch, Func<int, TScratch, bool> body)
    {
        int groupSize = (int)Math.Clamp(Math.Ceiling(MinGroupWork / Math.Max(workPerMatrix, 1)), 1, Math.Max(count, 1));
        int groups = (count + groupSize - 1) / groupSize;
        int firstFailure = int.MaxValue;
        var gate = new Lock();
        if (groups <= 1 || Environment.ProcessorCount == 1)
        {
            if (count > 0)
            {
                firstFailure = RunGroup(0, count, createScratch(), body);
            }
        }
        else
        {
            Parallel.For(
                0,
                groups,
                createScratch,
                (group, _, scratch) =>
                {
                    int failure = RunGroup(group * groupSize, Math.Min(count, (group + 1) * groupSize), scratch, body);
                    if (failure != int.MaxValue)
                    {
                        lock (gate)
                        {
                            firstFailure = Math.Min(firstFailure, failure);
                        }
                    }

                    return scratch;
                },
                _ => { });
        }

        return firstFailure == int.MaxValue ? -1 : firstFailure;
    }

    private static int RunGroup<TScratch>(int start, int end, TScratch scratch, Func<int, TScratch, bool> body)
    {
        for (int i = start; i < end; i++)
        {
            if (!body(i, scratch))
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
