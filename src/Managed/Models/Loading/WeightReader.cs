using System.Numerics;
using System.Numerics.Tensors;
using FactoredGpu.Kernels.Host;

namespace FactoredGpu.Models;

/// <summary>
/// Reads TransformerLens tensors out of a checkpoint through <see cref="TensorView"/>s: checks each stored tensor's
/// presence, shape and finiteness, converts it to <typeparamref name="T"/> once (the last one is kept, so a fused tensor
/// feeding three views is read once), and gathers the view into a new host tensor, stacked over layers for block tensors.
/// </summary>
/// <typeparam name="T">The element type to convert to.</typeparam>
/// <param name="files">The checkpoint.</param>
/// <param name="config">The configuration the shapes come from, named in shape errors.</param>
/// <param name="configSource">Where <paramref name="config"/> came from, for messages.</param>
internal sealed class WeightReader<T>(CheckpointFiles files, ModelConfig config, string configSource) : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private string? _lastName;
    private T[] _last = [];

    /// <summary>A tensor outside the blocks.</summary>
    public StridedTensor<T> Read(string tlName, TensorSource source)
    {
        var result = Allocate(tlName, source.View.Shape);
        Gather(Stored(tlName, source.Name, source.View.Stored), source.View, Host(result));
        return result;
    }

    /// <summary>A block tensor of every layer, stacked <c>[L, …]</c>.</summary>
    public StridedTensor<T> Stack(string tlName, LayerSource source) => StackTogether((tlName, source))[0];

    /// <summary>
    /// Several block tensors, each stacked <c>[L, …]</c>, read layer by layer so that views of one fused tensor (GPT-2's
    /// <c>c_attn</c>, GPT-NeoX's <c>query_key_value</c>) convert it once per layer.
    /// </summary>
    public StridedTensor<T>[] StackTogether(params (string TlName, LayerSource Source)[] parts)
    {
        int layers = config.NLayers;
        var results = parts.Select(p => Allocate(p.TlName.Replace("{0}", "*", StringComparison.Ordinal), [layers, .. p.Source.View.Shape])).ToArray();
        for (int layer = 0; layer < layers; layer++)
        {
            string at = layer.ToString(System.Globalization.CultureInfo.InvariantCulture);
            for (int i = 0; i < parts.Length; i++)
            {
                var (tlName, source) = parts[i];
                var output = Host(results[i]);
                int size = output.Length / layers;
                Gather(Stored(tlName.Replace("{0}", at, StringComparison.Ordinal), source.Name(layer), source.View.Stored), source.View, output.AsSpan(layer * size, size));
            }
        }

        return results;
    }

    /// <summary><see cref="Stack"/>, or zeros of <c>[L, ..shape]</c> when the family has no such tensor.</summary>
    public StridedTensor<T> StackOrZeros(string tlName, LayerSource? source, params int[] shape) =>
        source is null ? StridedTensor<T>.Zeros(HostKernels.Shared, [config.NLayers, .. shape]) : Stack(tlName, source);

    /// <summary>Drops the kept tensor.</summary>
    public void Dispose() => (_lastName, _last) = (null, []);

    /// <summary>A zero host tensor of <paramref name="shape"/>, or one line naming the file and the sizes when it is more than one array holds.</summary>
    private StridedTensor<T> Allocate(string tlName, int[] shape)
    {
        Int128 elements = 1;
        foreach (int dim in shape)
        {
            elements *= dim;
        }

        if (elements > Array.MaxLength)
        {
            throw new InvalidDataException(
                $"{files.Source}: TransformerLens {tlName} {string.Join(" × ", shape)} = {elements} elements is more than one array holds ({Array.MaxLength}); " +
                $"{configSource} gives n_layers {config.NLayers}, n_heads {config.NHeads}, d_model {config.DModel}, d_head {config.DHead}, d_vocab {config.DVocab}.");
        }

        return StridedTensor<T>.Zeros(HostKernels.Shared, shape);
    }

    private static T[] Host(StridedTensor<T> tensor) => ((HostBuffer<T>)tensor.Buffer).Array;

    /// <summary>The stored elements of <paramref name="hfName"/>, checked against <paramref name="shape"/> and for finiteness.</summary>
    private T[] Stored(string tlName, string hfName, int[] shape)
    {
        if (_lastName == hfName)
        {
            return _last;
        }

        if (files.ShapeOf(hfName) is not { } stored)
        {
            throw new InvalidDataException($"{files.Source}: the checkpoint has no tensor '{hfName}' (TransformerLens {tlName}).");
        }

        if (!stored.SequenceEqual(shape))
        {
            throw new InvalidDataException(
                $"{files.Source}: tensor '{hfName}' (TransformerLens {tlName}) has shape {Shapes.Format(stored)}, but {configSource} " +
                $"(n_layers {config.NLayers}, n_heads {config.NHeads}, n_key_value_heads {config.NKeyValueHeads}, d_model {config.DModel}, d_head {config.DHead}, d_vocab {config.DVocab}) makes it {Shapes.Format(shape)}.");
        }

        var file = files.FileOf(hfName);
        using var tensor = file.Read<T>(hfName);
        T[] data = Host(tensor);
        if (data.Length > 0 && !TensorPrimitives.IsFiniteAll<T>(data))
        {
            int bad = Array.FindIndex(data, x => !T.IsFinite(x));
            throw new InvalidDataException($"{file.FilePath}: tensor '{hfName}' (TransformerLens {tlName}) holds {data[bad]} at flat index {bad}; weights must be finite.");
        }

        (_lastName, _last) = (hfName, data);
        return data;
    }

    /// <summary>Copies the elements of <paramref name="view"/> over <paramref name="source"/> into <paramref name="destination"/>, row-major.</summary>
    private static void Gather(T[] source, TensorView view, Span<T> destination)
    {
        int inner = view.Shape[^1];
        long innerStride = view.Strides[^1];
        int outer = inner == 0 ? 0 : destination.Length / inner;
        for (int row = 0; row < outer; row++)
        {
            long at = view.Offset;
            for (int axis = view.Shape.Length - 2, rest = row; axis >= 0; rest /= view.Shape[axis], axis--)
            {
                at += rest % view.Shape[axis] * view.Strides[axis];
            }

            var target = destination.Slice(row * inner, inner);
            for (int i = 0; i < inner; i++)
            {
                target[i] = source[at + i * innerStride];
            }
        }
    }
}
