using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace NetCompiler.Tests.Interop;

/// <summary>One tensor to write: its state_dict key, its shape and its row-major values.</summary>
internal sealed record TorchTensor(string Key, int[] Shape, float[] Values);

/// <summary>
/// Writes state_dicts the way <c>torch.save</c> does, without PyTorch, so tests can make large fixtures at test time
/// instead of committing them. Its data.pkl is byte for byte what PyTorch pickles (checked against files written by
/// libtorch in PyTorchImportTests), and its zip keeps torch's layout: stored records under one folder, each record's
/// data aligned to 64 bytes.
/// </summary>
/// <remarks>
/// The pickle mirrors what Python's pickler (protocol 2) emits for torch/serialization.py's <c>_save</c>: an
/// OrderedDict built by REDUCE, its items in batches of 1000 (SETITEMS, or SETITEM for a batch of one), each value
/// <c>_rebuild_tensor_v2(persistent storage id, offset, size, stride, False, OrderedDict())</c>, and finally the
/// <c>_metadata</c> state set by BUILD. Python memoizes every object it pickles (BINPUT) and refers back to repeated
/// ones (BINGET): the two globals, the strings 'storage', 'cpu' and 'version', and the storage class.
/// </remarks>
internal static class TorchSaveWriter
{
    private const int Alignment = 64;

    /// <summary>Writes a state_dict zip with one storage per tensor.</summary>
    /// <param name="tensors">The tensors in state_dict order.</param>
    /// <param name="archiveName">The folder inside the zip: torch uses the file's base name, or "archive".</param>
    /// <param name="bigEndian">Store the values big-endian and say so in the byteorder record.</param>
    /// <param name="modules">The module names in <c>_metadata</c>; by default '' and every key prefix.</param>
    /// <param name="damage">Changes data.pkl before it is stored, for tests of damaged files.</param>
    public static byte[] Write(
        IReadOnlyList<TorchTensor> tensors, string archiveName = "archive", bool bigEndian = false,
        IReadOnlyList<string>? modules = null, Func<byte[], byte[]>? damage = null)
    {
        byte[] pickle = Pickle(tensors, modules ?? DefaultModules(tensors));
        var records = new List<(string Name, byte[] Data)>
        {
            ("data.pkl", damage is null ? pickle : damage(pickle)),
            ("byteorder", Encoding.ASCII.GetBytes(bigEndian ? "big" : "little")),
        };

        // torch writes the storages sorted by key as strings: data/0, data/1, data/10, data/11, ..., data/2.
        var storages = tensors.Select((t, i) => (Key: i.ToString(System.Globalization.CultureInfo.InvariantCulture), t))
            .OrderBy(s => s.Key, StringComparer.Ordinal);
        foreach ((string key, TorchTensor tensor) in storages)
        {
            var bytes = new byte[tensor.Values.Length * sizeof(float)];
            MemoryMarshal.AsBytes(tensor.Values.AsSpan()).CopyTo(bytes);
            if (bigEndian)
            {
                Span<int> words = MemoryMarshal.Cast<byte, int>(bytes.AsSpan());
                BinaryPrimitives.ReverseEndianness(words, words);
            }

            records.Add(("data/" + key, bytes));
        }

        records.Add(("version", "3\n"u8.ToArray()));
        return Zip(archiveName, records);
    }

    /// <summary>The data.pkl torch.save would write for these tensors.</summary>
    public static byte[] Pickle(IReadOnlyList<TorchTensor> tensors, IReadOnlyList<string> modules)
    {
        var pickle = new PickleBuilder();
        pickle.Proto();
        pickle.Global("collections", "OrderedDict");
        pickle.EmptyTuple();
        pickle.Reduce();
        pickle.Put();
        for (int batch = 0; batch < tensors.Count; batch += 1000)
        {
            int count = Math.Min(1000, tensors.Count - batch);
            if (count > 1)
            {
                pickle.Mark();
            }

            for (int i = batch; i < batch + count; i++)
            {
                pickle.String(tensors[i].Key);
                Tensor(pickle, tensors[i], i);
            }

            pickle.Op(count > 1 ? (byte)'u' : (byte)'s');
        }

        // state = {'_metadata': OrderedDict((module, {'version': 1}) for each module)}
        pickle.EmptyDict();
        pickle.Put();
        pickle.String("_metadata");
        pickle.Global("collections", "OrderedDict");
        pickle.EmptyTuple();
        pickle.Reduce();
        pickle.Put();
        if (modules.Count > 1)
        {
            pickle.Mark();
        }

        foreach (string module in modules)
        {
            pickle.String(module);
            pickle.EmptyDict();
            pickle.Put();
            pickle.Interned("version");
            pickle.Int(1);
            pickle.Op((byte)'s');
        }

        pickle.Op(modules.Count > 1 ? (byte)'u' : (byte)'s');
        pickle.Op((byte)'s');
        pickle.Op((byte)'b');
        pickle.Op((byte)'.');
        return pickle.ToArray();
    }

    private static void Tensor(PickleBuilder pickle, TorchTensor tensor, int storage)
    {
        pickle.Global("torch._utils", "_rebuild_tensor_v2");
        pickle.Mark();

        // The persistent id ('storage', torch.FloatStorage, key, 'cpu', numel), then BINPERSID.
        pickle.Mark();
        pickle.Interned("storage");
        pickle.Global("torch", "FloatStorage");
        pickle.String(storage.ToString(System.Globalization.CultureInfo.InvariantCulture));
        pickle.Interned("cpu");
        pickle.Int(tensor.Values.Length);
        pickle.Op((byte)'t');
        pickle.Put();
        pickle.Op((byte)'Q');

        pickle.Int(0);
        pickle.Tuple(tensor.Shape);
        var strides = new int[tensor.Shape.Length];
        for (int d = strides.Length - 1, stride = 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride *= tensor.Shape[d];
        }

        pickle.Tuple(strides);
        pickle.Op(0x89);
        pickle.Global("collections", "OrderedDict");
        pickle.EmptyTuple();
        pickle.Reduce();
        pickle.Put();
        pickle.Op((byte)'t');
        pickle.Put();
        pickle.Reduce();
        pickle.Put();
    }

    private static List<string> DefaultModules(IReadOnlyList<TorchTensor> tensors)
    {
        var modules = new List<string> { string.Empty };
        foreach (TorchTensor tensor in tensors)
        {
            int dot = tensor.Key.LastIndexOf('.');
            string module = dot < 0 ? string.Empty : tensor.Key[..dot];
            if (!modules.Contains(module))
            {
                modules.Add(module);
            }
        }

        return modules;
    }

    private static byte[] Zip(string folder, List<(string Name, byte[] Data)> records)
    {
        var zip = new MemoryStream();
        var central = new MemoryStream();
        Span<byte> header = stackalloc byte[30];
        Span<byte> size = stackalloc byte[2];
        Span<byte> entry = stackalloc byte[46];
        foreach ((string name, byte[] data) in records)
        {
            byte[] path = Encoding.UTF8.GetBytes(folder + "/" + name);
            uint crc = Crc32.HashToUInt32(data);
            long offset = zip.Position;

            // torch pads each local header with an extra field ("FB", filled with 'Z') so that the data starts on a
            // 64-byte boundary; readers skip the field.
            int padding = (int)((Alignment - (offset + 30 + path.Length + 4) % Alignment) % Alignment);
            header.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(header, 0x04034b50);
            BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 20);
            BinaryPrimitives.WriteUInt32LittleEndian(header[14..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(header[18..], (uint)data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header[22..], (uint)data.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(header[26..], (ushort)path.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(header[28..], (ushort)(padding + 4));
            zip.Write(header);
            zip.Write(path);
            zip.Write("FB"u8);
            BinaryPrimitives.WriteUInt16LittleEndian(size, (ushort)padding);
            zip.Write(size);
            zip.Write(Enumerable.Repeat((byte)'Z', padding).ToArray());
            zip.Write(data);

            entry.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(entry, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[4..], 20);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[6..], 20);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[16..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[20..], (uint)data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[24..], (uint)data.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[28..], (ushort)path.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[42..], (uint)offset);
            central.Write(entry);
            central.Write(path);
        }

        long directory = zip.Position;
        central.Position = 0;
        central.CopyTo(zip);
        Span<byte> end = stackalloc byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(end[8..], (ushort)records.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(end[10..], (ushort)records.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(end[12..], (uint)central.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(end[16..], (uint)directory);
        zip.Write(end);
        return zip.ToArray();
    }

    /// <summary>Emits pickle opcodes and keeps Python's memo: every object put once, repeats fetched back.</summary>
    private sealed class PickleBuilder
    {
        private readonly MemoryStream _bytes = new();
        private readonly Dictionary<string, int> _memo = new(StringComparer.Ordinal);
        private int _next;

        public void Proto()
        {
            Op(0x80);
            Op(2);
        }

        public void Op(byte opcode) => _bytes.WriteByte(opcode);

        public void Mark() => Op((byte)'(');

        public void EmptyTuple() => Op((byte)')');

        public void EmptyDict() => Op((byte)'}');

        public void Reduce() => Op((byte)'R');

        /// <summary>Memoizes the object on top of the stack (BINPUT, or LONG_BINPUT past 255).</summary>
        public int Put()
        {
            int index = _next++;
            if (index < 256)
            {
                Op((byte)'q');
                Op((byte)index);
            }
            else
            {
                Op((byte)'r');
                WriteInt32(index);
            }

            return index;
        }

        public void Get(int index)
        {
            if (index < 256)
            {
                Op((byte)'h');
                Op((byte)index);
            }
            else
            {
                Op((byte)'j');
                WriteInt32(index);
            }
        }

        /// <summary>A class or function: GLOBAL the first time, then fetched from the memo.</summary>
        public void Global(string module, string name)
        {
            string id = "global:" + module + "." + name;
            if (_memo.TryGetValue(id, out int index))
            {
                Get(index);
                return;
            }

            Op((byte)'c');
            _bytes.Write(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));
            _memo.Add(id, Put());
        }

        /// <summary>A string object pickled for the first time (a fresh object each call, as dict keys are).</summary>
        public void String(string value)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(value);
            Op((byte)'X');
            WriteInt32(utf8.Length);
            _bytes.Write(utf8);
            Put();
        }

        /// <summary>A string Python shares between uses ('storage', 'cpu', 'version'): pickled once.</summary>
        public void Interned(string value)
        {
            string id = "str:" + value;
            if (_memo.TryGetValue(id, out int index))
            {
                Get(index);
                return;
            }

            byte[] utf8 = Encoding.UTF8.GetBytes(value);
            Op((byte)'X');
            WriteInt32(utf8.Length);
            _bytes.Write(utf8);
            _memo.Add(id, Put());
        }

        public void Int(int value)
        {
            if (value is >= 0 and < 256)
            {
                Op((byte)'K');
                Op((byte)value);
            }
            else if (value is >= 0 and < 65536)
            {
                Op((byte)'M');
                Span<byte> bytes = stackalloc byte[2];
                BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value);
                _bytes.Write(bytes);
            }
            else
            {
                Op((byte)'J');
                WriteInt32(value);
            }
        }

        /// <summary>A tuple of ints: EMPTY_TUPLE, TUPLE1-3, or MARK ... TUPLE; non-empty ones are memoized.</summary>
        public void Tuple(int[] values)
        {
            if (values.Length == 0)
            {
                EmptyTuple();
                return;
            }

            if (values.Length > 3)
            {
                Mark();
            }

            foreach (int value in values)
            {
                Int(value);
            }

            Op(values.Length switch { 1 => 0x85, 2 => 0x86, 3 => 0x87, _ => (byte)'t' });
            Put();
        }

        public byte[] ToArray() => _bytes.ToArray();

        private void WriteInt32(int value)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
            _bytes.Write(bytes);
        }
    }
}
