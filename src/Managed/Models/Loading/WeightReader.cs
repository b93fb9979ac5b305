using System.Numerics;
using System.Numerics.Tensors;
using FactoredGpu.Kernels.Host;

namespace FactoredGpu.Models;

/// <summary>
/// Reads TransformerLens tensors out of a checkpoint through <see cref="TensorView"/>s: checks each stored tensor's
/// presence, shape and finiteness, converts it to <typeparamref name="T"/> once (the last one is kept, so a fused tensor
/// feeding three views is read once), and gathers the view into a new host tensor, stacked over layers for block tensors.
/// </summary>
/// <remarks>
/// Memory: block tensors convert into one reused buffer (the largest layer tensor), not a new array each (which the
/// garbage collector would keep for a while: gigabytes at 8B scale). A whole or transposed matrix outside the blocks (the
/// <c>[V, d]</c> embedding and unembedding) converts a block of rows at a time straight into its result, so no converted
/// copy of it exists beside the result (2.1 GB each for Llama-3-8B in float32).
/// </remarks>
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
        var view = source.View;
        var result = Allocate(tlName, view.Shape);
        bool matrix = view.Stored.Length == 2 && view.Offset == 0;
        bool asStored = matrix && view.Shape.SequenceEqual(view.Stored) && view.Strides.SequenceEqual([view.Stored[1], 1L]);
        bool transposed = matrix && view.Shape.SequenceEqual([view.Stored[1], view.Stored[0]]) && view.Strides.SequenceEqual([1L, view.Stored[1]]);
        if (asStored || transposed)
        {
            ReadRows(tlName, source.Name, view.Stored, transposed, Host(result));
        }
        else
        {
            Gather(Stored(tlName, source.Name, view.Stored), view, Host(result), 0);
        }

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
                Gather(Stored(tlName.Replace("{0}", at, StringComparison.Ordinal), source.Name(layer), source.View.Stored), source.View, output, layer * (output.Length / layers));
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

        var (file, info) = Checked(tlName, hfName, shape);
        if (_last.Length < info.ElementCount)
        {
            _last = new T[info.ElementCount];
        }

        _lastName = null;
        var data = _last.AsSpan(0, (int)info.ElementCount);
        file.ReadElements(info, 0, data);
        CheckFinite(file, tlName, hfName, data, 0);
        _lastName = hfName;
        return _last;
    }

    /// <summary>
    /// A stored <c>[rows, cols]</c> matrix, as stored or <paramref name="transposed"/>, converted
    /// <see cref="BlockRows"/> stored rows at a time into <paramref name="destination"/>.
    /// </summary>
    private void ReadRows(string tlName, string hfName, int[] stored, bool transposed, T[] destination)
    {
        var (file, info) = Checked(tlName, hfName, stored);
        int rows = stored[0], cols = stored[1];
        if (!transposed)
        {
            // As stored: convert straight into the result, then check it.
            file.ReadElements(info, 0, destination.AsSpan(0, checked(rows * cols)));
            CheckFinite(file, tlName, hfName, destination, 0);
            return;
        }

        var block = new T[(long)Math.Min(BlockRows, rows) * cols];
        for (int first = 0; first < rows; first += BlockRows)
        {
            int count = Math.Min(BlockRows, rows - first);
            var part = block.AsSpan(0, count * cols);
            file.ReadElements(info, (long)first * cols, part);
            CheckFinite(file, tlName, hfName, part, (long)first * cols);

            // destination [cols, rows]: its column block [first, first + count) is this block transposed.
            TiledCopy.Run(block, new StridedLayout(0, 1, cols), destination, new StridedLayout(first, rows, 1), cols, count);
        }
    }

    /// <summary>The stored rows <see cref="ReadRows"/> converts at a time (256 rows of 4096 floats: 4 MB).</summary>
    private const int BlockRows = 256;

    /// <summary>The file holding <paramref name="hfName"/> and its entry, checked against <paramref name="shape"/>.</summary>
    private (IO.SafetensorsFile File, IO.SafetensorsTensorInfo Info) Checked(string tlName, string hfName, int[] shape)
    {
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
        file.TryGetTensor(hfName, out var info);
        return (file, info!);
    }

    /// <summary>Throws, naming the first non-finite element's flat index, when <paramref name="data"/> (from flat index <paramref name="first"/>) holds NaN or ±Inf.</summary>
    private static void CheckFinite(IO.SafetensorsFile file, string tlName, string hfName, ReadOnlySpan<T> data, long first)
    {
        if (data.Length > 0 && !TensorPrimitives.IsFiniteAll(data))
        {
            int bad = 0;
            while (T.IsFinite(data[bad]))
            {
                bad++;
            }

            throw new InvalidDataException($"{file.FilePath}: tensor '{hfName}' (TransformerLens {tlName}) holds {data[bad]} at flat index {first + bad}; weights must be finite.");
        }
    }

    /// <summary>
    /// Copies the elements of <paramref name="view"/> over <paramref name="source"/> into <paramref name="destination"/>
    /// (from <paramref name="at"/> on), row-major: one <see cref="TiledCopy"/> per matrix of the last two axes.
    /// </summary>
    private static void Gather(T[] source, TensorView view, T[] destination, int at)
    {
        int n = view.Shape.Length;
        int rows = n >= 2 ? view.Shape[^2] : 1, cols = n >= 1 ? view.Shape[^1] : 1;
        long rowStride = n >= 2 ? view.Strides[^2] : 0, columnStride = n >= 1 ? view.Strides[^1] : 0;
        int size = rows * cols, matrices = size == 0 ? 0 : (int)(view.Shape.Aggregate(1L, (product, dim) => product * dim) / size);
        for (int m = 0; m < matrices; m++)
        {
            long offset = view.Offset;
            for (int axis = n - 3, rest = m; axis >= 0; rest /= view.Shape[axis], axis--)
            {
                offset += rest % view.Shape[axis] * view.Strides[axis];
            }

            TiledCopy.Run(source, new StridedLayout(offset, rowStride, columnStride), destination, new StridedLayout(at + ((long)m * size), cols, 1), rows, cols);
        }
    }
}
