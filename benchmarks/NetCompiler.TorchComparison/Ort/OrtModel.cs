using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace NetCompiler.TorchComparison;

/// <summary>How a timed ONNX Runtime call hands over its preallocated inputs and outputs.</summary>
public enum OrtCallStyle
{
    /// <summary>An <see cref="OrtIoBinding"/> made once, then <see cref="InferenceSession.RunWithBinding"/>.</summary>
    Binding,

    /// <summary><see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue},
    /// IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue})"/> with the same OrtValues every call.</summary>
    Run,
}

/// <summary>One sample's shape in the exported models' input, after the batch axis (docs/onnx-export.md).</summary>
internal static class OrtSampleShapes
{
    /// <summary>The seed CNN: one 28×28 image with one channel, channels last as NetCompiler lays it out.</summary>
    public static long[] Cnn => new long[] { 28, 28, 1 };

    /// <summary>The text LSTM: 100 token ids, int32.</summary>
    public static long[] Lstm => new long[] { NetCompiler.Benchmarks.BenchmarkTextClassifier.InputLength };
}

/// <summary>An <see cref="OrtModel{TInput}"/> whatever its input type.</summary>
internal interface IOrtModel : IDisposable
{
    void Forward();

    void Predict();

    (float Batch, float Sample) CompareOutputs();
}

/// <summary>
/// A NetCompiler network exported with its own ONNX exporter (so with its current weights) and loaded into ONNX
/// Runtime, set up for ORT's fastest steady state: every optimisation on, sequential execution, and the inputs
/// and outputs wrapped in OrtValues once, over the same managed arrays for the life of the object, so a timed call
/// neither allocates tensors nor copies inputs.
/// </summary>
/// <remarks>
/// Two batches are prepared: the first sample alone (<see cref="Forward"/>) and all <c>samples</c>
/// (<see cref="Predict"/>). The exporter names the graph's input <c>input</c> and its output <c>output</c>, with a
/// symbolic first axis <c>batch</c> (docs/onnx-export.md); the constructor checks that, so a change in the exporter
/// fails here rather than as a shape error inside a benchmark.
/// </remarks>
internal sealed class OrtModel<TInput> : IOrtModel
    where TInput : unmanaged
{
    public const string InputName = "input";
    public const string OutputName = "output";
    public const string BatchAxis = "batch";

    private readonly List<IDisposable> _owned = new();
    private readonly INetwork<TInput> _network;
    private readonly TInput[] _inputs;
    private readonly Batch _one;
    private readonly Batch _all;

    /// <param name="network">the NetCompiler network, for the agreement check</param>
    /// <param name="export">writes the network's ONNX model (its <c>ExportOnnx(Stream)</c>)</param>
    /// <param name="sampleShape">one sample's shape in the ONNX input, without the batch axis</param>
    /// <param name="inputs">the samples, laid out as <c>Predict</c> takes them; shared, not copied</param>
    /// <param name="threads">ORT's intra-op threads (1, or all cores)</param>
    /// <param name="style">
    /// how the inputs and outputs are handed to each run. Binding by default: <see cref="OrtCallStyles"/> found the
    /// two equally fast within the noise of this machine, and only Run allocates (224 managed bytes per call)
    /// </param>
    /// <param name="fixBatch">
    /// one session per batch size with the batch axis fixed (AddFreeDimensionOverrideByName), so ORT plans for
    /// static shapes; otherwise one session serves both batches. Off by default: it measured no faster
    /// (<see cref="OrtCallStyles"/>), and one model for any batch is how ORT is deployed
    /// </param>
    public OrtModel(INetwork<TInput> network, Action<Stream> export, long[] sampleShape, TInput[] inputs, int threads,
        OrtCallStyle style = OrtCallStyle.Binding, bool fixBatch = false)
    {
        _network = network;
        _inputs = inputs;
        int samples = inputs.Length / network.InputLength;
        long sampleLength = sampleShape.Aggregate(1L, (a, b) => a * b);
        if (samples * network.InputLength != inputs.Length || sampleLength != network.InputLength)
        {
            throw new ArgumentException("the inputs are not whole samples of the given shape");
        }

        using var model = new MemoryStream();
        export(model);
        byte[] bytes = model.ToArray();

        InferenceSession shared = fixBatch ? null! : Open(bytes, sampleShape, threads, fixedBatch: null);
        InferenceSession one = fixBatch ? Open(bytes, sampleShape, threads, fixedBatch: 1) : shared;
        InferenceSession all = fixBatch ? Open(bytes, sampleShape, threads, fixedBatch: samples) : shared;
        Style = style;
        _one = new Batch(this, one, sampleShape, 1, network.OutputLength);
        _all = new Batch(this, all, sampleShape, samples, network.OutputLength);
    }

    public OrtCallStyle Style { get; }

    /// <summary>Runs the first sample.</summary>
    public void Forward() => _one.Run();

    /// <summary>Runs every sample.</summary>
    public void Predict() => _all.Run();

    /// <summary>
    /// The largest difference between ORT's and NetCompiler's outputs, over every sample (ORT's batch against
    /// <c>Predict</c>) and over the first alone (ORT's one-sample run against <c>Forward</c>), each through the very
    /// OrtValues the benchmarks time.
    /// </summary>
    public (float Batch, float Sample) CompareOutputs()
    {
        var ours = new float[_all.Outputs.Length];
        _network.Predict(_inputs, ours);
        Predict();
        float batch = Agreement.MaxAbsDifference(ours, _all.Outputs);

        var sample = new float[_network.OutputLength];
        _network.Forward(_inputs.AsSpan(0, _network.InputLength), sample);
        Forward();
        return (batch, Agreement.MaxAbsDifference(sample, _one.Outputs));
    }

    public void Dispose()
    {
        // Bindings and values before the sessions that use them.
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private InferenceSession Open(byte[] model, long[] sampleShape, int threads, int? fixedBatch)
    {
        // ORT's recommended settings for lowest latency on a CPU: every graph optimisation (constant folding, node
        // fusions, layout changes for its convolution kernels), one operator at a time, and the intra-op pool sized
        // as asked (1 means the calling thread alone). Memory arena and memory-pattern planning are on by default.
        var options = Own(new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        });
        if (fixedBatch is int batch)
        {
            options.AddFreeDimensionOverrideByName(BatchAxis, batch);
        }

        var session = Own(new InferenceSession(model, options));
        CheckSignature(session, sampleShape, fixedBatch);
        return session;
    }

    // The exporter's contract, as docs/onnx-export.md states it: one input and one output with these names, the
    // network's element type, a symbolic batch axis, then the sample's shape. A fixed batch size replaces the
    // symbolic axis in what the session reports.
    private static void CheckSignature(InferenceSession session, long[] sampleShape, int? fixedBatch)
    {
        if (!session.InputNames.SequenceEqual(new[] { InputName })
            || !session.OutputNames.SequenceEqual(new[] { OutputName }))
        {
            throw new InvalidOperationException(
                $"the exported model's inputs are [{string.Join(", ", session.InputNames)}] and its outputs " +
                $"[{string.Join(", ", session.OutputNames)}]; the benchmark expects '{InputName}' and '{OutputName}' " +
                "(docs/onnx-export.md)");
        }

        NodeMetadata input = session.InputMetadata[InputName];
        bool batchAxis = fixedBatch is int batch
            ? input.Dimensions.FirstOrDefault() == batch
            : input.SymbolicDimensions.FirstOrDefault() == BatchAxis;
        if (input.ElementType != typeof(TInput) || !batchAxis
            || !input.Dimensions.Skip(1).Select(d => (long)d).SequenceEqual(sampleShape))
        {
            throw new InvalidOperationException(
                $"the exported input is {input.ElementType.Name} [{string.Join(", ", input.Dimensions)}] with axes " +
                $"named [{string.Join(", ", input.SymbolicDimensions)}]; the benchmark expects {typeof(TInput).Name} " +
                $"[{fixedBatch?.ToString() ?? BatchAxis}, {string.Join(", ", sampleShape)}]");
        }
    }

    /// <summary>Inputs, outputs and their binding for one batch size, created once.</summary>
    private sealed class Batch
    {
        private readonly InferenceSession _session;
        private readonly RunOptions _runOptions;
        private readonly OrtCallStyle _style;
        private readonly OrtIoBinding? _binding;
        private readonly string[] _inputNames = { InputName };
        private readonly string[] _outputNames = { OutputName };
        private readonly OrtValue[] _inputValues;
        private readonly OrtValue[] _outputValues;

        public Batch(OrtModel<TInput> owner, InferenceSession session, long[] sampleShape, int samples,
            int outputLength)
        {
            _session = session;
            _style = owner.Style;
            _runOptions = owner.Own(new RunOptions());

            // The input views the first samples of the shared array in place (ORT pins it for the OrtValue's life);
            // the outputs go to an array on the pinned object heap, where the GC never moves it.
            long[] inputShape = new[] { (long)samples }.Concat(sampleShape).ToArray();
            var input = new Memory<TInput>(owner._inputs, 0, samples * owner._network.InputLength);
            Outputs = GC.AllocateArray<float>(samples * outputLength, pinned: true);
            OrtValue inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input, inputShape);
            OrtValue outputValue = OrtValue.CreateTensorValueFromMemory(Outputs, new long[] { samples, outputLength });
            _inputValues = new[] { owner.Own(inputValue) };
            _outputValues = new[] { owner.Own(outputValue) };

            if (_style == OrtCallStyle.Binding)
            {
                _binding = owner.Own(session.CreateIoBinding());
                _binding.BindInput(InputName, _inputValues[0]);
                _binding.BindOutput(OutputName, _outputValues[0]);
            }
        }

        public float[] Outputs { get; }

        public void Run()
        {
            if (_binding is not null)
            {
                _session.RunWithBinding(_runOptions, _binding);
            }
            else
            {
                _session.Run(_runOptions, _inputNames, _inputValues, _outputNames, _outputValues);
            }
        }
    }
}
