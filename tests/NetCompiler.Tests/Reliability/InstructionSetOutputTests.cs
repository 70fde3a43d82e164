using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.Intrinsics;
using NetCompiler.Tests.Generated;
using NetCompiler.Tests.Networks;
using Xunit;
using Xunit.Abstractions;

namespace NetCompiler.Tests.Reliability;

/// <summary>
/// How much results move between instruction sets. The Vector512, Vector256, Vector128 and scalar branches of the
/// kernels add products in different orders, so their float results may differ in the last bits. Each run of this
/// test under different DOTNET_Enable* settings writes its outputs to a folder and compares them with those already
/// there; docs/reliability.md quotes the differences.
/// </summary>
/// <remarks>
/// Without NETCOMPILER_ISA_OUTPUTS (a folder) the test only computes. With it, for example:
/// <code>
/// export NETCOMPILER_ISA_OUTPUTS=/tmp/isa
/// dotnet test tests/NetCompiler.Tests --filter InstructionSetOutputTests
/// DOTNET_EnableAVX2=0 dotnet test tests/NetCompiler.Tests --filter InstructionSetOutputTests
/// DOTNET_EnableHWIntrinsic=0 dotnet test tests/NetCompiler.Tests --filter InstructionSetOutputTests
/// cat /tmp/isa/*-vs-*.txt
/// </code>
/// </remarks>
public sealed class InstructionSetOutputTests
{
    private const string FolderVariable = "NETCOMPILER_ISA_OUTPUTS";

    // Predictions are probabilities near 0.1; a few units in the last place of a sum is about 1e-7 each. Anything
    // near 1e-4 would mean a branch computes something else, not merely in another order.
    private const double PredictTolerance = 1e-5;

    private readonly ITestOutputHelper _output;

    public InstructionSetOutputTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void Outputs_OfThisInstructionSet_AgreeWithOtherRunsWithinTolerance()
    {
        Dictionary<string, float[]> results = Compute();
        string? folder = Environment.GetEnvironmentVariable(FolderVariable);
        if (string.IsNullOrEmpty(folder))
        {
            _output.WriteLine($"{FolderVariable} is not set; computed {results.Count} result sets, compared nothing.");
            return;
        }

        Directory.CreateDirectory(folder);
        string label = Label();
        Write(Path.Combine(folder, label + ".outputs"), results);
        foreach (string other in Directory.GetFiles(folder, "*.outputs"))
        {
            string otherLabel = Path.GetFileNameWithoutExtension(other);
            if (otherLabel == label)
            {
                continue;
            }

            Dictionary<string, float[]> theirs = Read(other);
            var report = new List<string>();
            foreach ((string name, float[] values) in results)
            {
                double[] differences = values.Zip(theirs[name], (a, b) => Math.Abs((double)a - b)).ToArray();
                double max = differences.Max();
                int differing = differences.Count(d => d != 0);
                report.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{name}: max |difference| {max:G3}, {differing} of {values.Length} values differ"));
                if (name.EndsWith("Predict", StringComparison.Ordinal))
                {
                    Assert.True(max <= PredictTolerance, $"{label} vs {otherLabel}: {report[^1]}");
                }
            }

            File.WriteAllLines(Path.Combine(folder, $"{label}-vs-{otherLabel}.txt"), report);
            report.ForEach(line => _output.WriteLine($"{label} vs {otherLabel}: {line}"));
        }
    }

    /// <summary>Predictions of the four property-tested networks, and the seed CNN's weights after 3 steps.</summary>
    private static Dictionary<string, float[]> Compute()
    {
        var results = new Dictionary<string, float[]>
        {
            ["SeedCnn Predict"] =
                Predict(new SeedCnn(), NetworkTestKit.RandomInputs(8 * SeedCnn.InputLength, 91, 0, 1)),
            ["PaddedCnn Predict"] =
                Predict(new PaddedCnn(), NetworkTestKit.RandomInputs(64 * PaddedCnn.InputLength, 92)),
            ["TokenLstm Predict"] =
                Predict(new TokenLstm(), NetworkTestKit.RandomLabels(64 * TokenLstm.InputLength, 11, 93)),
            ["StreamingLstm Predict"] =
                Predict(new StreamingLstm(), NetworkTestKit.RandomInputs(64 * StreamingLstm.InputLength, 94)),
        };

        var network = new SeedCnn();
        float[] inputs = NetworkTestKit.RandomInputs(4 * SeedCnn.InputLength, 95, 0, 1);
        int[] labels = NetworkTestKit.RandomLabels(4, SeedCnn.OutputLength, 96);
        for (int step = 0; step < 3; step++)
        {
            network.TrainBatch(inputs, labels);
        }

        results["SeedCnn parameters after 3 TrainBatch"] = network.Parameters.ToArray();
        return results;
    }

    private static float[] Predict<TInput>(INetwork<TInput> network, TInput[] inputs)
        where TInput : unmanaged
    {
        var outputs = new float[inputs.Length / network.InputLength * network.OutputLength];
        network.Predict(inputs, outputs);
        return outputs;
    }

    /// <summary>The widest accelerated vector, which decides the kernel branch: v512, v256, v128 or scalar.</summary>
    private static string Label() =>
        Vector512.IsHardwareAccelerated ? "v512" :
        Vector256.IsHardwareAccelerated ? "v256" :
        Vector128.IsHardwareAccelerated ? "v128" : "scalar";

    private static void Write(string path, Dictionary<string, float[]> results)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(results.Count);
        foreach ((string name, float[] values) in results)
        {
            writer.Write(name);
            writer.Write(values.Length);
            foreach (float value in values)
            {
                writer.Write(value);
            }
        }
    }

    private static Dictionary<string, float[]> Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        var results = new Dictionary<string, float[]>();
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            var values = new float[reader.ReadInt32()];
            for (int k = 0; k < values.Length; k++)
            {
                values[k] = reader.ReadSingle();
            }

            results[name] = values;
        }

        return results;
    }
}
