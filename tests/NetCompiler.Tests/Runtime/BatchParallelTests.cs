using System;
using System.Threading;
using Xunit;

namespace NetCompiler.Tests.Runtime;

/// <summary>Runs alone: the pool is process-wide, and other tests' batches would change what these see.</summary>
[CollectionDefinition(nameof(BatchParallelTests), DisableParallelization = true)]
public sealed class BatchParallelCollection;

/// <summary>The worker pool behind Predict and the training steps.</summary>
[Collection(nameof(BatchParallelTests))]
public sealed class BatchParallelTests
{
    /// <summary>
    /// The caller waits for the slowest range. When that wait is long (a worker still busy, as under load), it must
    /// allocate nothing either. (A ManualResetEventSlim allocated its lock object the first time it blocked; the pool
    /// now spins on a flag, and walks its SpinWait through every stage when it starts its threads, so even a first
    /// long wait has nothing left to prepare. Which wait comes first in a test process depends on the other tests, so
    /// this checks a long wait after one long wait.)
    /// </summary>
    [Fact]
    public void Run_CallerWaitsForASlowWorker_AllocatesNothingOnTheCaller()
    {
        var work = new RecordingWork { DelayMilliseconds = 50 };
        int[] inputs = new int[2];
        float[] outputs = new float[2];
        BatchParallel.Run(work, ref inputs[0], ref outputs[0], count: 2, workers: 2);

        long before = GC.GetAllocatedBytesForCurrentThread();
        BatchParallel.Run(work, ref inputs[0], ref outputs[0], count: 2, workers: 2);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(new[] { 1f, 2f }, outputs);
    }

    /// <summary>
    /// While one batch holds the pool, another caller runs its own ranges itself, in order, instead of waiting or
    /// contending for the pool's lock: the same ranges (so the same results), no allocation, all on its thread.
    /// </summary>
    [Fact]
    public void Run_WhileThePoolIsBusy_RunsTheSameRangesOnTheCaller()
    {
        var slow = new RecordingWork { DelayMilliseconds = 300 };
        int[] slowInputs = new int[2];
        float[] slowOutputs = new float[2];
        var holder = new Thread(() => BatchParallel.Run(slow, ref slowInputs[0], ref slowOutputs[0], count: 2, workers: 2));
        holder.Start();
        Assert.True(slow.Started.Wait(TimeSpan.FromSeconds(10)), "the first batch never started");

        var work = new RecordingWork();
        int[] inputs = new int[5];
        float[] outputs = new float[5];
        long before = GC.GetAllocatedBytesForCurrentThread();
        BatchParallel.Run(work, ref inputs[0], ref outputs[0], count: 5, workers: 2);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        holder.Join();

        Assert.Equal(0, allocated);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 5f }, outputs);
        Assert.Equal(new[] { Environment.CurrentManagedThreadId, Environment.CurrentManagedThreadId }, work.Threads);
        Assert.Equal(new[] { (0, 2), (2, 5) }, work.Ranges);
        Assert.Equal(new[] { 1f, 2f }, slowOutputs);
    }

    private sealed class RecordingWork : IBatchWorker<int, float>
    {
        public int DelayMilliseconds { get; set; }

        public ManualResetEventSlim Started { get; } = new(false);

        public int[] Threads { get; } = new int[2];

        public (int Start, int End)[] Ranges { get; } = new (int, int)[2];

        public void RunRange(ref int inputs, ref float outputs, int worker, int start, int end)
        {
            Threads[worker] = Environment.CurrentManagedThreadId;
            Ranges[worker] = (start, end);
            if (worker == 1 && DelayMilliseconds > 0)
            {
                Started.Set();
                Thread.Sleep(DelayMilliseconds);
            }

            for (int i = start; i < end; i++)
            {
                System.Runtime.CompilerServices.Unsafe.Add(ref outputs, i) = i + 1;
            }
        }
    }
}
