using System.Numerics;

namespace FactoredGpu.Circuits;

/// <summary>
/// The model-level Q-, K- and V-composition scores of <see cref="CompositionScores.ForModel"/>, each
/// <c>[layers, heads, layers, heads]</c> and zero where the second head's layer is not later than the first's.
/// </summary>
/// <typeparam name="TScalar">The element type.</typeparam>
public sealed class CompositionScoreTables<TScalar> : IDisposable
    where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
{
    internal CompositionScoreTables(StridedTensor<TScalar> q, StridedTensor<TScalar> k, StridedTensor<TScalar> v)
    {
        Q = q;
        K = k;
        V = v;
    }

    /// <summary>Q-composition: <c>(OV, QK)</c>, the earlier head's output read by the later head's queries.</summary>
    public StridedTensor<TScalar> Q { get; }

    /// <summary>K-composition: <c>(OV, QKᵀ)</c>, the earlier head's output read by the later head's keys.</summary>
    public StridedTensor<TScalar> K { get; }

    /// <summary>V-composition: <c>(OV, OV)</c>, the earlier head's output read by the later head's values.</summary>
    public StridedTensor<TScalar> V { get; }

    /// <summary>Releases the three tables.</summary>
    public void Dispose()
    {
        Q.Dispose();
        K.Dispose();
        V.Dispose();
    }
}
