using FactoredGpu.Bench.Workloads;
using TorchSharp;
using static TorchSharp.torch;

namespace FactoredGpu.Bench.Torch;

/// <summary>
/// TransformerLens's <c>FactoredMatrix</c> algorithms as its Python code runs them, on libtorch through TorchSharp:
/// eager products, <c>torch.linalg.eig</c> with eigenvectors, <c>svd()</c> as three SVDs. Each call returns host
/// numbers, so the work is finished when it returns; every tensor it makes is disposed on return.
/// </summary>
internal static class TransformerLensOnTorch
{
    /// <summary>W1: <c>OV.eigenvalues</c> = <c>torch.linalg.eig(B @ A).eigenvalues</c>, then the copying scores.</summary>
    public static float[] EigenCopyingScores(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return CopyingScores(linalg.eig(b.matmul(a)).Item1);
    }

    /// <summary>
    /// W2: <c>OV.svd()</c> (<c>torch.svd</c> of A and of B, then of the middle <c>Sa[:, None]·Vaᵀ @ Ub·Sb[None, :]</c>,
    /// and U, V as the products TransformerLens forms); returns S.
    /// </summary>
    public static float[] SingularValues(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return Svd(a, b).ToArray();
    }

    /// <summary>W2: <c>OV.norm()</c> = <c>S.pow(2).sum(-1).sqrt()</c> through <see cref="SingularValues"/>'s <c>svd()</c>.</summary>
    public static float[] Norms(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return Svd(a, b).pow(2).sum(-1).sqrt().data<float>().ToArray();
    }

    /// <summary>
    /// W3: <c>(W_E @ OV @ W_U).eigenvalues</c>: <c>W_E @ FactoredMatrix(W_V, W_O)</c> is <c>FactoredMatrix(W_E @ W_V, W_O)</c>
    /// (A [L, H, V, dh]), <c>@ W_U</c> makes B = <c>W_O @ W_U</c> [L, H, dh, V], then <c>eig(B @ A)</c>.
    /// </summary>
    public static float[] FullOvCopyingScores(Tensor we, Tensor wv, Tensor wo, Tensor wu)
    {
        using var scope = NewDisposeScope();
        Tensor a = we.matmul(wv), b = wo.matmul(wu);
        return CopyingScores(linalg.eig(b.matmul(a)).Item1);
    }

    /// <summary>W3 in FactoredGpu's association on libtorch: <c>eigvals(W_O @ ((W_U @ W_E) @ W_V))</c>, W_U·W_E once.</summary>
    public static float[] FullOvCopyingScoresOurPlan(Tensor we, Tensor wv, Tensor wo, Tensor wu)
    {
        using var scope = NewDisposeScope();
        return CopyingScores(linalg.eigvals(wo.matmul(wu.matmul(we).matmul(wv))));
    }

    /// <summary><c>A @ B</c> (<c>torch.matmul</c>: a new output tensor each call, as PyTorch code gets it); returns one element.</summary>
    public static float Matmul(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.matmul(b).flatten()[0].item<float>();
    }

    private static Tensor Svd(Tensor a, Tensor b)
    {
        var (ua, sa, vha) = linalg.svd(a, fullMatrices: false);
        var (ub, sb, vhb) = linalg.svd(b, fullMatrices: false);
        Tensor middle = (sa.unsqueeze(-1) * vha).matmul(ub) * sb.unsqueeze(-2);
        var (um, sm, vhm) = linalg.svd(middle, fullMatrices: false);
        // svd() returns U and V too (cached whole, and norm() reads S from it): libtorch is eager, so these run here.
        _ = ua.matmul(um);
        _ = vhb.mT.matmul(vhm.mT);
        return sm;
    }

    /// <summary>TransformerLens's copying score <c>Re(Σλ) / Σ|λ|</c> per head, on libtorch.</summary>
    private static float[] CopyingScores(Tensor eigenvalues) =>
        (eigenvalues.sum(-1) / eigenvalues.abs().sum(-1)).real.contiguous().data<float>().ToArray();

    private static float[] ToArray(this Tensor tensor) => tensor.contiguous().data<float>().ToArray();

    /// <summary>A float tensor holding a copy of <paramref name="data"/>, of <paramref name="shape"/>.</summary>
    public static Tensor FromData(float[] data, int[] shape) => tensor(data, [.. shape.Select(d => (long)d)]);

    /// <summary>W_V and W_O on libtorch: the same numbers as the suites' (<see cref="ModelShape.OvData"/>).</summary>
    public static (Tensor WV, Tensor WO) Ov(ModelShape model)
    {
        var (wv, wo) = model.OvData();
        return (FromData(wv, model.WVShape), FromData(wo, model.WOShape));
    }

    /// <summary>W_E and W_U on libtorch: the same numbers as the suites' (<see cref="ModelShape.EmbeddingData"/>).</summary>
    public static (Tensor WE, Tensor WU) Embeddings(ModelShape model)
    {
        var (we, wu) = model.EmbeddingData();
        return (FromData(we, model.WEShape), FromData(wu, model.WUShape));
    }
}
