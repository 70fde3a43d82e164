using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.IO.Hashing;

namespace NetCompiler;

/// <summary>
/// Images read from an IDX file and scaled to [0, 1]. Image <c>i</c> is
/// <c>Pixels[i * Rows * Columns .. (i + 1) * Rows * Columns]</c>, row after row.
/// </summary>
/// <param name="Pixels">Every pixel divided by 255, image after image.</param>
/// <param name="Count">The number of images.</param>
/// <param name="Rows">The height of each image.</param>
/// <param name="Columns">The width of each image.</param>
public sealed record IdxImages(float[] Pixels, int Count, int Rows, int Columns);

/// <summary>
/// Reads the IDX files of MNIST and Fashion-MNIST: unsigned-byte image files (3 dimensions) and label files
/// (1 dimension), raw or gzip-compressed, told apart by the gzip signature rather than by the file name.
/// </summary>
/// <remarks>
/// <para>IDX layout: a big-endian magic number <c>0x0000TTDD</c> (TT = element type, 0x08 for unsigned bytes;
/// DD = number of dimensions), one big-endian uint32 per dimension, then the elements. Every way a file can be wrong
/// is reported as an <see cref="InvalidDataException"/> that names the file, before any large buffer is allocated
/// where possible.</para>
/// <para>A gzip file must be a single gzip member, as the published dataset files are: the reader checks the final
/// CRC-32 and length against the whole content, because GZipStream accepts a file cut short inside its trailer.
/// Concatenated members (<c>cat a.gz b.gz</c>) are therefore refused.</para>
/// </remarks>
public static class IdxReader
{
    /// <summary>The most images or labels a file may claim; more means a corrupt header.</summary>
    public const int MaxCount = 10_000_000;

    /// <summary>The largest image height or width a file may claim; more means a corrupt header.</summary>
    public const int MaxSide = 4096;

    private const uint ImagesMagic = 0x00000803;
    private const uint LabelsMagic = 0x00000801;
    private const int ChunkSize = 1 << 16;

    // pixel / 255f for each byte value, computed once, so that conversion is a lookup.
    private static readonly float[] s_scaledPixels = CreateScaledPixels();

    /// <summary>Reads an image file, raw or gzip-compressed.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid IDX image file; the message says why.</exception>
    public static IdxImages ReadImages(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream file = OpenFile(path);
        return ReadImages(file, path);
    }

    /// <summary>Reads an image file from the stream's current position; the stream is left open.</summary>
    /// <exception cref="InvalidDataException">The data is not a valid IDX image file; the message says why.</exception>
    public static IdxImages ReadImages(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadImages(stream, Describe(stream));
    }

    /// <summary>Reads a label file, raw or gzip-compressed. Labels are not range-checked here.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid IDX label file; the message says why.</exception>
    public static int[] ReadLabels(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream file = OpenFile(path);
        return ReadLabels(file, path);
    }

    /// <summary>Reads a label file from the stream's current position; the stream is left open.</summary>
    /// <exception cref="InvalidDataException">The data is not a valid IDX label file; the message says why.</exception>
    public static int[] ReadLabels(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadLabels(stream, Describe(stream));
    }

    private static IdxImages ReadImages(Stream stream, string source)
    {
        using Reader reader = Reader.Open(stream, source);

        // Header: magic, then count, rows and columns, each bounded before anything is allocated from them.
        CheckMagic(reader.ReadUInt32("the magic number"), ImagesMagic, "image", source);
        int count = reader.ReadDimension("image count", 0, MaxCount);
        int rows = reader.ReadDimension("row count", 1, MaxSide);
        int columns = reader.ReadDimension("column count", 1, MaxSide);
        long pixelCount = (long)count * rows * columns;
        string described = $"{count} images of {rows}x{columns} pixels";
        if (pixelCount > Array.MaxLength)
        {
            throw new InvalidDataException(
                $"'{source}' declares {described} ({pixelCount} pixels), more than one array can hold.");
        }

        reader.CheckAvailable(pixelCount, described);

        // Data: bytes in chunks, scaled into the float array as they arrive.
        var pixels = new float[pixelCount];
        byte[] chunk = new byte[(int)Math.Min(ChunkSize, Math.Max(pixelCount, 1))];
        for (long done = 0; done < pixelCount;)
        {
            int length = (int)Math.Min(chunk.Length, pixelCount - done);
            reader.ReadData(chunk.AsSpan(0, length), pixelCount, described);
            Span<float> destination = pixels.AsSpan((int)done, length);
            for (int i = 0; i < length; i++)
            {
                destination[i] = s_scaledPixels[chunk[i]];
            }

            done += length;
        }

        reader.ExpectEnd(described);
        return new IdxImages(pixels, count, rows, columns);
    }

    private static int[] ReadLabels(Stream stream, string source)
    {
        using Reader reader = Reader.Open(stream, source);

        CheckMagic(reader.ReadUInt32("the magic number"), LabelsMagic, "label", source);
        int count = reader.ReadDimension("label count", 0, MaxCount);
        string described = $"{count} labels";
        reader.CheckAvailable(count, described);

        var labels = new int[count];
        byte[] chunk = new byte[Math.Min(ChunkSize, Math.Max(count, 1))];
        for (int done = 0; done < count;)
        {
            int length = Math.Min(chunk.Length, count - done);
            reader.ReadData(chunk.AsSpan(0, length), count, described);
            for (int i = 0; i < length; i++)
            {
                labels[done + i] = chunk[i];
            }

            done += length;
        }

        reader.ExpectEnd(described);
        return labels;
    }

    private static void CheckMagic(uint found, uint expected, string kind, string source)
    {
        if (found == expected)
        {
            return;
        }

        // Say what the file looks like instead, so that swapped image and label paths are obvious.
        string looksLike = found switch
        {
            ImagesMagic => " (an IDX image file)",
            LabelsMagic => " (an IDX label file)",
            _ when found >> 16 == 0 =>
                $" (IDX with element type 0x{(found >> 8) & 0xFF:X2} and {found & 0xFF} dimensions)",
            _ => " (not IDX data)",
        };
        throw new InvalidDataException(
            $"'{source}' starts with magic number 0x{found:X8}{looksLike}, but an IDX {kind} file starts with " +
            $"0x{expected:X8}.");
    }

    private static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkSize, FileOptions.SequentialScan);

    private static string Describe(Stream stream) => stream is FileStream file ? file.Name : "the stream";

    private static float[] CreateScaledPixels()
    {
        var table = new float[256];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = i / 255f;
        }

        return table;
    }

    /// <summary>
    /// Reads the decompressed IDX content, counting bytes so that errors can say where the data ended, and turning
    /// gzip failures into errors that name the file.
    /// </summary>
    private sealed class Reader : IDisposable
    {
        private readonly Stream _body;
        private readonly PrefixStream _raw;
        private readonly string _source;
        private readonly bool _compressed;
        private readonly long _rawLength;
        private readonly Crc32? _contentCrc;
        private long _position;

        private Reader(Stream body, PrefixStream raw, string source, bool compressed, long rawLength)
        {
            _body = body;
            _raw = raw;
            _source = source;
            _compressed = compressed;
            _rawLength = rawLength;
            _contentCrc = compressed ? new Crc32() : null;
        }

        public static Reader Open(Stream stream, string source)
        {
            // Peek at two bytes to tell gzip (1F 8B) from raw IDX (00 00), then replay them to whichever reads on.
            byte[] head = new byte[2];
            int headLength = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            bool compressed = headLength == 2 && head[0] == 0x1F && head[1] == 0x8B;
            long rawLength = !compressed && stream.CanSeek ? stream.Length - stream.Position + headLength : -1;
            var replay = new PrefixStream(head.AsSpan(0, headLength).ToArray(), stream);
            Stream body = compressed ? new GZipStream(replay, CompressionMode.Decompress) : replay;
            return new Reader(body, replay, source, compressed, rawLength);
        }

        public uint ReadUInt32(string what)
        {
            Span<byte> bytes = stackalloc byte[4];
            Fill(bytes, what);
            return BinaryPrimitives.ReadUInt32BigEndian(bytes);
        }

        public int ReadDimension(string what, int min, int max)
        {
            uint value = ReadUInt32($"the {what}");
            if (value < min || value > max)
            {
                throw new InvalidDataException(
                    $"'{_source}' declares {what} {value}, outside the accepted range [{min}, {max}]; the " +
                    "header is probably corrupt.");
            }

            return (int)value;
        }

        /// <summary>Fails before allocating when the size of a raw file already shows that data is missing.</summary>
        public void CheckAvailable(long dataLength, string described)
        {
            if (_rawLength >= 0 && _rawLength - _position < dataLength)
            {
                throw new InvalidDataException(
                    $"'{_source}' is truncated: its header declares {described} ({dataLength} bytes of data), " +
                    $"but only {_rawLength - _position} bytes follow the {_position}-byte header.");
            }
        }

        public void ReadData(Span<byte> destination, long dataLength, string described) =>
            Fill(destination, $"the data ({described}, {dataLength} bytes)");

        public void ExpectEnd(string described)
        {
            long dataEnd = _position;
            Span<byte> scratch = stackalloc byte[4096];
            long extra = 0;
            int read;
            while ((read = Read(scratch)) > 0)
            {
                extra += read;
            }

            if (extra > 0)
            {
                throw new InvalidDataException(
                    $"'{_source}' has {extra} bytes after the {dataEnd} bytes its header accounts for " +
                    $"({described}); the header or the file is wrong.");
            }

            if (_contentCrc is not null)
            {
                CheckGzipTrailer();
            }
        }

        private void CheckGzipTrailer()
        {
            // A gzip member ends with the CRC-32 and the length (mod 2^32) of its content, both little-endian.
            // GZipStream verifies them when present but says nothing when the file stops before them.
            ReadOnlySpan<byte> trailer = _raw.LastBytes;
            uint crc = _contentCrc!.GetCurrentHashAsUInt32();
            if (trailer.Length < 8 ||
                BinaryPrimitives.ReadUInt32LittleEndian(trailer) != crc ||
                BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]) != unchecked((uint)_position))
            {
                throw new InvalidDataException(
                    $"'{_source}' is not valid gzip data: it does not end with the CRC-32 and length of its " +
                    $"{_position} decompressed bytes, so it is truncated, corrupt, or made of several gzip members.");
            }
        }

        public void Dispose() => _body.Dispose();

        private void Fill(Span<byte> destination, string what)
        {
            while (!destination.IsEmpty)
            {
                int read = Read(destination);
                if (read == 0)
                {
                    string content = _compressed ? "its decompressed content" : "it";
                    throw new InvalidDataException(
                        $"'{_source}' is truncated: {content} ends after {_position} bytes, while reading {what}.");
                }

                destination = destination[read..];
            }
        }

        private int Read(Span<byte> destination)
        {
            int read;
            try
            {
                read = _body.Read(destination);
            }
            catch (InvalidDataException e)
            {
                // GZipStream's own message does not say which file was being read.
                throw new InvalidDataException(
                    $"'{_source}' is not valid gzip data (corrupt or truncated) after {_position} decompressed " +
                    $"bytes: {e.Message}",
                    e);
            }

            _contentCrc?.Append(destination[..read]);
            _position += read;
            return read;
        }
    }

    /// <summary>A read-only stream that yields bytes already taken from another stream, then the rest of it.</summary>
    private sealed class PrefixStream(byte[] prefix, Stream inner) : Stream
    {
        private readonly byte[] _last = new byte[8];
        private int _lastLength;
        private int _offset;

        /// <summary>The last (up to) 8 bytes read, where a gzip file keeps its trailer.</summary>
        public ReadOnlySpan<byte> LastBytes => _last.AsSpan(0, _lastLength);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read;
            if (_offset < prefix.Length)
            {
                read = Math.Min(buffer.Length, prefix.Length - _offset);
                prefix.AsSpan(_offset, read).CopyTo(buffer);
                _offset += read;
            }
            else
            {
                read = inner.Read(buffer);
            }

            RememberLast(buffer[..read]);
            return read;
        }

        public override void Flush()
        {
        }

        private void RememberLast(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length >= _last.Length)
            {
                bytes[^_last.Length..].CopyTo(_last);
                _lastLength = _last.Length;
                return;
            }

            // Keep the newest bytes: shift out as many old ones as needed, then append.
            int keep = Math.Min(_lastLength, _last.Length - bytes.Length);
            _last.AsSpan(_lastLength - keep, keep).CopyTo(_last);
            bytes.CopyTo(_last.AsSpan(keep));
            _lastLength = keep + bytes.Length;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
