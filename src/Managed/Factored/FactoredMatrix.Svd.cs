using System.Numerics;
using FactoredGpu.Kernels.Host;
using FactoredGpu.LinearAlgebra;

namespace FactoredGpu;

/// <content>The singular value decomposition and what is built from it.</content>
public sealed partial class FactoredMatrix<TScalar>
{
    /// <summary>
    /// The thin SVD <c>A·B = U·diag(S)·Vᵀ</c> per leading index, with <c>k = min(l, m, r)</c>:
    /// <c>U [..., l, k]</c>, <c>S [..., k]</c> descending, <c>V [..., r, k]</c> (V itself, not Vᵀ).
    /// </summary>
    /// <returns>New views of the cached decomposition (the caller owns and may dispose them).</returns>
    /// <remarks>
    /// Computed in float64 on the host from thin QR factorizations <c>A = Qa·Ra</c> and <c>Bᵀ = Qb·Rb</c> and the SVD of
    /// the small core <c>Ra·Rbᵀ</c> (at most <c>m×m</c>); the <c>l×r</c> product is never formed. Singular vectors follow
    /// a fixed sign rule: the largest-magnitude entry of each column of U is positive (the pair U[:, j], V[:, j] is
    /// flipped together; TransformerLens's signs may differ column by column). Cached: later calls, <see cref="U"/>,
    /// <see cref="S"/> and <see cref="V"/> are free; a failed computation is not cached.
    /// </remarks>
    /// <exception cref="ArithmeticException">The SVD iteration did not converge (LAPACK's limit; not seen in practice).</exception>
    public (StridedTensor<TScalar> U, StridedTensor<TScalar> S, StridedTensor<TScalar> V) Svd()
    {
        var svd = Decomposition;
        return (Share(svd.U), Share(svd.S), Share(svd.V));
    }

    /// <summary>The left singular vectors <c>[..., l, k]</c> (see <see cref="Svd"/>); a new view owned by the caller.</summary>
    public StridedTensor<TScalar> U => Share(Decomposition.U);

    /// <summary>The singular values <c>[..., k]</c>, descending (see <see cref="Svd"/>); a new view owned by the caller.</summary>
    public StridedTensor<TScalar> S => Share(Decomposition.S);

    /// <summary>The right singular vectors <c>[..., r, k]</c> (see <see cref="Svd"/>); a new view owned by the caller.</summary>
    public StridedTensor<TScalar> V => Share(Decomposition.V);

    /// <summary>The same matrix with both factors carrying the singular values evenly: <c>(U·√S, √S·Vᵀ)</c>, hidden dim <c>k</c>.</summary>
    /// <returns>The rebalanced factored matrix.</returns>
    public FactoredMatrix<TScalar> MakeEven()
    {
        var svd = Decomposition;
        using var left = svd.ScaledU(Math.Sqrt);
        using var right = svd.ScaledVt(Math.Sqrt);
        return new FactoredMatrix<TScalar>(left, right);
    }

    /// <summary>Collapses onto the right: <c>diag(S)·Vᵀ</c>, shape <c>[..., k, r]</c>.</summary>
    /// <returns>The dense tensor.</returns>
    public StridedTensor<TScalar> CollapseL() => Decomposition.ScaledVt(s => s);

    /// <summary>Collapses onto the left: <c>U·diag(S)</c>, shape <c>[..., l, k]</c>.</summary>
    /// <returns>The dense tensor.</returns>
    public StridedTensor<TScalar> CollapseR() => Decomposition.ScaledU(s => s);

    private SvdCache Decomposition
    {
        get
        {
            lock (_svdLock)
            {
                return _svd ??= ComputeSvd();
            }
        }
    }

    private static StridedTensor<TScalar> Share(StridedTensor<TScalar> cached) => cached.BroadcastTo(cached.Shape.ToArray());

    private SvdCache ComputeSvd()
    {
        int count = checked((int)Shapes.Product(LeadingShape)), l = LDim, m = MDim, r = RDim;
        int ka = Math.Min(l, m), kb = Math.Min(r, m), k = Math.Min(ka, kb);
        double[] a = HostDouble.From(A);
        double[] bt;
        using (var transposed = B.Transpose())
        {
            bt = HostDouble.From(transposed);
        }

        var qa = new double[count * l * ka];
        var ra = new double[count * ka * m];
        var qb = new double[count * r * kb];
        var rb = new double[count * kb * m];
        BatchedQr.Decompose(a, l, m, count, qa, ra);
        BatchedQr.Decompose(bt, r, m, count, qb, rb);

        var host = HostKernels.Shared;
        using var raT = StridedTensor<double>.FromArray(host, ra, count, ka, m);
        using var rbT = StridedTensor<double>.FromArray(host, rb, count, kb, m);
        using var rbTt = rbT.Transpose();
        using var core = raT * rbTt;
        var uc = new double[count * ka * k];
        var s = new double[count * k];
        var vc = new double[count * kb * k];
        BatchedSvd.Decompose(core.ToArray(), ka, kb, count, uc, s, vc);

        using var qaT = StridedTensor<double>.FromArray(host, qa, count, l, ka);
        using var ucT = StridedTensor<double>.FromArray(host, uc, count, ka, k);
        using var qbT = StridedTensor<double>.FromArray(host, qb, count, r, kb);
        using var vcT = StridedTensor<double>.FromArray(host, vc, count, kb, k);
        using var u = qaT * ucT;
        using var v = qbT * vcT;
        double[] uData = u.ToArray(), vData = v.ToArray();
        NormalizeSigns(uData, vData, count, l, r, k);
        return new SvdCache(this, uData, s, vData, k);
    }

    /// <summary>Flips each pair (U[:, j], V[:, j]) so that the largest-magnitude entry of U[:, j] is positive.</summary>
    private static void NormalizeSigns(double[] u, double[] v, int count, int l, int r, int k)
    {
        for (int batch = 0; batch < count; batch++)
        {
            for (int j = 0; j < k; j++)
            {
                int largest = 0;
                for (int i = 1; i < l; i++)
                {
                    if (Math.Abs(u[((batch * l) + i) * k + j]) > Math.Abs(u[((batch * l) + largest) * k + j]))
                    {
                        largest = i;
                    }
                }

                if (u[((batch * l) + largest) * k + j] >= 0)
                {
                    continue;
                }

                for (int i = 0; i < l; i++)
                {
                    u[((batch * l) + i) * k + j] = -u[((batch * l) + i) * k + j];
                }

                for (int i = 0; i < r; i++)
                {
                    v[((batch * r) + i) * k + j] = -v[((batch * r) + i) * k + j];
                }
            }
        }
    }

    /// <summary>The float64 decomposition and its tensors on the matrix's backend.</summary>
    private sealed class SvdCache : IDisposable
    {
        private readonly FactoredMatrix<TScalar> _owner;
        private readonly double[] _u, _s, _v;
        private readonly int _k;

        public SvdCache(FactoredMatrix<TScalar> owner, double[] u, double[] s, double[] v, int k)
        {
            _owner = owner;
            (_u, _s, _v, _k) = (u, s, v, k);
            var backend = owner.Backend;
            U = HostDouble.To<TScalar>(backend, u, Shapes.Concat(owner.LeadingShape, owner.LDim, k));
            S = HostDouble.To<TScalar>(backend, s, Shapes.Concat(owner.LeadingShape, k));
            V = HostDouble.To<TScalar>(backend, v, Shapes.Concat(owner.LeadingShape, owner.RDim, k));
        }

        public StridedTensor<TScalar> U { get; }

        public StridedTensor<TScalar> S { get; }

        public StridedTensor<TScalar> V { get; }

        /// <summary><c>U·diag(f(S))</c>, shape <c>[..., l, k]</c>.</summary>
        public StridedTensor<TScalar> ScaledU(Func<double, double> f)
        {
            int l = _owner.LDim;
            var result = new double[_u.Length];
            for (int i = 0; i < result.Length; i++)
            {
                int batch = i / (l * _k), column = i % _k;
                result[i] = _u[i] * f(_s[batch * _k + column]);
            }

            return HostDouble.To<TScalar>(_owner.Backend, result, Shapes.Concat(_owner.LeadingShape, l, _k));
        }

        /// <summary><c>diag(f(S))·Vᵀ</c>, shape <c>[..., k, r]</c>.</summary>
        public StridedTensor<TScalar> ScaledVt(Func<double, double> f)
        {
            int r = _owner.RDim;
            var result = new double[_v.Length];
            for (int i = 0; i < result.Length; i++)
            {
                int batch = i / (_k * r), row = i / r % _k, column = i % r;
                result[i] = f(_s[batch * _k + row]) * _v[(batch * r + column) * _k + row];
            }

            return HostDouble.To<TScalar>(_owner.Backend, result, Shapes.Concat(_owner.LeadingShape, _k, r));
        }

        public void Dispose()
        {
            U.Dispose();
            S.Dispose();
            V.Dispose();
        }
    }
}
