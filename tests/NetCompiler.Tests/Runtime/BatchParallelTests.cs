using System;
using System.Threading;
using Xunit;

namespace NetCompiler.Tests.Runtime;

/// <summary>The worker pool behind Predict and the training steps.</summary>
public sealed class BatchParallelTests
{
    /// <summary>
    /// The caller waits for the slowest range. When that wait really blocks (a worker still busy, as under load), it
    /// must allocate nothing either: a ManualResetEventSlim allocated its lock object the first time it blocked, so a
    /// Predict that happened to wait allocated 24 bytes once.
    /// </summary>
    [Fact]
    public void Run_CallerBlocksOnASlowWorker_AllocatesNothingOnTheCaller()
    {
        var work = new SlowSecondRange();
        int[] inputs = new int[2];
        float[] outputs = new float[2];
        BatchParallel.Run(work, ref inputs[0], ref outputs[0], count: 2, workers: 2);

        work.DelayMilliseconds = 50;
        long before = GC.GetAllocatedBytesForCurrentThread();
        BatchParallel.Run(work, ref inputs[0], ref outputs[0], count: 2, workers: 2);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(new[] { 1f, 2f }, outputs);
    }

    private sealed class SlowSecondRange : IBatchWorker<int, float>
    {
        public int DelayMilliseconds { get; set; }

        public void RunRange(ref int inputs, ref float outputs, int worker, int start, int end)
        {
            if (worker == 1 && DelayMilliseconds > 0)
            {
                Thread.Sleep(DelayMilliseconds);
            }

            for (int i = start; i < end; i++)
            {
                System.Runtime.CompilerServices.Unsafe.Add(ref outputs, i) = i + 1;
            }
        }
    }
}
