using System;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Generated;

/// <summary>Batches split over cores: same predictions as one thread, deterministic training, no allocation.</summary>
[Collection(nameof(ParallelTestsCollection))]
public sealed class ParallelTests
{
    [Fact]
    public void Predict_OnSeveralWorkers_IsBitIdenticalToOneWorker()
    {
        var network = new SeedCnn();
        float[] inputs = NetworkTestKit.RandomInputs(9 * SeedCnn.InputLength, seed: 61, low: 0, high: 1);
        var parallel = new float[9 * SeedCnn.OutputLength];
        var serial = new float[9 * SeedCnn.OutputLength];
        network.DegreeOfParallelism = Math.Min(2, BatchParallel.MaxWorkers(SeedCnn.BatchSize));
        network.Predict(inputs, parallel);
        network.DegreeOfParallelism = 1;
        network.Predict(inputs, serial);
        Assert.Equal(serial, parallel);
    }

    [Fact]
    public void TrainBatch_OnSeveralWorkers_MatchesOneWorkerAndRepeatsExactly()
    {
        int degree = BatchParallel.MaxWorkers(SeedCnn.BatchSize);
        float[] inputs = NetworkTestKit.RandomInputs(SeedCnn.BatchSize * SeedCnn.InputLength, seed: 62, low: 0, high: 1);
        int[] labels = NetworkTestKit.RandomLabels(SeedCnn.BatchSize, SeedCnn.OutputLength, seed: 63);

        float[] Train(int workers)
        {
            var network = new SeedCnn { DegreeOfParallelism = workers };
            for (int step = 0; step < 3; step++)
            {
                network.TrainBatch(inputs, labels);
            }

            return network.Parameters.ToArray();
        }

        float[] serial = Train(1), parallel = Train(degree), again = Train(degree);
        Assert.Equal(parallel, again);
        for (int i = 0; i < serial.Length; i++)
        {
            // Only the order in which worker gradients are summed differs.
            Assert.True(Math.Abs(serial[i] - parallel[i]) <= 1e-5f, $"parameter {i}: {serial[i]} vs {parallel[i]}");
        }
    }

    [Fact]
    public void LossAndGradients_OnSeveralWorkers_MatchOneWorker()
    {
        var network = new TokenLstm();
        int[] tokens = NetworkTestKit.RandomLabels(3 * TokenLstm.InputLength, 11, seed: 64);
        int[] labels = { 0, 2, 1 };
        network.DegreeOfParallelism = 1;
        float serialLoss = network.ComputeGradients(tokens, labels);
        float[] serial = network.Gradients.ToArray();
        network.DegreeOfParallelism = Math.Min(3, BatchParallel.MaxWorkers(TokenLstm.BatchSize));
        float parallelLoss = network.ComputeGradients(tokens, labels);
        Assert.Equal(serialLoss, parallelLoss, 6);
        for (int i = 0; i < serial.Length; i++)
        {
            Assert.Equal(serial[i], network.Gradients[i], 6);
        }
    }

    [Fact]
    public void ParallelHotPaths_AllocateNothingOnAnyThread()
    {
        var network = new SeedCnn();
        float[] inputs = NetworkTestKit.RandomInputs(SeedCnn.BatchSize * SeedCnn.InputLength, seed: 65, low: 0, high: 1);
        int[] labels = NetworkTestKit.RandomLabels(SeedCnn.BatchSize, SeedCnn.OutputLength, seed: 66);
        var outputs = new float[SeedCnn.BatchSize * SeedCnn.OutputLength];
        for (int i = 0; i < 3; i++)
        {
            network.Predict(inputs, outputs);
            network.TrainBatch(inputs, labels);
        }

        // Count this thread and the worker threads, each by its own counter: the process-wide count also sees the test
        // runner's threads.
        long before = GC.GetAllocatedBytesForCurrentThread() + BatchParallel.WorkerAllocatedBytes;
        network.Predict(inputs, outputs);
        network.TrainBatch(inputs, labels);
        long allocated = GC.GetAllocatedBytesForCurrentThread() + BatchParallel.WorkerAllocatedBytes - before;
        Assert.True(allocated == 0, $"{allocated} bytes allocated");
    }

    [Fact]
    public void DegreeOfParallelism_OutOfRange_Throws()
    {
        var network = new SeedCnn();
        Assert.Throws<ArgumentOutOfRangeException>(() => network.DegreeOfParallelism = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => network.DegreeOfParallelism = BatchParallel.MaxWorkers(SeedCnn.BatchSize) + 1);
    }
}

/// <summary>
/// Runs <see cref="ParallelTests"/> alone: they measure allocation across all threads and use every core, so no other
/// test may run beside them.
/// </summary>
[CollectionDefinition(nameof(ParallelTestsCollection), DisableParallelization = true)]
public sealed class ParallelTestsCollection
{
}
