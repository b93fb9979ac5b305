using System.Numerics;
using FactoredGpu.Kernels;
using FactoredGpu.Models;

namespace FactoredGpu.Circuits;

/// <summary>
/// A model's circuit factors on one backend, over the leading dimensions <c>[L, KV, G]</c> (<c>G = H / KV</c> query heads
/// per key/value head): <c>W_Q</c> and <c>W_O</c> split their head axis, <c>W_K</c> and <c>W_V</c> broadcast over
/// <c>G</c> with stride 0. Flattened row-major, <c>[KV, G]</c> is the query head order, so results read as <c>[L, H]</c>.
/// </summary>
/// <typeparam name="TScalar">The element type.</typeparam>
internal sealed class GroupedCircuits<TScalar> : IDisposable
    where TScalar : unmanaged, IFloatingPointIeee754<TScalar>
{
    private readonly List<IDisposable> _owned = [];

    /// <summary>Places the factors on <paramref name="backend"/> (views where they already live there, else copies).</summary>
    public GroupedCircuits(TransformerWeights<TScalar> weights, IKernels backend)
    {
        int group = weights.Config.QueryGroup;
        if (weights.Tie is { } tie)
        {
            // W_E = X·P_d and W_U = P_d·diag(g)·Xᵀ·P_V over one raw X: the planner forms W_U·W_E as a Gram product.
            var x = Own(OnBackend(tie.Embedding, backend));
            var xT = Own(x.Transpose());
            var scale = Own(OnBackend(tie.Scale, backend));
            int d = weights.DModel, v = weights.DVocab;
            ChainFactor<TScalar> Centring(int n) => Own(ChainFactor<TScalar>.Centring(n));
            Embedding = tie.CentredModel ? [Own(ChainFactor<TScalar>.Dense(x)), Centring(d)] : [Own(ChainFactor<TScalar>.Dense(x))];
            ChainFactor<TScalar>[] unembedding = [Own(ChainFactor<TScalar>.Diagonal(scale)), Own(ChainFactor<TScalar>.Dense(xT)), Centring(v)];
            Unembedding = tie.CentredModel ? [Centring(d), .. unembedding] : unembedding;
        }
        else
        {
            Embedding = [Own(ChainFactor<TScalar>.Dense(Own(OnBackend(weights.WE, backend))))];
            Unembedding = [Own(ChainFactor<TScalar>.Dense(Own(OnBackend(weights.WU, backend))))];
        }

        var wQ = Own(OnBackend(weights.WQ, backend));
        var wK = Own(OnBackend(weights.WK, backend));
        var wV = Own(OnBackend(weights.WV, backend));
        var wO = Own(OnBackend(weights.WO, backend));
        WV = Own(QueryGroups.Broadcast(wV, group));
        WO = Own(QueryGroups.Split(wO, group));
        var keys = Own(QueryGroups.Broadcast(wK, group));
        var keysT = Own(keys.Transpose());
        var queries = Own(QueryGroups.Split(wQ, group));
        OV = Own(new FactoredMatrix<TScalar>(WV, WO));
        QK = Own(new FactoredMatrix<TScalar>(queries, keysT));
    }

    /// <summary><c>W_E [V, d]</c> as chain factors: the matrix, or <c>X·P_d</c> (<c>X</c> alone for RMSNorm) when tied.</summary>
    public ChainFactor<TScalar>[] Embedding { get; }

    /// <summary><c>W_U [d, V]</c> as chain factors: the matrix, or <c>P_d·diag(g)·Xᵀ·P_V</c> (no <c>P_d</c> for RMSNorm) when tied.</summary>
    public ChainFactor<TScalar>[] Unembedding { get; }

    /// <summary><c>W_V [L, KV, G, d, dh]</c>, stride 0 over <c>G</c>.</summary>
    public StridedTensor<TScalar> WV { get; }

    /// <summary><c>W_O [L, KV, G, dh, d]</c>.</summary>
    public StridedTensor<TScalar> WO { get; }

    /// <summary><c>FactoredMatrix(W_V, W_O)</c> <c>[L, KV, G, d, d]</c>.</summary>
    public FactoredMatrix<TScalar> OV { get; }

    /// <summary><c>FactoredMatrix(W_Q, W_Kᵀ)</c> <c>[L, KV, G, d, d]</c>.</summary>
    public FactoredMatrix<TScalar> QK { get; }

    /// <summary>The lazy full OV circuit <c>W_E·W_V·W_O·W_U</c> <c>[L, KV, G, V, V]</c>, owned by the caller.</summary>
    public MatrixChain<TScalar> FullOv() => FullOv(WV, WO);

    /// <summary>The lazy full OV circuit <c>W_E·wV·wO·W_U</c> of some heads' value and output weights, owned by the caller.</summary>
    public MatrixChain<TScalar> FullOv(StridedTensor<TScalar> wV, StridedTensor<TScalar> wO)
    {
        using ChainFactor<TScalar> v = ChainFactor<TScalar>.Dense(wV), o = ChainFactor<TScalar>.Dense(wO);
        return MatrixChain<TScalar>.Of([.. Embedding, v, o, .. Unembedding]);
    }

    /// <summary>Releases the views and copies, newest first.</summary>
    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
    }

    private static StridedTensor<TScalar> OnBackend(StridedTensor<TScalar> tensor, IKernels backend) =>
        ReferenceEquals(tensor.Backend, backend)
            ? tensor.BroadcastTo(tensor.Shape.ToArray())
            : StridedTensor<TScalar>.FromArray(backend, tensor.ToArray(), tensor.Shape.ToArray());

    private T Own<T>(T item)
        where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }
}
