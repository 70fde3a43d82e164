using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Hashing;
using System.Linq;
using Xunit;

namespace NetCompiler.Tests.Runtime;

public sealed class CheckpointTests : IDisposable
{
    private const string Architecture = "Dense(2->3,relu)";
    private const string Optimizer = "adam";
    private const long Step = 17;

    // A kernel (2, 3) and a bias (3) in a flat array of 10, the last element belonging to no tensor.
    private static readonly TensorInfo[] s_tensors = [new("dense/kernel", [2, 3], 0), new("dense/bias", [3], 6)];
    private static readonly float[] s_parameters = [0.5f, -1.25f, 3e-8f, float.MaxValue, -0f, 1f, 2f, 3f, 4f, 99f];
    private static readonly float[] s_state = Enumerable.Range(0, 18).Select(i => i * 0.1f - 0.5f).ToArray();

    private readonly string _directory = Directory.CreateTempSubdirectory("netcompiler-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void WriteThenRead_RestoresEveryTensorTheStepAndTheState()
    {
        byte[] bytes = WriteToBytes();
        var destination = new Destination();

        Checkpoint.Read(
            new MemoryStream(bytes), Architecture, s_tensors, destination.Parameters, Optimizer, out long step,
            destination.State);

        Assert.Equal(s_parameters[..9], destination.Parameters[..9]);
        Assert.Equal(Destination.Sentinel, destination.Parameters[9]); // covered by no tensor, so not written
        Assert.Equal(s_state, destination.State);
        Assert.Equal(Step, step);
    }

    [Fact]
    public void Write_ProducesTheDocumentedLayout()
    {
        byte[] bytes = WriteToBytes();

        Assert.Equal("NCCK"u8.ToArray(), bytes[..4]);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(Architecture.Length, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(Architecture, System.Text.Encoding.UTF8.GetString(bytes, 12, Architecture.Length));
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12 + Architecture.Length)));

        // magic, version, 2 strings, tensor count, 2 tensors (name, rank, dims, data), step, state length, state, CRC.
        int expectedLength = 4 + 4 + (4 + Architecture.Length) + 4
            + (4 + 12 + 4 + 8 + 6 * 4) + (4 + 10 + 4 + 4 + 3 * 4)
            + (4 + Optimizer.Length) + 8 + 4 + 18 * 4 + 4;
        Assert.Equal(expectedLength, bytes.Length);
        Assert.Equal(
            Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(^4)));
    }

    [Fact]
    public void Read_StopsRightAfterTheChecksum()
    {
        byte[] checkpoint = WriteToBytes();
        var stream = new MemoryStream([.. checkpoint, .. "tail"u8]);
        var destination = new Destination();

        Checkpoint.Read(stream, Architecture, s_tensors, destination.Parameters, Optimizer, out _, destination.State);

        Assert.Equal(checkpoint.Length, stream.Position);
    }

    [Fact]
    public void SaveThenLoad_ThroughAFile_RoundTripsAndLeavesNoTemporaryFile()
    {
        string path = Path.Combine(_directory, "model.ncck");
        File.WriteAllText(path, "an older checkpoint to replace");

        Checkpoint.Save(path, Architecture, s_tensors, s_parameters, Optimizer, Step, s_state);
        var destination = new Destination();
        Checkpoint.Load(
            path, Architecture, s_tensors, destination.Parameters, Optimizer, out long step, destination.State);

        Assert.Equal(s_parameters[..9], destination.Parameters[..9]);
        Assert.Equal(s_state, destination.State);
        Assert.Equal(Step, step);
        Assert.Equal(["model.ncck"], Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_InvalidArguments_LeaveNoFileBehind()
    {
        string path = Path.Combine(_directory, "model.ncck");

        Assert.Throws<ArgumentOutOfRangeException>(
            () => Checkpoint.Save(path, Architecture, s_tensors, s_parameters, Optimizer, -1, s_state));

        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void Load_FileWithTrailingBytes_IsRefusedAndChangesNothing()
    {
        string path = Path.Combine(_directory, "model.ncck");
        File.WriteAllBytes(path, [.. WriteToBytes(), 0]);
        var destination = new Destination();

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(
            path, Architecture, s_tensors, destination.Parameters, Optimizer, out _, destination.State));

        Assert.Contains(path, error.Message);
        Assert.Contains("1 unexpected bytes after the checkpoint", error.Message);
        destination.AssertUntouched();
    }

    [Fact]
    public void Read_EveryTruncation_IsRefusedAndChangesNothing()
    {
        byte[] bytes = WriteToBytes();

        for (int length = 0; length < bytes.Length; length++)
        {
            InvalidDataException error = ReadExpectingFailure(bytes[..length]);
            Assert.Contains($"is truncated: it ends after {length} bytes", error.Message);
        }
    }

    [Fact]
    public void Read_EveryFlippedByte_IsRefusedAndChangesNothing()
    {
        byte[] bytes = WriteToBytes();

        for (int position = 0; position < bytes.Length; position++)
        {
            byte[] corrupt = bytes.ToArray();
            corrupt[position] ^= 0x5A;
            ReadExpectingFailure(corrupt);
        }
    }

    [Fact]
    public void Read_FlippedDataByte_FailsTheChecksum()
    {
        byte[] bytes = WriteToBytes();
        bytes[bytes.Length - 20] ^= 0x01; // inside the optimizer state

        InvalidDataException error = ReadExpectingFailure(bytes);

        Assert.Contains("is corrupt: the CRC-32 of its first", error.Message);
    }

    [Fact]
    public void Read_DifferentArchitecture_ShowsBothFingerprints()
    {
        byte[] bytes = WriteToBytes(architecture: "Dense(2->3,tanh)");

        InvalidDataException error = ReadExpectingFailure(bytes);

        Assert.Contains("different network architecture (they first differ at character 11)", error.Message);
        Assert.Contains("checkpoint:   Dense(2->3,tanh)", error.Message);
        Assert.Contains("this network: Dense(2->3,relu)", error.Message);
    }

    [Fact]
    public void Read_DifferentTensorShape_NamesTheTensorAndBothShapes()
    {
        // Same element count, transposed shape: only the shape check can catch it.
        TensorInfo[] transposed = [new("dense/kernel", [3, 2], 0), s_tensors[1]];
        byte[] bytes = WriteToBytes(tensors: transposed);

        InvalidDataException error = ReadExpectingFailure(bytes);

        Assert.Contains("gives tensor 'dense/kernel' the shape [3, 2], but this network's is [2, 3]", error.Message);
    }

    [Fact]
    public void Read_DifferentTensorName_NamesBoth()
    {
        TensorInfo[] renamed = [s_tensors[0], new("dense/offset", [3], 6)];

        InvalidDataException error = ReadExpectingFailure(WriteToBytes(tensors: renamed));

        Assert.Contains("names tensor #1 'dense/offset', but this network's tensor #1 is 'dense/bias'", error.Message);
    }

    [Fact]
    public void Read_DifferentTensorCount_SaysBothCounts()
    {
        InvalidDataException error = ReadExpectingFailure(WriteToBytes(tensors: s_tensors[..1]));

        Assert.Contains("holds 1 tensors, but this network has 2", error.Message);
    }

    [Fact]
    public void Read_DifferentOptimizer_NamesBoth()
    {
        InvalidDataException error = ReadExpectingFailure(WriteToBytes(optimizer: "sgd"));

        Assert.Contains("saved with the 'sgd' optimizer, but this network uses 'adam'", error.Message);
    }

    [Fact]
    public void Read_DifferentStateLength_SaysBothLengths()
    {
        byte[] bytes = WriteToBytes(state: new float[4]);

        InvalidDataException error = ReadExpectingFailure(bytes);

        Assert.Contains("holds 4 floats of 'adam' optimizer state, but this network has 18", error.Message);
    }

    [Fact]
    public void Read_NewerFormatVersion_SaysSo()
    {
        // A well-formed file in every other respect, checksum included, so only the version can be blamed.
        byte[] bytes = WriteToBytes();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 2);
        uint crc = Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(^4), crc);

        InvalidDataException error = ReadExpectingFailure(bytes);

        Assert.Contains("uses checkpoint format version 2, which is newer than version 1", error.Message);
        Assert.Contains("Update NetCompiler", error.Message);
    }

    [Fact]
    public void Read_WrongMagic_SaysWhatWasFound()
    {
        byte[] bytes = WriteToBytes();
        "PK\u0003\u0004"u8.CopyTo(bytes);

        InvalidDataException error = ReadExpectingFailure(bytes);

        Assert.Contains("is not a NetCompiler checkpoint: it starts with bytes 504B0304", error.Message);
    }

    [Fact]
    public void Read_FromAFileStream_NamesTheFile()
    {
        string path = Path.Combine(_directory, "bad.ncck");
        File.WriteAllBytes(path, WriteToBytes()[..30]);
        var destination = new Destination();

        using FileStream file = File.OpenRead(path);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(
            file, Architecture, s_tensors, destination.Parameters, Optimizer, out _, destination.State));

        Assert.Contains($"'{path}' is truncated", error.Message);
    }

    [Fact]
    public void Write_InvalidLayout_ThrowsNamingTheTensor()
    {
        using var stream = new MemoryStream();

        var outside = Assert.Throws<ArgumentException>(() => Checkpoint.Write(
            stream, Architecture, [new("big", [4, 3], 0)], s_parameters, Optimizer, Step, s_state));
        var empty = Assert.Throws<ArgumentException>(() => Checkpoint.Write(
            stream, Architecture, [new("zero", [2, 0], 0)], s_parameters, Optimizer, Step, s_state));
        var unnamed = Assert.Throws<ArgumentException>(() => Checkpoint.Write(
            stream, Architecture, [new("", [2], 0)], s_parameters, Optimizer, Step, s_state));
        var deep = Assert.Throws<ArgumentException>(() => Checkpoint.Write(
            stream, Architecture, [new("deep", new int[9], 0)], s_parameters, Optimizer, Step, s_state));
        var surrogate = Assert.Throws<ArgumentException>(() => Checkpoint.Write(
            stream, "\ud800", s_tensors, s_parameters, Optimizer, Step, s_state));

        Assert.Contains("Tensor 'big' covers elements [0, 12) of parameters, which has 10", outside.Message);
        Assert.Contains("Tensor 'zero' has shape [2, 0]; every dimension must be at least 1", empty.Message);
        Assert.Contains("tensors[0] has an empty name", unnamed.Message);
        Assert.Contains("Tensor 'deep' has 9 dimensions", deep.Message);
        Assert.Equal("architecture", surrogate.ParamName);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void Read_InvalidLayout_ThrowsBeforeReading()
    {
        var stream = new MemoryStream(WriteToBytes());
        var destination = new Destination();

        Assert.Throws<ArgumentException>(() => Checkpoint.Read(
            stream, Architecture, [new("big", [4, 3], 0)], destination.Parameters, Optimizer, out _,
            destination.State));

        Assert.Equal(0, stream.Position);
        destination.AssertUntouched();
    }

    [Fact]
    public void TensorInfo_Length_IsTheProductOfTheShape()
    {
        Assert.Equal(24, new TensorInfo("t", [2, 3, 4], 0).Length);
        Assert.Equal(1, new TensorInfo("scalar", [], 0).Length);
        Assert.Throws<OverflowException>(() => new TensorInfo("huge", [65536, 65536], 0).Length);
    }

    private static byte[] WriteToBytes(
        string architecture = Architecture,
        TensorInfo[]? tensors = null,
        string optimizer = Optimizer,
        float[]? state = null)
    {
        using var stream = new MemoryStream();
        Checkpoint.Write(stream, architecture, tensors ?? s_tensors, s_parameters, optimizer, Step, state ?? s_state);
        return stream.ToArray();
    }

    private static InvalidDataException ReadExpectingFailure(byte[] bytes)
    {
        var destination = new Destination();

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(
            new MemoryStream(bytes), Architecture, s_tensors, destination.Parameters, Optimizer, out _,
            destination.State));

        destination.AssertUntouched();
        Assert.StartsWith("The checkpoint stream ", error.Message);
        return error;
    }

    /// <summary>Buffers filled with a value no checkpoint holds, to prove that a failed read wrote nothing.</summary>
    private sealed class Destination
    {
        public const float Sentinel = -777f;

        public float[] Parameters { get; } = Enumerable.Repeat(Sentinel, s_parameters.Length).ToArray();

        public float[] State { get; } = Enumerable.Repeat(Sentinel, s_state.Length).ToArray();

        public void AssertUntouched()
        {
            Assert.All(Parameters, p => Assert.Equal(Sentinel, p));
            Assert.All(State, s => Assert.Equal(Sentinel, s));
        }
    }
}
