using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Hashing;
using System.Text;

namespace NetCompiler;

/// <summary>One named tensor inside a network's flat parameter array.</summary>
/// <param name="Name">A name unique within the network, such as <c>dense_1/kernel</c>.</param>
/// <param name="Shape">The dimensions, outermost first, as Keras lays the tensor out.</param>
/// <param name="Offset">Where the tensor's first element sits in the parameter array.</param>
public readonly record struct TensorInfo(string Name, int[] Shape, int Offset)
{
    /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    /// <exception cref="OverflowException">The product does not fit in an <see cref="int"/>.</exception>
    public int Length
    {
        get
        {
            int length = 1;
            foreach (int dimension in Shape)
            {
                length = checked(length * dimension);
            }

            return length;
        }
    }
}

/// <summary>
/// Writes and reads a network's weights and optimizer state as a versioned binary file with a CRC-32, so that
/// training can resume exactly where it stopped. The layout is described in <c>docs/checkpoint-format.md</c>.
/// </summary>
/// <remarks>
/// Reading checks the whole file (its structure, the architecture, every tensor's name and shape, and the checksum)
/// into temporary buffers before it copies anything, so a failed load leaves the model exactly as it was.
/// </remarks>
public static class Checkpoint
{
    /// <summary>The newest format version this build writes and reads.</summary>
    public const uint FormatVersion = 1;

    /// <summary>The longest architecture fingerprint, in UTF-8 bytes.</summary>
    public const int MaxArchitectureBytes = 1 << 20;

    /// <summary>The longest tensor or optimizer name, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 1024;

    /// <summary>The most dimensions a tensor may have.</summary>
    public const int MaxRank = 8;

    private const int BufferSize = 1 << 16;

    // Strict decoding: invalid UTF-8 in a name is corruption and must not turn into replacement characters.
    private static readonly UTF8Encoding s_utf8 =
        new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static ReadOnlySpan<byte> Magic => "NCCK"u8;

    /// <summary>Writes a checkpoint to <paramref name="stream"/> from its current position.</summary>
    /// <param name="stream">Where to write; left open.</param>
    /// <param name="architecture">A fingerprint of the network's layers and sizes, compared on reading.</param>
    /// <param name="tensors">The tensors to store, in order, each a slice of <paramref name="parameters"/>.</param>
    /// <param name="parameters">The network's flat parameter array.</param>
    /// <param name="optimizer">The optimizer's name, such as <c>adam</c>, compared on reading.</param>
    /// <param name="optimizerStep">How many updates the optimizer has taken (Adam's bias correction needs it).</param>
    /// <param name="optimizerState">The optimizer's flat state, such as Adam's moments; may be empty.</param>
    /// <exception cref="ArgumentException">An argument is invalid; the message says which and why.</exception>
    public static void Write(
        Stream stream,
        string architecture,
        ReadOnlySpan<TensorInfo> tensors,
        ReadOnlySpan<float> parameters,
        string optimizer,
        long optimizerStep,
        ReadOnlySpan<float> optimizerState)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The checkpoint stream cannot be written to.", nameof(stream));
        }

        // Refuse anything Read would refuse, so that a checkpoint that was written can always be read back.
        CheckString(architecture, MaxArchitectureBytes, nameof(architecture));
        CheckString(optimizer, MaxNameBytes, nameof(optimizer));
        CheckLayout(tensors, parameters.Length, nameof(parameters));
        ArgumentOutOfRangeException.ThrowIfNegative(optimizerStep);

        var writer = new Writer(stream);
        writer.WriteBytes(Magic);
        writer.WriteUInt32(FormatVersion);
        writer.WriteString(architecture);
        writer.WriteInt32(tensors.Length);
        foreach (TensorInfo tensor in tensors)
        {
            writer.WriteString(tensor.Name);
            writer.WriteInt32(tensor.Shape.Length);
            foreach (int dimension in tensor.Shape)
            {
                writer.WriteInt32(dimension);
            }

            writer.WriteFloats(parameters.Slice(tensor.Offset, tensor.Length));
        }

        writer.WriteString(optimizer);
        writer.WriteInt64(optimizerStep);
        writer.WriteInt32(optimizerState.Length);
        writer.WriteFloats(optimizerState);
        writer.Finish();
    }

    /// <summary>
    /// Writes a checkpoint to <paramref name="path"/> atomically: into a temporary file beside it, flushed to disk,
    /// then moved over the target, so a crash never leaves a half-written checkpoint under the real name.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="architecture">As for <see cref="Write"/>.</param>
    /// <param name="tensors">As for <see cref="Write"/>.</param>
    /// <param name="parameters">As for <see cref="Write"/>.</param>
    /// <param name="optimizer">As for <see cref="Write"/>.</param>
    /// <param name="optimizerStep">As for <see cref="Write"/>.</param>
    /// <param name="optimizerState">As for <see cref="Write"/>.</param>
    /// <exception cref="ArgumentException">An argument is invalid; the message says which and why.</exception>
    public static void Save(
        string path,
        string architecture,
        ReadOnlySpan<TensorInfo> tensors,
        ReadOnlySpan<float> parameters,
        string optimizer,
        long optimizerStep,
        ReadOnlySpan<float> optimizerState)
    {
        using AtomicFileWriter file = AtomicFileWriter.Create(path, BufferSize);
        Write(file.Stream, architecture, tensors, parameters, optimizer, optimizerStep, optimizerState);
        file.Commit();
    }

    /// <summary>
    /// Reads a checkpoint from <paramref name="stream"/>'s current position, stopping right after its checksum.
    /// Everything is checked before <paramref name="parameters"/> and <paramref name="optimizerState"/> change.
    /// </summary>
    /// <param name="stream">Where to read; left open.</param>
    /// <param name="architecture">The fingerprint the checkpoint must have been written with.</param>
    /// <param name="tensors">The tensors expected, in order, with the shapes they must have.</param>
    /// <param name="parameters">Receives each tensor at its offset; untouched on failure.</param>
    /// <param name="optimizer">The optimizer name the checkpoint must have.</param>
    /// <param name="optimizerStep">Receives the optimizer's step count.</param>
    /// <param name="optimizerState">Receives the optimizer state (lengths must match); untouched on failure.</param>
    /// <exception cref="ArgumentException">An argument is invalid; the message says which and why.</exception>
    /// <exception cref="InvalidDataException">
    /// The data is corrupt, truncated, of a newer format, or was saved from a different network or optimizer; the
    /// message says which, with both values where there are two.
    /// </exception>
    public static void Read(
        Stream stream,
        string architecture,
        ReadOnlySpan<TensorInfo> tensors,
        Span<float> parameters,
        string optimizer,
        out long optimizerStep,
        Span<float> optimizerState)
    {
        ArgumentNullException.ThrowIfNull(stream);
        string source = stream is FileStream file ? $"'{file.Name}'" : "The checkpoint stream";
        ReadCore(
            stream, source, requireEnd: false, architecture, tensors, parameters, optimizer, out optimizerStep,
            optimizerState);
    }

    /// <summary>
    /// Reads the checkpoint file <paramref name="path"/>, which must end right after its checksum.
    /// Everything is checked before <paramref name="parameters"/> and <paramref name="optimizerState"/> change.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <param name="architecture">As for <see cref="Read"/>.</param>
    /// <param name="tensors">As for <see cref="Read"/>.</param>
    /// <param name="parameters">As for <see cref="Read"/>; untouched on failure.</param>
    /// <param name="optimizer">As for <see cref="Read"/>.</param>
    /// <param name="optimizerStep">As for <see cref="Read"/>.</param>
    /// <param name="optimizerState">As for <see cref="Read"/>; untouched on failure.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">An argument is invalid; the message says which and why.</exception>
    /// <exception cref="InvalidDataException">The file is not a loadable checkpoint; the message says why.</exception>
    public static void Load(
        string path,
        string architecture,
        ReadOnlySpan<TensorInfo> tensors,
        Span<float> parameters,
        string optimizer,
        out long optimizerStep,
        Span<float> optimizerState)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        ReadCore(
            file, $"'{path}'", requireEnd: true, architecture, tensors, parameters, optimizer, out optimizerStep,
            optimizerState);
    }

    private static void ReadCore(
        Stream stream,
        string source,
        bool requireEnd,
        string architecture,
        ReadOnlySpan<TensorInfo> tensors,
        Span<float> parameters,
        string optimizer,
        out long optimizerStep,
        Span<float> optimizerState)
    {
        if (!stream.CanRead)
        {
            throw new ArgumentException("The checkpoint stream cannot be read from.", nameof(stream));
        }

        CheckString(architecture, MaxArchitectureBytes, nameof(architecture));
        CheckString(optimizer, MaxNameBytes, nameof(optimizer));
        CheckLayout(tensors, parameters.Length, nameof(parameters));
        var reader = new Reader(stream, source);

        // Magic and version first: a newer version may lay out everything after it differently.
        Span<byte> magic = stackalloc byte[4];
        reader.ReadBytes(magic, "the magic number");
        if (!magic.SequenceEqual(Magic))
        {
            throw new InvalidDataException(
                $"{source} is not a NetCompiler checkpoint: it starts with bytes {Convert.ToHexString(magic)}, " +
                $"not {Convert.ToHexString(Magic)} (\"NCCK\").");
        }

        uint version = reader.ReadUInt32("the format version");
        if (version > FormatVersion)
        {
            throw new InvalidDataException(
                $"{source} uses checkpoint format version {version}, which is newer than version {FormatVersion}, " +
                "the newest this build of NetCompiler reads. Update NetCompiler to load it.");
        }

        if (version == 0)
        {
            throw new InvalidDataException($"{source} claims checkpoint format version 0, which does not exist.");
        }

        // The network it was saved from.
        string fileArchitecture = reader.ReadString("the architecture", MaxArchitectureBytes);
        if (fileArchitecture != architecture)
        {
            throw new InvalidDataException(
                $"{source} was saved from a different network architecture (they first differ at character " +
                $"{FirstDifference(fileArchitecture, architecture)}).{Environment.NewLine}" +
                $"  checkpoint:   {fileArchitecture}{Environment.NewLine}" +
                $"  this network: {architecture}");
        }

        // Every tensor, checked against the expected list before its data is read into a scratch copy.
        int tensorCount = reader.ReadInt32("the tensor count");
        if (tensorCount != tensors.Length)
        {
            throw new InvalidDataException(
                $"{source} holds {tensorCount} tensors, but this network has {tensors.Length}.");
        }

        var newParameters = new float[parameters.Length];
        Span<int> shape = stackalloc int[MaxRank];
        for (int i = 0; i < tensors.Length; i++)
        {
            TensorInfo expected = tensors[i];
            string name = reader.ReadString($"the name of tensor #{i}", MaxNameBytes);
            if (name != expected.Name)
            {
                throw new InvalidDataException(
                    $"{source} names tensor #{i} '{name}', but this network's tensor #{i} is '{expected.Name}'.");
            }

            int rank = reader.ReadInt32($"the rank of tensor '{name}'");
            if ((uint)rank > MaxRank)
            {
                throw new InvalidDataException(
                    $"{source} gives tensor '{name}' {rank} dimensions, outside [0, {MaxRank}]; the file is corrupt.");
            }

            for (int d = 0; d < rank; d++)
            {
                shape[d] = reader.ReadInt32($"the shape of tensor '{name}'");
            }

            if (!shape[..rank].SequenceEqual(expected.Shape))
            {
                throw new InvalidDataException(
                    $"{source} gives tensor '{name}' the shape {FormatShape(shape[..rank])}, but this network's " +
                    $"is {FormatShape(expected.Shape)}.");
            }

            reader.ReadFloats(newParameters.AsSpan(expected.Offset, expected.Length), $"the data of tensor '{name}'");
        }

        // The optimizer and its state.
        string fileOptimizer = reader.ReadString("the optimizer name", MaxNameBytes);
        if (fileOptimizer != optimizer)
        {
            throw new InvalidDataException(
                $"{source} was saved with the '{fileOptimizer}' optimizer, but this network uses '{optimizer}'.");
        }

        long step = reader.ReadInt64("the optimizer step");
        if (step < 0)
        {
            throw new InvalidDataException($"{source} gives a negative optimizer step ({step}); the file is corrupt.");
        }

        int stateLength = reader.ReadInt32("the optimizer state length");
        if (stateLength != optimizerState.Length)
        {
            throw new InvalidDataException(
                $"{source} holds {stateLength} floats of '{optimizer}' optimizer state, but this network has " +
                $"{optimizerState.Length}.");
        }

        var newState = new float[stateLength];
        reader.ReadFloats(newState, "the optimizer state");
        reader.VerifyChecksum();
        if (requireEnd)
        {
            reader.ExpectEnd();
        }

        // Only now, with the whole checkpoint verified, does the model change.
        foreach (TensorInfo tensor in tensors)
        {
            newParameters.AsSpan(tensor.Offset, tensor.Length).CopyTo(parameters.Slice(tensor.Offset, tensor.Length));
        }

        newState.CopyTo(optimizerState);
        optimizerStep = step;
    }

    private static void CheckString(string value, int maxBytes, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(value, parameterName);
        int bytes = Utf8Length(value, parameterName, parameterName);
        if (bytes > maxBytes)
        {
            throw new ArgumentException(
                $"{parameterName} is {bytes} UTF-8 bytes long, more than the {maxBytes} a checkpoint allows.",
                parameterName);
        }
    }

    private static void CheckLayout(ReadOnlySpan<TensorInfo> tensors, int parameterCount, string parametersName)
    {
        for (int i = 0; i < tensors.Length; i++)
        {
            TensorInfo tensor = tensors[i];
            if (string.IsNullOrEmpty(tensor.Name) ||
                Utf8Length(tensor.Name, $"tensors[{i}].Name", "tensors") > MaxNameBytes)
            {
                throw new ArgumentException(
                    $"tensors[{i}] has an empty name or one longer than {MaxNameBytes} UTF-8 bytes.", "tensors");
            }

            if (tensor.Shape is null || tensor.Shape.Length > MaxRank)
            {
                throw new ArgumentException(
                    $"Tensor '{tensor.Name}' has {tensor.Shape?.Length.ToString() ?? "no"} dimensions; a checkpoint " +
                    $"allows 0 to {MaxRank}.",
                    "tensors");
            }

            long length = 1;
            foreach (int dimension in tensor.Shape)
            {
                if (dimension < 1)
                {
                    throw new ArgumentException(
                        $"Tensor '{tensor.Name}' has shape {FormatShape(tensor.Shape)}; every dimension must be at " +
                        "least 1.",
                        "tensors");
                }

                length = Math.Min(length * dimension, (long)int.MaxValue + 1);
            }

            if (tensor.Offset < 0 || tensor.Offset + length > parameterCount)
            {
                throw new ArgumentException(
                    $"Tensor '{tensor.Name}' covers elements [{tensor.Offset}, {tensor.Offset + length}) of " +
                    $"{parametersName}, which has {parameterCount}.",
                    "tensors");
            }
        }
    }

    private static int Utf8Length(string value, string description, string parameterName)
    {
        try
        {
            return s_utf8.GetByteCount(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException(
                $"{description} is not valid text (it has an unpaired surrogate) and cannot be stored as UTF-8.",
                parameterName,
                e);
        }
    }

    private static string FormatShape(ReadOnlySpan<int> shape)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(shape[i]);
        }

        return text.Append(']').ToString();
    }

    private static int FirstDifference(string a, string b)
    {
        int common = Math.Min(a.Length, b.Length);
        for (int i = 0; i < common; i++)
        {
            if (a[i] != b[i])
            {
                return i;
            }
        }

        return common;
    }

    /// <summary>Buffers the output and feeds every byte but the checksum itself into the CRC.</summary>
    private sealed class Writer(Stream stream)
    {
        private readonly byte[] _buffer = new byte[BufferSize];
        private readonly Crc32 _crc = new();
        private int _used;

        public void WriteBytes(ReadOnlySpan<byte> bytes)
        {
            while (!bytes.IsEmpty)
            {
                int length = Math.Min(bytes.Length, Reserve(1));
                bytes[..length].CopyTo(_buffer.AsSpan(_used));
                _used += length;
                bytes = bytes[length..];
            }
        }

        public void WriteUInt32(uint value)
        {
            Reserve(sizeof(uint));
            BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_used), value);
            _used += sizeof(uint);
        }

        public void WriteInt32(int value) => WriteUInt32(unchecked((uint)value));

        public void WriteInt64(long value)
        {
            Reserve(sizeof(long));
            BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_used), value);
            _used += sizeof(long);
        }

        public void WriteString(string value)
        {
            WriteInt32(s_utf8.GetByteCount(value));
            WriteBytes(s_utf8.GetBytes(value));
        }

        public void WriteFloats(ReadOnlySpan<float> values)
        {
            // Element by element so that the file is little-endian whatever the machine's byte order.
            while (!values.IsEmpty)
            {
                int count = Math.Min(values.Length, Reserve(sizeof(float)) / sizeof(float));
                Span<byte> destination = _buffer.AsSpan(_used);
                for (int i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(destination[(i * sizeof(float))..], values[i]);
                }

                _used += count * sizeof(float);
                values = values[count..];
            }
        }

        public void Finish()
        {
            Flush();
            Span<byte> checksum = stackalloc byte[sizeof(uint)];
            BinaryPrimitives.WriteUInt32LittleEndian(checksum, _crc.GetCurrentHashAsUInt32());
            stream.Write(checksum);
            stream.Flush();
        }

        /// <summary>Makes room for at least <paramref name="bytes"/> bytes and returns the room there is.</summary>
        private int Reserve(int bytes)
        {
            if (_buffer.Length - _used < bytes)
            {
                Flush();
            }

            return _buffer.Length - _used;
        }

        private void Flush()
        {
            _crc.Append(_buffer.AsSpan(0, _used));
            stream.Write(_buffer, 0, _used);
            _used = 0;
        }
    }

    /// <summary>
    /// Reads exactly the bytes asked for, never ahead, so that the stream stops right after the checkpoint;
    /// feeds them into the CRC and reports truncation with the byte offset and the field being read.
    /// </summary>
    private sealed class Reader(Stream stream, string source)
    {
        private readonly byte[] _buffer = new byte[BufferSize];
        private readonly Crc32 _crc = new();
        private long _position;

        public void ReadBytes(Span<byte> destination, string what)
        {
            ReadUnhashed(destination, what);
            _crc.Append(destination);
        }

        public uint ReadUInt32(string what)
        {
            Span<byte> bytes = stackalloc byte[sizeof(uint)];
            ReadBytes(bytes, what);
            return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        }

        public int ReadInt32(string what) => unchecked((int)ReadUInt32(what));

        public long ReadInt64(string what)
        {
            Span<byte> bytes = stackalloc byte[sizeof(long)];
            ReadBytes(bytes, what);
            return BinaryPrimitives.ReadInt64LittleEndian(bytes);
        }

        public string ReadString(string what, int maxBytes)
        {
            // Bound the length before allocating: a corrupt length must not become a huge allocation.
            int length = ReadInt32($"the length of {what}");
            if ((uint)length > (uint)maxBytes)
            {
                throw new InvalidDataException(
                    $"{source} gives {what} a length of {length} bytes, outside [0, {maxBytes}]; the file is " +
                    "corrupt.");
            }

            byte[] bytes = new byte[length];
            ReadBytes(bytes, what);
            try
            {
                return s_utf8.GetString(bytes);
            }
            catch (DecoderFallbackException e)
            {
                throw new InvalidDataException($"{source} has invalid UTF-8 in {what}; the file is corrupt.", e);
            }
        }

        public void ReadFloats(Span<float> destination, string what)
        {
            while (!destination.IsEmpty)
            {
                int count = Math.Min(destination.Length, _buffer.Length / sizeof(float));
                Span<byte> bytes = _buffer.AsSpan(0, count * sizeof(float));
                ReadBytes(bytes, what);
                for (int i = 0; i < count; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
                }

                destination = destination[count..];
            }
        }

        public void VerifyChecksum()
        {
            Span<byte> bytes = stackalloc byte[sizeof(uint)];
            long checksumOffset = _position;
            ReadUnhashed(bytes, "the checksum");
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
            uint computed = _crc.GetCurrentHashAsUInt32();
            if (stored != computed)
            {
                throw new InvalidDataException(
                    $"{source} is corrupt: the CRC-32 of its first {checksumOffset} bytes is 0x{computed:X8}, " +
                    $"but the file stores 0x{stored:X8}.");
            }
        }

        public void ExpectEnd()
        {
            long end = _position;
            long extra = 0;
            int read;
            while ((read = stream.Read(_buffer)) > 0)
            {
                extra += read;
            }

            if (extra > 0)
            {
                throw new InvalidDataException(
                    $"{source} has {extra} unexpected bytes after the checkpoint, which ends at byte {end}.");
            }
        }

        private void ReadUnhashed(Span<byte> destination, string what)
        {
            while (!destination.IsEmpty)
            {
                int read = stream.Read(destination);
                if (read == 0)
                {
                    throw new InvalidDataException(
                        $"{source} is truncated: it ends after {_position} bytes, while reading {what}.");
                }

                _position += read;
                destination = destination[read..];
            }
        }
    }
}
