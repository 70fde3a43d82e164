using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using NetCompiler.Tests.Generated;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Reliability;

/// <summary>
/// One instance is not thread-safe, but copies from CreateInferenceCopy are: they share the weights and own their
/// buffers. Under load on every core, each copy must give exactly the single-threaded outputs, whether it runs its
/// batches on its own thread (DegreeOfParallelism = 1) or also on the process-wide batch workers.
/// </summary>
public sealed class ThreadingTests
{
    // At least two threads, so that a one-core machine still runs the copies concurrently (interleaved).
    private static readonly int s_threads = Math.Max(2, Environment.ProcessorCount);

    [Fact]
    public void SeedCnn_ForwardAndPredictOnInferenceCopiesFromAllCores_EqualSingleThreaded()
    {
        // The seed CNN splits even two samples over workers, so half the threads queue for the shared workers.
        var network = new SeedCnn(seed: 5);
        float[] inputs = NetworkTestKit.RandomInputs(3 * SeedCnn.InputLength, seed: 81, low: 0, high: 1);
        AssertCopiesAgree(network, Copy, inputs, rounds: 4);

        static SeedCnn Copy(SeedCnn network, int thread)
        {
            SeedCnn copy = network.CreateInferenceCopy();
            copy.DegreeOfParallelism = thread % 2 == 1 ? 1 : copy.DegreeOfParallelism;
            return copy;
        }
    }

    [Fact]
    public void PaddedCnn_ForwardAndPredictOnInferenceCopiesFromAllCores_EqualSingleThreaded()
    {
        var network = new PaddedCnn(seed: 5);
        float[] inputs = NetworkTestKit.RandomInputs(8 * PaddedCnn.InputLength, seed: 82);
        AssertCopiesAgree(network, (n, _) => n.CreateInferenceCopy(), inputs, rounds: 40);
    }

    [Fact]
    public void TokenLstm_ForwardAndPredictOnInferenceCopiesFromAllCores_EqualSingleThreaded()
    {
        var network = new TokenLstm(seed: 5);
        int[] tokens = NetworkTestKit.RandomLabels(8 * TokenLstm.InputLength, 11, seed: 83);
        AssertCopiesAgree(network, (n, _) => n.CreateInferenceCopy(), tokens, rounds: 40);
    }

    [Fact]
    public void StreamingLstm_ForwardPredictAndStepOnInferenceCopiesFromAllCores_EqualSingleThreaded()
    {
        var network = new StreamingLstm(seed: 5);
        float[] inputs = NetworkTestKit.RandomInputs(8 * StreamingLstm.InputLength, seed: 84);
        AssertCopiesAgree(network, (n, _) => n.CreateInferenceCopy(), inputs, rounds: 40);

        // Each copy keeps its own recurrent state: streaming one sequence per thread gives the single-threaded steps.
        const int steps = StreamingLstm.InputLength / StreamingLstm.StepInputLength;
        float[] expected = new float[steps * StreamingLstm.OutputLength];
        network.ResetState();
        for (int t = 0; t < steps; t++)
        {
            network.Step(
                inputs.AsSpan(t * StreamingLstm.StepInputLength, StreamingLstm.StepInputLength),
                expected.AsSpan(t * StreamingLstm.OutputLength, StreamingLstm.OutputLength));
        }

        RunOnAllCores(network, (n, _) => n.CreateInferenceCopy(), (copy, _) =>
        {
            var streamed = new float[expected.Length];
            for (int round = 0; round < 40; round++)
            {
                copy.ResetState();
                for (int t = 0; t < steps; t++)
                {
                    copy.Step(
                        inputs.AsSpan(t * StreamingLstm.StepInputLength, StreamingLstm.StepInputLength),
                        streamed.AsSpan(t * StreamingLstm.OutputLength, StreamingLstm.OutputLength));
                }

                if (!Bits(streamed).SequenceEqual(Bits(expected)))
                {
                    return $"round {round}: the streamed outputs differ";
                }
            }

            return null;
        });
    }

    [Fact]
    public void InferenceCopy_SharesTheWeights_ButNotGradientsOrOptimizerState()
    {
        var network = new PaddedCnn(seed: 6);
        PaddedCnn copy = network.CreateInferenceCopy();
        float[] inputs = NetworkTestKit.RandomInputs(2 * PaddedCnn.InputLength, seed: 85);
        Assert.True(float.IsFinite(network.TrainBatch(inputs, [0, 2])));

        // The step is seen through the copy, whose own training state is untouched.
        Assert.True(Bits(copy.Parameters).SequenceEqual(Bits(network.Parameters)));
        Assert.Equal(0, copy.Iterations);
        Assert.All(copy.Gradients.ToArray(), g => Assert.Equal(0f, g));
        var a = new float[PaddedCnn.OutputLength];
        var b = new float[PaddedCnn.OutputLength];
        network.Forward(inputs.AsSpan(0, PaddedCnn.InputLength), a);
        copy.Forward(inputs.AsSpan(0, PaddedCnn.InputLength), b);
        Assert.Equal(a, b);
    }

    /// <summary>
    /// Every core runs Predict over all samples and Forward over each, in a different order per thread, on its own
    /// copy (thread 0 on the original), and compares each result with the single-threaded one bit for bit.
    /// </summary>
    private static void AssertCopiesAgree<TNetwork, TInput>(
        TNetwork network, Func<TNetwork, int, TNetwork> copy, TInput[] inputs, int rounds)
        where TNetwork : INetwork<TInput>
        where TInput : unmanaged
    {
        int inputLength = network.InputLength, outputLength = network.OutputLength;
        int samples = inputs.Length / inputLength;
        var expected = new float[samples * outputLength];
        network.Predict(inputs, expected);

        RunOnAllCores(network, copy, (instance, thread) =>
        {
            var predicted = new float[expected.Length];
            var single = new float[outputLength];
            for (int round = 0; round < rounds; round++)
            {
                instance.Predict(inputs, predicted);
                if (!Bits(predicted).SequenceEqual(Bits(expected)))
                {
                    return $"round {round}: Predict differs";
                }

                for (int k = 0; k < samples; k++)
                {
                    int s = (k + thread + round) % samples;
                    instance.Forward(inputs.AsSpan(s * inputLength, inputLength), single);
                    if (!Bits(single).SequenceEqual(Bits(expected.AsSpan(s * outputLength, outputLength))))
                    {
                        return $"round {round}: Forward of sample {s} differs";
                    }
                }
            }

            return null;
        });
    }

    /// <summary>
    /// Starts one thread per core together, each on its own instance (<paramref name="copy"/> makes the one of
    /// thread t), and fails with every thread's first mismatch. A thread still running after a minute counts as a hang.
    /// </summary>
    private static void RunOnAllCores<TNetwork>(
        TNetwork network, Func<TNetwork, int, TNetwork> copy, Func<TNetwork, int, string?> work)
    {
        TNetwork[] instances =
            Enumerable.Range(0, s_threads).Select(t => t == 0 ? network : copy(network, t)).ToArray();
        var failures = new ConcurrentQueue<string>();
        using var start = new Barrier(s_threads);
        Thread[] threads = Enumerable.Range(0, s_threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                if (work(instances[t], t) is string failure)
                {
                    failures.Enqueue($"thread {t}: {failure}");
                }
            }
            catch (Exception error)
            {
                failures.Enqueue($"thread {t}: {error}");
            }
        })).ToArray();

        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromMinutes(1)), "a thread did not finish within a minute");
        }

        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures));
    }

    private static ReadOnlySpan<int> Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, int>(values);
}
