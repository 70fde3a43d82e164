using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using Razorvine.Pickle;

namespace NetCompiler;

/// <summary>
/// The objects torch.save's data.pkl refers to, and the Razorvine.Pickle hooks that build them. Unpickling builds
/// only these descriptions; the tensors' bytes are read from the zip afterwards, once each key is known, so every
/// error can name the tensor it concerns.
/// </summary>
/// <remarks>
/// What torch.save writes (torch/serialization.py, <c>_save</c>, pickle protocol 2): the state_dict is a
/// <c>collections.OrderedDict</c> built by REDUCE and filled by SETITEMS, then given its <c>_metadata</c> by BUILD.
/// Each value is <c>torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
/// backward_hooks)</c>, where storage is a persistent id <c>('storage', torch.FloatStorage, key, location,
/// numel)</c> naming the record <c>data/key</c>. Razorvine.Pickle looks constructors up in a process-wide table,
/// so ours are registered there once; they only record their arguments and cannot run anything.
/// </remarks>
internal static class TorchPickle
{
    // Element sizes by pickled storage class, for messages about unsupported dtypes and for size checks.
    private static readonly Dictionary<string, (string DType, int Size)> s_storageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = ("float32", 4),
        ["DoubleStorage"] = ("float64", 8),
        ["HalfStorage"] = ("float16", 2),
        ["BFloat16Storage"] = ("bfloat16", 2),
        ["LongStorage"] = ("int64", 8),
        ["IntStorage"] = ("int32", 4),
        ["ShortStorage"] = ("int16", 2),
        ["CharStorage"] = ("int8", 1),
        ["ByteStorage"] = ("uint8", 1),
        ["BoolStorage"] = ("bool", 1),
        ["ComplexFloatStorage"] = ("complex64", 8),
        ["ComplexDoubleStorage"] = ("complex128", 16),
        ["UntypedStorage"] = ("untyped bytes", 1),
    };

    private static readonly object s_registrationLock = new();
    private static bool s_registered;

    /// <summary>
    /// Unpickles data.pkl into plain objects: hashtables, strings, numbers and <see cref="PickledTensor"/>.
    /// </summary>
    public static object? Load(byte[] pickle)
    {
        EnsureRegistered();
        using var unpickler = new StateDictUnpickler();
        return unpickler.loads(pickle);
    }

    private static void EnsureRegistered()
    {
        lock (s_registrationLock)
        {
            if (s_registered)
            {
                return;
            }

            // The table is global to the process: OrderedDict becomes a hashtable for every Razorvine user, which
            // is what SETITEMS needs anyway (without this, OrderedDict is a ClassDict that SETITEMS cannot fill).
            Unpickler.registerConstructor("collections", "OrderedDict", new DictionaryConstructor());
            Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", new TensorConstructor());
            Unpickler.registerConstructor("torch._utils", "_rebuild_parameter", new ParameterConstructor());
            foreach (KeyValuePair<string, (string DType, int Size)> type in s_storageTypes)
            {
                Unpickler.registerConstructor(
                    "torch", type.Key, new StorageType(type.Key, type.Value.DType, type.Value.Size));
            }

            s_registered = true;
        }
    }

    /// <summary>A pickled <c>torch.XStorage</c> class: only named in persistent ids, never called.</summary>
    internal sealed class StorageType(string name, string dtype, int elementSize) : IObjectConstructor
    {
        public string Name { get; } = name;

        public string DType { get; } = dtype;

        public int ElementSize { get; } = elementSize;

        public object construct(object[] args) =>
            throw new InvalidDataException($"data.pkl calls torch.{Name} directly, which torch.save never writes.");
    }

    /// <summary>The persistent id of one storage: which record holds it, its element type and its length.</summary>
    internal sealed record StorageReference(
        object? Type, object? Key, object? Location, object? ElementCount, int Ordinal);

    /// <summary>
    /// The arguments of one <c>_rebuild_tensor_v2</c> call, checked later when the tensor's key is known.
    /// </summary>
    internal sealed record PickledTensor(object?[] Arguments);

    /// <summary>
    /// The OrderedDict of a state_dict (or of backward hooks and metadata). SETITEMS fills hashtables only; BUILD then
    /// hands it the instance state (<c>_metadata</c>), which weights do not need.
    /// </summary>
    internal sealed class PickledDictionary : Hashtable
    {
        // Named as Python names it: Razorvine's BUILD finds this method by reflection (DynamicDependency below keeps
        // it when an application is trimmed).
        public void __setstate__(Hashtable state) => State = state;

        public Hashtable? State { get; private set; }
    }

    private sealed class DictionaryConstructor : IObjectConstructor
    {
        [DynamicDependency(nameof(PickledDictionary.__setstate__), typeof(PickledDictionary))]
        public object construct(object[] args)
        {
            // OrderedDict() or OrderedDict(items): torch always writes the empty form and adds items with SETITEMS.
            var dictionary = new PickledDictionary();
            if (args.Length == 1 && args[0] is IEnumerable items)
            {
                foreach (object? item in items)
                {
                    if (item is object[] { Length: 2 } pair && pair[0] is not null)
                    {
                        dictionary[pair[0]] = pair[1];
                    }
                }
            }

            return dictionary;
        }
    }

    private sealed class TensorConstructor : IObjectConstructor
    {
        public object construct(object[] args) => new PickledTensor(args);
    }

    private sealed class ParameterConstructor : IObjectConstructor
    {
        // _rebuild_parameter(data, requires_grad, backward_hooks): a state_dict saved with keep_vars=True.
        public object construct(object[] args) => args.Length >= 1 && args[0] is PickledTensor tensor
            ? tensor
            : throw new InvalidDataException(
                "data.pkl rebuilds a torch.nn.Parameter from something that is not a tensor.");
    }

    private sealed class StateDictUnpickler : Unpickler
    {
        private int _ordinal;

        // The persistent ids come in the order torch pickled the tensors, which is the state_dict's order; SETITEMS
        // loses that order (it fills a hashtable, and each batch in reverse), so the ordinal recovers it.
        protected override object persistentLoad(object pid)
        {
            if (pid is not object?[] { Length: 5 } id || id[0] is not "storage")
            {
                throw new InvalidDataException(
                    "data.pkl holds a persistent id that is not a tensor storage ('storage', type, key, location, " +
                    "size); the file was not written by torch.save.");
            }

            return new StorageReference(id[1], id[2], id[3], id[4], _ordinal++);
        }
    }
}
