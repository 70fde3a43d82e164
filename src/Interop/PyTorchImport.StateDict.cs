using System;
using System.Buffers.Binary;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using Razorvine.Pickle;
using Razorvine.Pickle.Objects;

namespace NetCompiler;

public static partial class PyTorchImport
{
    // A storage larger than one float array cannot become a TensorData; refusing it early also keeps a damaged
    // element count from turning into a huge allocation.
    private const long MaxStorageElements = 0x7FFFFFC7;

    /// <summary>
    /// Reads a state_dict that <c>torch.save(model.state_dict(), path)</c> wrote: the zip format PyTorch has used
    /// by default since 1.6 (a <c>data.pkl</c> pickle and one <c>data/&lt;key&gt;</c> record per storage).
    /// </summary>
    /// <param name="zipFile">The file's bytes from its current position; left open.</param>
    /// <returns>Every tensor by its PyTorch name, enumerating in the state_dict's order.</returns>
    /// <exception cref="InvalidDataException">
    /// The stream is not a complete torch.save zip file (truncated, the legacy pre-1.6 format, a TorchScript
    /// archive), does not hold a flat dictionary of tensors (a whole pickled module, a training checkpoint with
    /// nested dictionaries), or holds a tensor that is not float32 or not contiguous. The message names the key.
    /// </exception>
    public static IReadOnlyDictionary<string, TensorData> LoadStateDict(Stream zipFile)
    {
        ArgumentNullException.ThrowIfNull(zipFile);
        if (!zipFile.CanRead)
        {
            throw new ArgumentException("The state_dict stream cannot be read from.", nameof(zipFile));
        }

        // The zip directory sits at the end of the file, so the reader needs to seek.
        Stream source = zipFile;
        if (!zipFile.CanSeek)
        {
            var copy = new MemoryStream();
            zipFile.CopyTo(copy);
            copy.Position = 0;
            source = copy;
        }

        long start = source.Position;
        Span<byte> signature = stackalloc byte[4];
        int signatureLength = source.ReadAtLeast(signature, signature.Length, throwOnEndOfStream: false);
        source.Position = start;
        if (signatureLength >= 2 && signature[0] == 0x80 && signature[1] <= 5)
        {
            throw new InvalidDataException(
                "This is a torch.save file in the legacy format (before PyTorch 1.6, or saved with " +
                "_use_new_zipfile_serialization=False); save the state_dict again with a current PyTorch's default " +
                "torch.save.");
        }

        ZipArchive archive;
        try
        {
            archive = new ZipArchive(source, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException(
                "The state_dict is not a complete zip archive: it is truncated, damaged, or was not written by " +
                "torch.save.", e);
        }

        using (archive)
        {
            return ReadArchive(archive);
        }
    }

    /// <summary>Reads a state_dict from a file that <c>torch.save</c> wrote.</summary>
    /// <param name="path">The <c>.pt</c> or <c>.pth</c> file.</param>
    /// <inheritdoc cref="LoadStateDict(Stream)"/>
    public static IReadOnlyDictionary<string, TensorData> LoadStateDict(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            return LoadStateDict(file);
        }
        catch (InvalidDataException e)
        {
            // The stream overload cannot know where its bytes came from; a user with several files needs the name.
            throw new InvalidDataException($"'{path}': {e.Message}", e);
        }
    }

    private static TensorDictionary ReadArchive(ZipArchive archive)
    {
        // torch.save puts every record under one folder named after the file (or "archive"): <folder>/data.pkl.
        ZipArchiveEntry[] pickles = archive.Entries
            .Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.IndexOf('/') ==
                e.FullName.Length - "/data.pkl".Length)
            .ToArray();
        if (pickles.Length != 1)
        {
            throw new InvalidDataException(pickles.Length == 0
                ? "The zip archive has no <folder>/data.pkl record, so it was not written by torch.save."
                : $"The zip archive has {pickles.Length} data.pkl records; torch.save writes one.");
        }

        string prefix = pickles[0].FullName[..^"data.pkl".Length];
        if (archive.GetEntry(prefix + "constants.pkl") is not null)
        {
            throw new InvalidDataException(
                "This is a TorchScript archive (torch.jit.save), not a state_dict; in PyTorch, save " +
                "torch.save(model.state_dict(), path) instead.");
        }

        bool bigEndian = ReadByteOrder(archive, prefix);
        object? root;
        try
        {
            root = TorchPickle.Load(ReadEntry(pickles[0], "data.pkl"));
        }
        catch (Exception e) when (e is PickleException or InvalidCastException or InvalidOperationException
            or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"data.pkl could not be unpickled ({e.Message}); the file is damaged.", e);
        }

        if (root is not Hashtable dictionary)
        {
            throw new InvalidDataException(root is ClassDict pickledObject
                ? $"The file holds a pickled '{pickledObject.ClassName}' object, not a state_dict; in PyTorch, save " +
                  "torch.save(model.state_dict(), path) instead of the whole model."
                : $"The file holds {Describe(root)}, not a state_dict (a dictionary of tensors).");
        }

        // Check every entry's type first, so a training checkpoint gets one clear message instead of a cast error.
        var tensors = new List<(string Key, TorchPickle.PickledTensor Tensor)>(dictionary.Count);
        foreach (DictionaryEntry entry in dictionary)
        {
            if (entry.Key is not string key)
            {
                throw new InvalidDataException(
                    $"The state_dict has a key that is {Describe(entry.Key)}, not a string.");
            }

            if (entry.Value is not TorchPickle.PickledTensor tensor)
            {
                throw new InvalidDataException(entry.Value is Hashtable
                    ? $"The file's entry '{key}' is a dictionary, not a tensor: this looks like a training " +
                      $"checkpoint. In PyTorch, save the state_dict alone: torch.save(checkpoint['{key}'], path)."
                    : $"The file's entry '{key}' is {Describe(entry.Value)}, not a tensor; a state_dict holds " +
                      "only tensors.");
            }

            tensors.Add((key, tensor));
        }

        // The storages were pickled in state_dict order; the key breaks ties between entries sharing one tensor.
        tensors.Sort((a, b) =>
        {
            int order = Ordinal(a.Tensor).CompareTo(Ordinal(b.Tensor));
            return order != 0 ? order : string.CompareOrdinal(a.Key, b.Key);
        });

        var storages = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var result = new TensorDictionary();
        foreach ((string key, TorchPickle.PickledTensor tensor) in tensors)
        {
            result.Add(key, Resolve(archive, prefix, bigEndian, storages, key, tensor));
        }

        return result;
    }

    private static int Ordinal(TorchPickle.PickledTensor tensor) =>
        tensor.Arguments is [TorchPickle.StorageReference storage, ..] ? storage.Ordinal : int.MaxValue;

    private static bool ReadByteOrder(ZipArchive archive, string prefix)
    {
        // PyTorch before 2.1 wrote no byteorder record; torch.load then assumes little-endian, as we do.
        ZipArchiveEntry? entry = archive.GetEntry(prefix + "byteorder");
        if (entry is null)
        {
            return false;
        }

        string order = Encoding.ASCII.GetString(ReadEntry(entry, "byteorder")).Trim();
        return order switch
        {
            "little" => false,
            "big" => true,
            _ => throw new InvalidDataException($"The byteorder record says '{order}', neither 'little' nor 'big'."),
        };
    }

    private static TensorData Resolve(
        ZipArchive archive, string prefix, bool bigEndian, Dictionary<string, float[]> storages, string key,
        TorchPickle.PickledTensor tensor)
    {
        // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        object?[] args = tensor.Arguments;
        if (args.Length < 4 || args[0] is not TorchPickle.StorageReference storage)
        {
            throw new InvalidDataException($"The tensor '{key}' is not rebuilt from a storage; the file is damaged.");
        }

        if (storage.Type is not TorchPickle.StorageType type)
        {
            throw new InvalidDataException(
                $"The tensor '{key}' is stored as {Describe(storage.Type)}, which is not a PyTorch storage type.");
        }

        if (type.DType != "float32")
        {
            throw new InvalidDataException(
                $"The tensor '{key}' is {type.DType}, but only float32 tensors can be imported; in PyTorch, convert " +
                "the model with model.float() before saving its state_dict.");
        }

        if (storage.Key is not string storageKey || storageKey.Length == 0 || storageKey.Contains('/'))
        {
            throw new InvalidDataException($"The tensor '{key}' names an invalid storage record; the file is damaged.");
        }

        long storageLength = ToLong(storage.ElementCount, key, "storage size");
        long offset = ToLong(args[1], key, "storage offset");
        long[] size = ToLongs(args[2], key, "size");
        long[] stride = ToLongs(args[3], key, "stride");
        if (size.Length != stride.Length)
        {
            throw new InvalidDataException(
                $"The tensor '{key}' has {size.Length} sizes but {stride.Length} strides; the file is damaged.");
        }

        var shape = new int[size.Length];
        long length = 1;
        for (int d = 0; d < size.Length; d++)
        {
            if (size[d] < 0 || size[d] > int.MaxValue)
            {
                throw new InvalidDataException($"The tensor '{key}' has an invalid size {size[d]} in dimension {d}.");
            }

            shape[d] = (int)size[d];
            length = length * size[d] > MaxStorageElements ? MaxStorageElements + 1 : length * size[d];
        }

        if (length > MaxStorageElements)
        {
            throw new InvalidDataException($"The tensor '{key}' is too large for one array.");
        }

        if (length == 0)
        {
            return TensorData.Own(shape, []);
        }

        // Contiguous (row-major) means each stride is the product of the sizes after it; dimensions of size 1 may
        // carry any stride because they are never stepped over.
        long expectedStride = 1;
        for (int d = size.Length - 1; d >= 0; d--)
        {
            if (size[d] != 1 && stride[d] != expectedStride)
            {
                throw new InvalidDataException(
                    $"The tensor '{key}' is not contiguous (size {FormatLongs(size)}, stride {FormatLongs(stride)}): " +
                    "it is a transposed or strided view. In PyTorch, save tensor.contiguous() instead.");
            }

            expectedStride *= size[d];
        }

        if (offset < 0 || storageLength < 0 || offset > storageLength || length > storageLength - offset)
        {
            throw new InvalidDataException(
                $"The tensor '{key}' reads elements {offset} to {offset + length - 1} of a storage of " +
                $"{storageLength}; the file is damaged.");
        }

        if (!storages.TryGetValue(storageKey, out float[]? values))
        {
            values = ReadStorage(archive, prefix + "data/" + storageKey, storageLength, bigEndian, key);
            storages.Add(storageKey, values);
        }

        return TensorData.Own(shape, values.AsSpan((int)offset, (int)length).ToArray());
    }

    private static float[] ReadStorage(ZipArchive archive, string name, long elements, bool bigEndian, string key)
    {
        ZipArchiveEntry entry = archive.GetEntry(name) ?? throw new InvalidDataException(
            $"The tensor '{key}' is stored in the record {name}, which the zip archive does not have.");
        if (elements > MaxStorageElements || entry.Length != elements * sizeof(float))
        {
            throw new InvalidDataException(
                $"The record {name} of tensor '{key}' holds {entry.Length} bytes, but data.pkl gives it {elements} " +
                "float32 values; the file is damaged.");
        }

        var values = new float[elements];
        using (Stream data = entry.Open())
        {
            try
            {
                data.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException($"The record {name} of tensor '{key}' is truncated.", e);
            }
        }

        if (bigEndian == BitConverter.IsLittleEndian)
        {
            Span<int> bits = MemoryMarshal.Cast<float, int>(values.AsSpan());
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }

        return values;
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, string what)
    {
        // data.pkl and byteorder are small; a record claiming more than this is not from torch.save.
        const long MaxRecordBytes = 1L << 30;
        if (entry.Length > MaxRecordBytes)
        {
            throw new InvalidDataException(
                $"The {what} record claims {entry.Length} bytes, more than torch.save writes.");
        }

        var bytes = new byte[entry.Length];
        using Stream data = entry.Open();
        try
        {
            data.ReadExactly(bytes);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"The {what} record is truncated.", e);
        }

        return bytes;
    }

    private static long ToLong(object? value, string key, string what) => value switch
    {
        int i => i,
        long l => l,
        BigInteger b when b >= long.MinValue && b <= long.MaxValue => (long)b,
        _ => throw new InvalidDataException(
            $"The tensor '{key}' has a {what} that is {Describe(value)}, not an integer."),
    };

    private static long[] ToLongs(object? value, string key, string what)
    {
        if (value is not object?[] items)
        {
            throw new InvalidDataException($"The tensor '{key}' has a {what} that is {Describe(value)}, not a tuple.");
        }

        var result = new long[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            result[i] = ToLong(items[i], key, what);
        }

        return result;
    }

    private static string FormatLongs(long[] values) => "(" + string.Join(", ", values) + ")";

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string s => $"the string '{s}'",
        ClassDict c => $"a pickled '{c.ClassName}'",
        TorchPickle.StorageType s => $"torch.{s.Name}",
        object?[] => "a tuple",
        IDictionary => "a dictionary",
        ICollection => "a list or set",
        IObjectConstructor => "a Python class or function",
        _ => $"a {value.GetType().Name}",
    };
}
