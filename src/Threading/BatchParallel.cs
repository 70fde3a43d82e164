using System;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace NetCompiler;

/// <summary>
/// Work that splits a batch into ranges of samples. Generated networks implement it to spread Predict and training
/// steps over cores; the worker index names the scratch (batch slot, gradient buffer) a range may use.
/// </summary>
public interface IBatchWorker<TInput, TOutput>
    where TInput : unmanaged
    where TOutput : unmanaged
{
    void RunRange(ref TInput inputs, ref TOutput outputs, int worker, int start, int end);
}

/// <summary>
/// Runs a batch on several cores without allocating: a fixed set of dedicated threads waits for work, the caller takes
/// the first range itself, and returns when every range is done. Ranges are contiguous and in worker order, so a
/// reduction over workers in index order gives the same result on every run with the same degree.
/// </summary>
/// <remarks>
/// One batch runs at a time across the process: a second caller waits for the first. The caller's spans are pinned
/// for the duration, so the garbage collector cannot move them while other threads read them.
/// </remarks>
public static class BatchParallel
{
    private static readonly object s_gate = new();
    private static WorkerThread[] s_threads = Array.Empty<WorkerThread>();

    /// <summary>The degree generated networks use unless told otherwise: one worker per processor.</summary>
    public static int DefaultDegree => Environment.ProcessorCount;

    /// <summary>
    /// The most workers a network with this batch size uses: one per processor, but no more than its batch slots,
    /// since each worker needs a slot of scratch.
    /// </summary>
    public static int MaxWorkers(int batchSize) => Math.Max(1, Math.Min(DefaultDegree, batchSize));

    /// <summary>Gradient buffers for every worker beyond the first, allocated once with the network.</summary>
    public static AlignedBuffer[] Buffers(int batchSize, int parameterCount)
    {
        var buffers = new AlignedBuffer[MaxWorkers(batchSize) - 1];
        for (int i = 0; i < buffers.Length; i++)
        {
            buffers[i] = new AlignedBuffer(parameterCount);
        }

        return buffers;
    }

    /// <summary>
    /// The number of workers to use for <paramref name="count"/> samples: at most <paramref name="degree"/>, and few
    /// enough that each worker gets at least <paramref name="minimumPerWorker"/> samples, below which handing work to
    /// another thread costs more than it saves.
    /// </summary>
    public static int Workers(int count, int degree, int minimumPerWorker) =>
        Math.Max(1, Math.Min(degree, count / Math.Max(1, minimumPerWorker)));

    /// <summary>
    /// Splits [0, count) into <paramref name="workers"/> contiguous ranges and runs them, the first on the calling
    /// thread. Exceptions from any range are rethrown here after all ranges finished.
    /// </summary>
    public static unsafe void Run<TInput, TOutput>(
        IBatchWorker<TInput, TOutput> work, ref TInput inputs, ref TOutput outputs, int count, int workers)
        where TInput : unmanaged
        where TOutput : unmanaged
    {
        if (workers <= 1 || count <= 1)
        {
            work.RunRange(ref inputs, ref outputs, 0, 0, count);
            return;
        }

        // The pool serves one batch at a time. A caller that finds it busy (another network, or another thread's
        // inference copy) runs its ranges itself, one after the other: the same ranges, so the same results, and it
        // neither waits nor contends for a lock (whose first contention makes the runtime allocate).
        if (!Monitor.TryEnter(s_gate))
        {
            RunInline(work, ref inputs, ref outputs, count, workers);
            return;
        }

        try
        {
            EnsureThreads(workers - 1);
            fixed (TInput* input = &inputs)
            fixed (TOutput* output = &outputs)
            {
                // One cached job per pair of element types, refilled under the lock: nothing is allocated per call.
                Job<TInput, TOutput> job = Job<TInput, TOutput>.Shared;
                job.Set(work, (nint)input, (nint)output, count, workers);
                s_pending = workers - 1;
                s_allDone = false;
                for (int w = 1; w < workers; w++)
                {
                    s_threads[w - 1].Start(job, w);
                }

                Exception? first = null;
                try
                {
                    job.Run(0);
                }
                catch (Exception e)
                {
                    first = e;
                }

                WaitForWorkers();
                for (int w = 1; w < workers; w++)
                {
                    first ??= s_threads[w - 1].TakeException();
                }

                job.Set(null, 0, 0, 0, 0);
                if (first is not null)
                {
                    ExceptionDispatchInfo.Capture(first).Throw();
                }
            }
        }
        finally
        {
            Monitor.Exit(s_gate);
        }
    }

    /// <summary>The ranges a Run with this many workers would make, run in order on the calling thread.</summary>
    private static void RunInline<TInput, TOutput>(
        IBatchWorker<TInput, TOutput> work, ref TInput inputs, ref TOutput outputs, int count, int workers)
        where TInput : unmanaged
        where TOutput : unmanaged
    {
        Exception? first = null;
        for (int worker = 0; worker < workers; worker++)
        {
            (int start, int end) = Range(count, worker, workers);
            try
            {
                work.RunRange(ref inputs, ref outputs, worker, start, end);
            }
            catch (Exception e)
            {
                first ??= e;
            }
        }

        if (first is not null)
        {
            ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    /// <summary>Worker <paramref name="worker"/>'s share of [0, count): contiguous and as even as integers allow.</summary>
    private static (int Start, int End) Range(int count, int worker, int workers) =>
        ((int)((long)count * worker / workers), (int)((long)count * (worker + 1) / workers));

    /// <summary>
    /// Bytes allocated so far on the worker threads, as each thread last counted them. Allocation tests read it: the
    /// process-wide counter also sees the test runner's own threads.
    /// </summary>
    internal static long WorkerAllocatedBytes
    {
        get
        {
            lock (s_gate)
            {
                long total = 0;
                foreach (WorkerThread thread in s_threads)
                {
                    total += thread.AllocatedBytes;
                }

                return total;
            }
        }
    }

    // The caller's wait for the workers: a flag it spins on. Not a ManualResetEventSlim, which allocates its lock
    // object on the waiting thread the first time it really blocks, nor a Monitor, whose first contention makes the
    // runtime allocate: a hot path must never allocate, not even once under load. The other ranges finish about when
    // the caller's does, so the wait is short; it yields the core while it lasts, and never sleeps a millisecond.
    private static int s_pending;
    private static bool s_allDone;

    // Optimized from the first call: a long first wait would otherwise be compiled again mid-loop (on-stack
    // replacement), on the caller's thread.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WaitForWorkers()
    {
        var spinner = new SpinWait();
        while (!Volatile.Read(ref s_allDone))
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    private static void EnsureThreads(int needed)
    {
        if (s_threads.Length >= needed)
        {
            return;
        }

        var threads = new WorkerThread[needed];
        Array.Copy(s_threads, threads, s_threads.Length);
        for (int i = s_threads.Length; i < needed; i++)
        {
            threads[i] = new WorkerThread(i + 1);
        }

        s_threads = threads;

        // Walk a SpinWait through its yielding stages once, here, where allocating is expected: the first long wait
        // would otherwise prepare those calls (their native stubs) on the caller of some later Predict.
        var spinner = new SpinWait();
        for (int i = 0; i < 64; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    private static void Finished()
    {
        if (Interlocked.Decrement(ref s_pending) == 0)
        {
            Volatile.Write(ref s_allDone, true);
        }
    }

    /// <summary>One call's work, kept in a static per pair of element types so worker threads can reach it.</summary>
    private sealed class Job<TInput, TOutput> : IJob
        where TInput : unmanaged
        where TOutput : unmanaged
    {
        public static readonly Job<TInput, TOutput> Shared = new();

        private IBatchWorker<TInput, TOutput>? _work;
        private nint _inputs, _outputs;
        private int _count, _workers;

        public void Set(IBatchWorker<TInput, TOutput>? work, nint inputs, nint outputs, int count, int workers)
        {
            (_work, _inputs, _outputs, _count, _workers) = (work, inputs, outputs, count, workers);
        }

        public unsafe void Run(int worker)
        {
            (int start, int end) = Range(_count, worker, _workers);
            _work!.RunRange(
                ref Unsafe.AsRef<TInput>((void*)_inputs), ref Unsafe.AsRef<TOutput>((void*)_outputs), worker, start, end);
        }
    }

    private interface IJob
    {
        void Run(int worker);
    }

    /// <summary>A background thread that runs one range per signal and reports back.</summary>
    private sealed class WorkerThread
    {
        private readonly SemaphoreSlim _signal = new(0);
        private IJob? _job;
        private int _worker;
        private Exception? _exception;

        public WorkerThread(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"NetCompiler worker {index}" };
            thread.Start();
        }

        public void Start(IJob job, int worker)
        {
            _job = job;
            _worker = worker;
            _signal.Release();
        }

        public long AllocatedBytes { get; private set; }

        public Exception? TakeException()
        {
            Exception? e = _exception;
            _exception = null;
            return e;
        }

        private void Loop()
        {
            while (true)
            {
                _signal.Wait();
                try
                {
                    _job!.Run(_worker);
                }
                catch (Exception e)
                {
                    _exception = e;
                }
                finally
                {
                    _job = null;
                    AllocatedBytes = GC.GetAllocatedBytesForCurrentThread();
                    Finished();
                }
            }
        }
    }
}
