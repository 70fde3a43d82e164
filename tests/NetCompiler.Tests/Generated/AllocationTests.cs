using System;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Generated;

/// <summary>Forward, Predict, ComputeGradients and TrainBatch allocate nothing once the network exists.</summary>
public sealed class AllocationTests
{
    [Fact]
    public void SeedCnn_HotPaths_AllocateNothing()
    {
        var network = new SeedCnn();
        float[] inputs = NetworkTestKit.RandomInputs(SeedCnn.BatchSize * SeedCnn.InputLength, seed: 1, low: 0, high: 1);
        int[] labels = NetworkTestKit.RandomLabels(SeedCnn.BatchSize, SeedCnn.OutputLength, seed: 2);
        var outputs = new float[SeedCnn.BatchSize * SeedCnn.OutputLength];

        // Warm up so that tiered compilation and static initialisation are done before measuring.
        for (int i = 0; i < 3; i++)
        {
            RunAll(network, inputs, labels, outputs);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        RunAll(network, inputs, labels, outputs);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void PaddedCnn_HotPaths_AllocateNothing()
    {
        var network = new PaddedCnn();
        float[] inputs = NetworkTestKit.RandomInputs(PaddedCnn.BatchSize * PaddedCnn.InputLength, seed: 1);
        int[] labels = NetworkTestKit.RandomLabels(PaddedCnn.BatchSize, PaddedCnn.OutputLength, seed: 2);
        var outputs = new float[PaddedCnn.BatchSize * PaddedCnn.OutputLength];
        for (int i = 0; i < 3; i++)
        {
            network.Predict(inputs, outputs);
            network.TrainBatch(inputs, labels);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        network.Forward(inputs.AsSpan(0, PaddedCnn.InputLength), outputs.AsSpan(0, PaddedCnn.OutputLength));
        network.Predict(inputs, outputs);
        network.ComputeGradients(inputs, labels);
        network.TrainBatch(inputs, labels);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void RunAll(SeedCnn network, float[] inputs, int[] labels, float[] outputs)
    {
        network.Forward(inputs.AsSpan(0, SeedCnn.InputLength), outputs.AsSpan(0, SeedCnn.OutputLength));
        network.Predict(inputs, outputs);
        network.ComputeGradients(inputs, labels);
        network.TrainBatch(inputs, labels);
    }
}
