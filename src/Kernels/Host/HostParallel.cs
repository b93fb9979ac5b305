namespace FactoredGpu.Kernels.Host;

/// <summary>
/// Runs a fixed list of work items on all cores, or inline when the work is too small to pay for a
/// <see cref="Parallel.For(int, int, Action{int})"/> (a few microseconds). Items never share an output element, so the
/// result does not depend on which thread ran which item.
/// </summary>
internal static class HostParallel
{
    /// <summary>Below this many multiply-adds (or elements touched) a call stays on the calling thread.</summary>
    public const long MinParallelWork = 1L << 18;

    public static void For<TLocal>(int count, long work, Func<TLocal> init, Action<int, TLocal> body, Action<TLocal> release)
    {
        if (count == 1 || work < MinParallelWork || Environment.ProcessorCount == 1)
        {
            TLocal local = init();
            try
            {
                for (int i = 0; i < count; i++)
                {
                    body(i, local);
                }
            }
            finally
            {
                release(local);
            }

            return;
        }

        Parallel.For(
            0,
            count,
            init,
            (i, _, local) =>
            {
                body(i, local);
                return local;
            },
            release);
    }

    public static void For(int count, long work, Action<int> body)
    {
        if (count == 1 || work < MinParallelWork || Environment.ProcessorCount == 1)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        Parallel.For(0, count, body);
    }
}
