using System;
using System.Collections;
using System.Collections.Generic;

namespace NetCompiler;

/// <summary>
/// Says which PyTorch module holds each of our layers' weights, for state_dicts whose order does not follow the
/// layers (a model that declares its modules in another order than it calls them, or that holds extra modules).
/// </summary>
/// <remarks>
/// Layers are named as in the generated <c>Summary</c> and checkpoints: <c>conv2d</c>, <c>conv2d_1</c>,
/// <c>dense</c>, <c>embedding</c>, <c>lstm</c>, ... counted per kind in declaration order. A module is the key
/// prefix before the parameter name: <c>features.0</c> for <c>features.0.weight</c>, the empty string for a bare
/// <c>weight</c>. Each of a multi-layer <c>nn.LSTM</c>'s layers is mapped on its own, by its index (the
/// <c>_l1</c> in <c>weight_ih_l1</c>). With a mapping, every layer with weights must be mapped and every tensor
/// of the state_dict must be used.
/// <code>
/// var mapping = new PyTorchNameMapping
/// {
///     { "embedding", "encoder.embed" },
///     { "lstm", "encoder.rnn", 0 },
///     { "lstm_1", "encoder.rnn", 1 },
///     { "dense", "head" },
/// };
/// </code>
/// </remarks>
public sealed class PyTorchNameMapping : IEnumerable<KeyValuePair<string, (string Module, int RecurrentLayer)>>
{
    private readonly Dictionary<string, (string Module, int RecurrentLayer)> _layers = new(StringComparer.Ordinal);

    /// <summary>How many layers are mapped.</summary>
    public int Count => _layers.Count;

    /// <summary>Maps one of our layers to the PyTorch module (key prefix) that holds its weights.</summary>
    /// <param name="layer">Our layer's name, e.g. <c>dense_1</c>.</param>
    /// <param name="module">The module's key prefix, e.g. <c>classifier.3</c>; empty for keys without one.</param>
    /// <exception cref="ArgumentException">The layer is already mapped.</exception>
    public void Add(string layer, string module) => Add(layer, module, 0);

    /// <summary>Maps one of our LSTM layers to one layer of a (multi-layer) PyTorch <c>nn.LSTM</c>.</summary>
    /// <param name="layer">Our LSTM layer's name, e.g. <c>lstm_1</c>.</param>
    /// <param name="module">The nn.LSTM's key prefix, e.g. <c>encoder.rnn</c>.</param>
    /// <param name="recurrentLayer">Which of its layers: the k of <c>weight_ih_lk</c>.</param>
    /// <exception cref="ArgumentException">The layer is already mapped.</exception>
    public void Add(string layer, string module, int recurrentLayer)
    {
        ArgumentException.ThrowIfNullOrEmpty(layer);
        ArgumentNullException.ThrowIfNull(module);
        ArgumentOutOfRangeException.ThrowIfNegative(recurrentLayer);
        if (!_layers.TryAdd(layer, (module, recurrentLayer)))
        {
            throw new ArgumentException($"The layer '{layer}' is already mapped.", nameof(layer));
        }
    }

    /// <summary>Finds where a layer's weights are, if the layer is mapped.</summary>
    public bool TryGetModule(string layer, out string module, out int recurrentLayer)
    {
        bool found = _layers.TryGetValue(layer, out (string Module, int RecurrentLayer) entry);
        (module, recurrentLayer) = found ? entry : (string.Empty, 0);
        return found;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, (string Module, int RecurrentLayer)>> GetEnumerator() =>
        _layers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
