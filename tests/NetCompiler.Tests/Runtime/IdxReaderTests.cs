using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Xunit;

namespace NetCompiler.Tests.Runtime;

public sealed class IdxReaderTests : IDisposable
{
    // Two 2x3 images whose bytes cover both ends of the range.
    private static readonly byte[] s_pixels = [0, 255, 128, 1, 254, 51, 10, 20, 30, 40, 50, 60];

    private readonly string _directory = Directory.CreateTempSubdirectory("netcompiler-idx-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ReadImages_RawFile_ScalesPixelsToUnitRange()
    {
        string path = WriteFile("images", ImagesFile(2, 2, 3, s_pixels));

        IdxImages images = IdxReader.ReadImages(path);

        Assert.Equal((2, 2, 3), (images.Count, images.Rows, images.Columns));
        Assert.Equal(s_pixels.Select(p => p / 255f), images.Pixels);
        Assert.Equal(0f, images.Pixels[0]);
        Assert.Equal(1f, images.Pixels[1]);
    }

    [Fact]
    public void ReadImages_GzipFile_IsDetectedByItsBytesNotItsName()
    {
        byte[] raw = ImagesFile(2, 2, 3, s_pixels);
        string named = WriteFile("images.gz", Gzip(raw));
        string unnamed = WriteFile("images-without-extension", Gzip(raw));

        Assert.Equal(s_pixels.Select(p => p / 255f), IdxReader.ReadImages(named).Pixels);
        Assert.Equal(s_pixels.Select(p => p / 255f), IdxReader.ReadImages(unnamed).Pixels);
    }

    [Fact]
    public void ReadLabels_RawAndGzip_ReturnEveryLabel()
    {
        byte[] labels = [9, 0, 0, 3, 255];
        string raw = WriteFile("labels", LabelsFile(labels));
        string gzip = WriteFile("labels.gz", Gzip(LabelsFile(labels)));

        Assert.Equal([9, 0, 0, 3, 255], IdxReader.ReadLabels(raw));
        Assert.Equal([9, 0, 0, 3, 255], IdxReader.ReadLabels(gzip));
    }

    [Fact]
    public void ReadImages_EmptyImageSet_IsValid()
    {
        IdxImages images = IdxReader.ReadImages(WriteFile("empty", ImagesFile(0, 28, 28, [])));

        Assert.Equal((0, 28, 28), (images.Count, images.Rows, images.Columns));
        Assert.Empty(images.Pixels);
    }

    [Fact]
    public void ReadStreams_NonSeekable_RawAndGzip_ReadAndLeaveTheStreamOpen()
    {
        byte[] images = ImagesFile(2, 2, 3, s_pixels);
        byte[] labels = LabelsFile([4, 2]);

        foreach (byte[] bytes in new[] { images, Gzip(images) })
        {
            using var stream = new ForwardOnlyStream(bytes);
            Assert.Equal(s_pixels.Select(p => p / 255f), IdxReader.ReadImages(stream).Pixels);
            Assert.False(stream.Disposed);
        }

        foreach (byte[] bytes in new[] { labels, Gzip(labels) })
        {
            using var stream = new ForwardOnlyStream(bytes);
            Assert.Equal([4, 2], IdxReader.ReadLabels(stream));
        }
    }

    [Fact]
    public void ReadImages_LabelFile_SaysWhichMagicWasFoundAndWhichExpected()
    {
        string path = WriteFile("labels", LabelsFile([1, 2]));

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("0x00000801 (an IDX label file)", error.Message);
        Assert.Contains("an IDX image file starts with 0x00000803", error.Message);
    }

    [Fact]
    public void ReadLabels_ImageFile_SaysWhichMagicWasFoundAndWhichExpected()
    {
        string path = WriteFile("images", ImagesFile(2, 2, 3, s_pixels));

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.Contains("0x00000803 (an IDX image file)", error.Message);
        Assert.Contains("an IDX label file starts with 0x00000801", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0 }, "0x504B0304 (not IDX data)")]
    [InlineData(new byte[] { 0, 0, 0x0D, 0x03, 0, 0, 0, 0 }, "0x00000D03 (IDX with element type 0x0D and 3 dim")]
    public void ReadImages_OtherMagic_DescribesWhatWasFound(byte[] bytes, string expected)
    {
        string path = WriteFile("other", bytes);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void ReadImages_TruncatedRawData_IsRefusedBeforeReading()
    {
        byte[] file = ImagesFile(2, 2, 3, s_pixels);
        string path = WriteFile("truncated", file[..^5]);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Contains("2 images of 2x3 pixels (12 bytes of data), but only 7 bytes follow", error.Message);
    }

    [Fact]
    public void ReadImages_TruncatedDataInsideGzip_SaysWhereItEnded()
    {
        byte[] file = ImagesFile(2, 2, 3, s_pixels);
        string path = WriteFile("truncated.gz", Gzip(file[..^5]));

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("truncated: its decompressed content ends after 23 bytes", error.Message);
    }

    [Fact]
    public void ReadImages_TruncatedHeader_NamesTheField()
    {
        string path = WriteFile("header", ImagesFile(2, 2, 3, s_pixels)[..10]);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains("ends after 10 bytes, while reading the row count", error.Message);
    }

    [Fact]
    public void ReadImages_EmptyFile_IsTruncated()
    {
        string path = WriteFile("nothing", []);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains("ends after 0 bytes, while reading the magic number", error.Message);
    }

    [Fact]
    public void ReadImages_TrailingBytes_AreReported()
    {
        string raw = WriteFile("trailing", [.. ImagesFile(2, 2, 3, s_pixels), 1, 2, 3, 4, 5]);
        string gzip = WriteFile("trailing.gz", Gzip([.. ImagesFile(2, 2, 3, s_pixels), 1, 2, 3, 4, 5]));

        foreach (string path in new[] { raw, gzip })
        {
            var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
            Assert.Contains(path, error.Message);
            Assert.Contains(
                "has 5 bytes after the 28 bytes its header accounts for (2 images of 2x3 pixels)", error.Message);
        }
    }

    [Fact]
    public void ReadLabels_TrailingBytes_AreReported()
    {
        string path = WriteFile("labels", [.. LabelsFile([1, 2, 3]), 7]);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.Contains("has 1 bytes after the 11 bytes its header accounts for (3 labels)", error.Message);
    }

    [Theory]
    [InlineData(20_000_000u, 28u, 28u, "image count 20000000, outside the accepted range [0, 10000000]")]
    [InlineData(0xFFFFFFFFu, 28u, 28u, "image count 4294967295")]
    [InlineData(10u, 5000u, 28u, "row count 5000, outside the accepted range [1, 4096]")]
    [InlineData(10u, 28u, 0u, "column count 0, outside the accepted range [1, 4096]")]
    [InlineData(10_000_000u, 4096u, 4096u, "more than one array can hold")]
    [InlineData(1_000_000u, 28u, 28u, "(784000000 bytes of data), but only 12 bytes follow")]
    public void ReadImages_AbsurdDimensions_AreRefusedBeforeAllocating(
        uint count, uint rows, uint columns, string expected)
    {
        // The files hold only 12 bytes of pixels: reading them as declared would need a huge allocation first.
        byte[] file = [.. Header(0x803, count, rows, columns), .. s_pixels];
        string path = WriteFile("absurd", file);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void ReadLabels_AbsurdCount_IsRefused()
    {
        string path = WriteFile("labels", [.. Header(0x801, 50_000_000), 1, 2]);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.Contains("label count 50000000", error.Message);
    }

    [Fact]
    public void ReadImages_CorruptGzip_WrapsTheErrorWithTheFileName()
    {
        // A larger image set makes a real compressed block, in whose middle a flipped byte breaks the stream
        // or its CRC.
        byte[] pixels = Enumerable.Range(0, 10 * 28 * 28).Select(i => (byte)(i * 7 % 251)).ToArray();
        byte[] gzip = Gzip(ImagesFile(10, 28, 28, pixels));
        gzip[gzip.Length / 2] ^= 0xFF;
        string path = WriteFile("corrupt.gz", gzip);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("not valid gzip data", error.Message);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void ReadImages_GzipCutShort_IsReportedWithTheFileName()
    {
        byte[] pixels = Enumerable.Range(0, 10 * 28 * 28).Select(i => (byte)(i * 7 % 251)).ToArray();
        byte[] gzip = Gzip(ImagesFile(10, 28, 28, pixels));

        // GZipStream itself accepts a file cut anywhere in the 8-byte trailer; the reader's own check must not.
        foreach (int length in new[] { 2, 10, gzip.Length / 2, gzip.Length - 8, gzip.Length - 4, gzip.Length - 1 })
        {
            string path = WriteFile($"cut-{length}.gz", gzip[..length]);
            var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
            Assert.Contains(path, error.Message);
        }
    }

    [Fact]
    public void ReadImages_ConcatenatedGzipMembers_AreRefused()
    {
        byte[] file = ImagesFile(2, 2, 3, s_pixels);
        string path = WriteFile("two-members.gz", [.. Gzip(file[..10]), .. Gzip(file[10..])]);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains("several gzip members", error.Message);
    }

    [Fact]
    public void ReadImages_GzipWithWrongTrailerCrc_IsRefused()
    {
        byte[] gzip = Gzip(ImagesFile(2, 2, 3, s_pixels));
        gzip[^6] ^= 0x01;
        string path = WriteFile("bad-crc.gz", gzip);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("not valid gzip data", error.Message);
    }

    [Fact]
    public void ReadImages_MissingFile_ThrowsFileNotFound()
    {
        string path = Path.Combine(_directory, "absent");

        var error = Assert.Throws<FileNotFoundException>(() => IdxReader.ReadImages(path));

        Assert.Equal(path, error.FileName);
    }

    internal static byte[] ImagesFile(int count, int rows, int columns, byte[] pixels) =>
        [.. Header(0x803, (uint)count, (uint)rows, (uint)columns), .. pixels];

    internal static byte[] LabelsFile(byte[] labels) => [.. Header(0x801, (uint)labels.Length), .. labels];

    internal static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    private static byte[] Header(uint magic, params uint[] dimensions)
    {
        var header = new byte[4 * (1 + dimensions.Length)];
        BinaryPrimitives.WriteUInt32BigEndian(header, magic);
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 * (i + 1)), dimensions[i]);
        }

        return header;
    }

    private string WriteFile(string name, byte[] bytes)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A stream that can only be read forward, like a network or pipe stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public bool Disposed { get; private set; }

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
