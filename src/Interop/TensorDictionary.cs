using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace NetCompiler;

/// <summary>
/// Named tensors that enumerate in the order they were added: a state_dict's order is how PyTorch's modules were
/// declared, and the default name mapping depends on it.
/// </summary>
internal sealed class TensorDictionary : IReadOnlyDictionary<string, TensorData>
{
    private readonly List<KeyValuePair<string, TensorData>> _entries = [];
    private readonly Dictionary<string, TensorData> _index = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public IEnumerable<string> Keys
    {
        get
        {
            foreach (KeyValuePair<string, TensorData> entry in _entries)
            {
                yield return entry.Key;
            }
        }
    }

    public IEnumerable<TensorData> Values
    {
        get
        {
            foreach (KeyValuePair<string, TensorData> entry in _entries)
            {
                yield return entry.Value;
            }
        }
    }

    public TensorData this[string key] => _index[key];

    public void Add(string key, TensorData value)
    {
        _index.Add(key, value);
        _entries.Add(new KeyValuePair<string, TensorData>(key, value));
    }

    public bool ContainsKey(string key) => _index.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TensorData value) =>
        _index.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, TensorData>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
