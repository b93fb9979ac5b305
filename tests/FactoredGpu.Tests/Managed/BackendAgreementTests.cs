using FactoredGpu.Kernels;
using FactoredGpu.Kernels.Host;
using FactoredGpu.Tests.Support;
using Xunit;

namespace FactoredGpu.Tests.Managed;

/// <summary>
/// The same <see cref="FactoredMatrix{TScalar}"/> computations on ILGPU's CPU accelerator (the GPU kernels on CPU
/// threads) and on the host SIMD backend: tensors, products, reductions and the SVD all go through the backend.
/// </summary>
public sealed class BackendAgreementTests : IDisposable
{
    private readonly IKernels _ilgpu = Accelerators.Create(AcceleratorKind.IlgpuCpu);

    public void Dispose() => _ilgpu.Dispose();

    [Fact]
    public void FactoredMatrix_members_agree_across_backends_in_double() => Agree<double>(1e-12);

    [Fact]
    public void FactoredMatrix_members_agree_across_backends_in_float() => Agree<float>(2e-5);

    /// <summary>Both backends are correctly rounded to their element type; the tolerance is a few ulps of the data scale.</summary>
    private void Agree<T>(double tolerance)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(11);
        T[] a = Dense.Random(random, 3 * 17 * 5).Select(T.CreateTruncating).ToArray();
        T[] b = Dense.Random(random, 5 * 17).Select(T.CreateTruncating).ToArray();
        T[] m = Dense.Random(random, 17 * 4).Select(T.CreateTruncating).ToArray();

        double[][] Run(IKernels backend)
        {
            using var at = StridedTensor<T>.FromArray(backend, a, 3, 17, 5);
            using var bt = StridedTensor<T>.FromArray(backend, b, 5, 17);
            using var mt = StridedTensor<T>.FromArray(backend, m, 17, 4);
            using var f = new FactoredMatrix<T>(at, bt);
            using var ab = f.AB();
            using var ba = f.BA();
            using var norm = f.Norm();
            using var eigen = f.Eigenvalues();
            using var s = f.S;
            using var values = f.SingularValues();
            using var product = f * mt;
            using var productDense = product.Factored!.AB();
            using var scaled = f * T.CreateTruncating(-0.5);
            using var scaledDense = scaled.AB();
            using var corner = f.GetCorner();
            using var row = f[1, 2..5];
            using var rowDense = row.AB();
            return [.. new[] { ab, ba, norm, eigen.Real, eigen.Imaginary, s, values, productDense, scaledDense, corner, rowDense }
                .Select(t => t.ToArray().Select(x => double.CreateTruncating(x)).ToArray())];
        }

        double[][] host = Run(HostKernels.Shared), ilgpu = Run(_ilgpu);
        string[] names = ["AB", "BA", "Norm", "Re λ", "Im λ", "S", "SingularValues", "F·M", "s·F", "GetCorner", "F[1, 2..5]"];
        for (int i = 0; i < names.Length; i++)
        {
            double scale = Math.Max(1, host[i].Select(Math.Abs).DefaultIfEmpty(0).Max());
            Close.All(host[i], ilgpu[i], 0, tolerance * scale, names[i]);
        }
    }
}
