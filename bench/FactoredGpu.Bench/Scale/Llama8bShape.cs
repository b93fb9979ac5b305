namespace FactoredGpu.Bench.Scale;

/// <summary>The sizes of a Llama-layout model with grouped-query attention, and the work circuits does on it.</summary>
internal sealed record Llama8bShape(int Layers, int Heads, int KeyValueHeads, int DModel, int DHead, int DMlp, int Vocabulary)
{
    /// <summary>Meta-Llama-3-8B: 32 layers, 32 heads, 8 key/value heads, d_model 4096, d_head 128, d_mlp 14336, vocabulary 128256.</summary>
    public static Llama8bShape Llama3_8B { get; } = new(32, 32, 8, 4096, 128, 14336, 128256);

    /// <summary>
    /// FLOPs of the full OV stage's products: <c>W_U·W_E</c> once (2·d²·V), <c>(W_U·W_E)·W_V</c> per key/value head
    /// (2·d²·dh·L·KV), <c>W_O·(…)</c> per query head (2·dh²·d·L·H); the <c>dh×dh</c> eigenvalue solves are not counted.
    /// </summary>
    public double FullOvFlops =>
        2.0 * DModel * DModel * Vocabulary + 2.0 * DModel * DModel * DHead * Layers * KeyValueHeads + 2.0 * DHead * DHead * DModel * Layers * Heads;

    /// <summary>FLOPs of one <c>B·A</c> per query head (<c>dh×d·d×dh</c>), the product the OV and QK eigenvalues each start from.</summary>
    public double RotationFlops => 2.0 * DHead * DHead * DModel * Layers * Heads;
}
