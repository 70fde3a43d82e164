using System;
using System.IO;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Generated;

/// <summary>The generated Load(path): what Checkpoint.Load promises must hold through the network's own member.</summary>
public sealed class GeneratedLoadTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "netcompiler-load-" + Guid.NewGuid().ToString("N"));

    public GeneratedLoadTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void LoadPath_FileWithATrailingByte_IsRefusedAndChangesNothing()
    {
        string path = Path.Combine(_directory, "model.nccp");
        new TokenLstm(seed: 1).Save(path);
        File.AppendAllText(path, "x");
        var network = new TokenLstm(seed: 2);
        float[] before = network.Parameters.ToArray();

        var error = Assert.Throws<InvalidDataException>(() => network.Load(path));

        Assert.Contains("unexpected bytes after the checkpoint", error.Message);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void SavePath_IntoAMissingDirectory_NamesThePathAskedFor()
    {
        string path = Path.Combine(_directory, "absent", "model.nccp");

        var error = Assert.Throws<DirectoryNotFoundException>(() => new TokenLstm(seed: 1).Save(path));

        Assert.Contains($"'{path}'", error.Message);
        Assert.False(Directory.Exists(Path.Combine(_directory, "absent")));
    }

    [Fact]
    public void LoadPath_SavedFile_RestoresWeightsAndInference()
    {
        string path = Path.Combine(_directory, "model.nccp");
        var saved = new TokenLstm(seed: 3);
        saved.Save(path);
        var network = new TokenLstm(seed: 4);
        int[] tokens = NetworkTestKit.RandomLabels(TokenLstm.InputLength, 11, seed: 5);
        float[] output = new float[TokenLstm.OutputLength], expected = new float[TokenLstm.OutputLength];
        network.Forward(tokens, output);

        network.Load(path);

        saved.Forward(tokens, expected);
        network.Forward(tokens, output);
        Assert.Equal(expected, output);
        Assert.Equal(saved.Parameters.ToArray(), network.Parameters.ToArray());
    }
}
