using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using NetCompiler.Tests.Generated;
using Xunit;

namespace NetCompiler.Tests.Reliability;

/// <summary>Step of a streaming network, which no interface declares.</summary>
internal delegate void StepFunction<TNetwork>(TNetwork network, ReadOnlySpan<float> input, Span<float> output);

/// <summary>The members of a generated network that <see cref="INetwork{TInput}"/> does not declare.</summary>
internal sealed record NetworkMembers<TNetwork>(
    Func<TNetwork> Create,
    Func<TNetwork, long> Iterations,
    Func<TNetwork, int> GetDegree,
    Action<TNetwork, int> SetDegree,
    StepFunction<TNetwork>? Step = null,
    Action<TNetwork>? ResetState = null);

/// <summary>
/// Runs sequences of random <see cref="ApiCall"/>s against one generated network type and checks the contract of
/// every call. A refused call must throw exactly ArgumentException or ArgumentOutOfRangeException, name a parameter
/// that is at fault, quote the wrong value, and leave every observable state as it was. A valid call must succeed and
/// keep its promises about what it changes.
/// </summary>
/// <remarks>
/// Unless told not to (to save time on a large network), each sequence also runs, without its refused calls, on a
/// twin built from the same seed. Every successful call must give both the same bits, and both must end in the same
/// state, Step's recurrent state included. A refused call that left a trace anywhere (optimizer moments, a recurrent
/// state, a scratch buffer that outlives the call) shows up as a difference sooner or later.
/// </remarks>
internal sealed class ApiHarness<TNetwork, TInput>
    where TNetwork : class, INetwork<TInput>
    where TInput : unmanaged
{
    private readonly NetworkMembers<TNetwork> _members;
    private readonly StepFunction<TNetwork>? _step;
    private readonly bool _useTwin;

    public ApiHarness(ApiShape shape, NetworkMembers<TNetwork> members, bool useTwin = true)
    {
        Shape = shape;
        _members = members;
        _step = members.Step;
        _useTwin = useTwin;
    }

    public ApiShape Shape { get; }

    /// <summary>Runs one sequence of calls on a fresh network (and its twin), asserting after every call.</summary>
    public void Run(ApiCall[] calls)
    {
        TNetwork network = _members.Create();
        TNetwork? twin = _useTwin ? _members.Create() : null;
        WarmUp(network);
        if (twin is not null)
        {
            WarmUp(twin);
        }

        foreach (ApiCall call in calls)
        {
            var data = new ApiCallData<TInput>(Shape, call);
            Dictionary<string, HashSet<string>> faults = data.Faults(Shape);
            State before = State.Of(network, _members);
            (float result, Exception? error) = Invoke(network, data);
            State after = State.Of(network, _members);
            if (error is not null)
            {
                CheckRefusal(call, error, faults, data);
                Assert.True(before.Equals(after), $"{call} threw but changed the network: {before.Difference(after)}");
                continue;
            }

            Assert.True(
                faults.Count == 0,
                $"{call} succeeded, but it should have been refused naming {string.Join(" or ", faults.Keys)}");
            CheckSuccess(call, data, result, before, after);
            if (twin is null)
            {
                continue;
            }

            // The twin gets only the calls that succeed; it must agree bit for bit.
            var twinData = new ApiCallData<TInput>(Shape, call);
            (float twinResult, Exception? twinError) = Invoke(twin, twinData);
            Assert.Null(twinError);
            Assert.True(
                BitEqual(result, twinResult) && BitEqual(data.OutputArray, twinData.OutputArray),
                $"{call}: the network gives {result:R}, its twin without the refused calls {twinResult:R}");
        }

        if (twin is null)
        {
            return;
        }

        State end = State.Of(network, _members), twinEnd = State.Of(twin, _members);
        Assert.True(end.Equals(twinEnd), $"after the sequence, network and twin differ: {end.Difference(twinEnd)}");
        if (_step is not null)
        {
            // The next step continues each recurrent state; equal outputs mean equal states.
            Assert.True(BitEqual(Probe(network), Probe(twin)), "the recurrent states of network and twin differ");
        }
    }

    private static bool BitEqual(float a, float b) =>
        BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b);

    private static bool BitEqual(float[]? a, float[]? b) =>
        a is null || b is null
            ? a == b
            : MemoryMarshal.Cast<float, int>(a).SequenceEqual(MemoryMarshal.Cast<float, int>(b));

    private void CheckRefusal(
        ApiCall call, Exception error, Dictionary<string, HashSet<string>> faults, ApiCallData<TInput> data)
    {
        Type type = error.GetType();
        Assert.True(
            type == typeof(ArgumentException) || type == typeof(ArgumentOutOfRangeException),
            $"{call} threw {type.Name} instead of ArgumentException: {error}");
        var argumentError = (ArgumentException)error;
        string name = argumentError.ParamName ?? "(none)";
        string atFault = string.Join(" or ", faults.Keys.DefaultIfEmpty("nothing"));
        Assert.True(
            faults.ContainsKey(name),
            $"{call} was refused naming '{name}', but the fault is in {atFault}: {argumentError.Message}");
        Assert.Contains(name, argumentError.Message, StringComparison.Ordinal);
        Assert.True(
            faults[name].Any(witness => argumentError.Message.Contains(witness, StringComparison.Ordinal)),
            $"{call}: the message quotes none of the wrong values ({string.Join(", ", faults[name])}): " +
            argumentError.Message);
        if (data.OutputArray is float[] outputs)
        {
            Assert.True(
                outputs.All(v => BitEqual(v, ApiCallData<TInput>.Sentinel)), $"{call} threw but wrote into the output");
        }
    }

    private void CheckSuccess(ApiCall call, ApiCallData<TInput> data, float result, State before, State after)
    {
        if (data.OutputArray is float[] outputs)
        {
            int written = data.OutputsWritten(Shape);
            Assert.True(
                outputs.Skip(written).All(v => BitEqual(v, ApiCallData<TInput>.Sentinel)),
                $"{call} wrote past the {written} output values it owns");
        }

        switch (call.Operation)
        {
            case ApiOperation.TrainBatch when !float.IsFinite(result):
                // A refused step keeps the weights, the optimizer state and the step count (all in the checkpoint).
                Assert.True(
                    before.Checkpoint.AsSpan().SequenceEqual(after.Checkpoint),
                    $"{call} returned {result} but changed the model");
                break;
            case ApiOperation.TrainBatch:
                Assert.False(
                    data.HasNonFiniteInput, $"{call} had NaN or infinite inputs but returned a finite loss {result}");
                Assert.Equal(before.Iterations + 1, after.Iterations);
                break;
            case ApiOperation.ComputeGradients:
                Assert.True(before.Checkpoint.AsSpan().SequenceEqual(after.Checkpoint), $"{call} changed the model");
                break;
            default:
                Assert.True(
                    before.Checkpoint.AsSpan().SequenceEqual(after.Checkpoint) &&
                    before.Gradients.AsSpan().SequenceEqual(after.Gradients),
                    $"{call} changed the model or its gradients");
                break;
        }

        // However the data looked, the weights stay finite: a step that would break them must have been refused.
        Assert.True(after.ParametersFinite, $"{call} returned {result:R} and left a parameter NaN or infinite");
    }

    private (float Result, Exception? Error) Invoke(TNetwork network, ApiCallData<TInput> data)
    {
        try
        {
            switch (data.Call.Operation)
            {
                case ApiOperation.Forward:
                    network.Forward(data.Inputs, data.Outputs);
                    return (0, null);
                case ApiOperation.Predict:
                    network.Predict(data.Inputs, data.Outputs);
                    return (0, null);
                case ApiOperation.ComputeGradients:
                    return (network.ComputeGradients(data.Inputs, data.Labels), null);
                case ApiOperation.TrainBatch:
                    return (network.TrainBatch(data.Inputs, data.Labels), null);
                case ApiOperation.ComputeLoss:
                    return (network.ComputeLoss(data.Inputs, data.Labels), null);
                case ApiOperation.Step:
                    _step!(network, MemoryMarshal.Cast<TInput, float>(data.Inputs), data.Outputs);
                    return (0, null);
                case ApiOperation.ResetState:
                    _members.ResetState!(network);
                    return (0, null);
                case ApiOperation.SetDegreeOfParallelism:
                    _members.SetDegree(network, data.Call.InputCount);
                    return (0, null);
                default:
                    throw new InvalidOperationException($"No such operation: {data.Call.Operation}.");
            }
        }
        catch (Exception error) when (error is not Xunit.Sdk.XunitException)
        {
            return (float.NaN, error);
        }
    }

    /// <summary>One valid training step and, for a streaming network, two steps of a sequence: no state is 0.</summary>
    private void WarmUp(TNetwork network)
    {
        int count = Math.Min(2, Shape.BatchSize);
        var call = new ApiCall(
            ApiOperation.TrainBatch, count * Shape.InputLength, count, 7, [], [], []);
        var data = new ApiCallData<TInput>(Shape, call);
        Assert.True(float.IsFinite(network.TrainBatch(data.Inputs, data.Labels)));
        if (_step is not null)
        {
            var output = new float[Shape.OutputLength];
            _step(network, NetworkTestKit.RandomInputs(Shape.StepInputLength, seed: 8), output);
            _step(network, NetworkTestKit.RandomInputs(Shape.StepInputLength, seed: 9), output);
        }
    }

    private float[] Probe(TNetwork network)
    {
        var output = new float[Shape.OutputLength];
        _step!(network, NetworkTestKit.RandomInputs(Shape.StepInputLength, seed: 10), output);
        return output;
    }

    /// <summary>
    /// What a caller can see of a network: its checkpoint (weights, optimizer state and step count), gradients,
    /// iterations, the outputs of the last batch call (as bits, so that NaN compares equal to itself) and the degree
    /// of parallelism.
    /// </summary>
    private sealed record State(
        byte[] Checkpoint, int[] Gradients, long Iterations, int[] Outputs, int Degree, bool ParametersFinite)
    {
        public static State Of(TNetwork network, NetworkMembers<TNetwork> members)
        {
            using var stream = new MemoryStream();
            network.Save(stream);
            bool finite = true;
            foreach (float p in network.Parameters)
            {
                finite &= float.IsFinite(p);
            }

            return new State(
                stream.ToArray(),
                MemoryMarshal.Cast<float, int>(network.Gradients).ToArray(),
                members.Iterations(network),
                MemoryMarshal.Cast<float, int>(network.Outputs).ToArray(),
                members.GetDegree(network),
                finite);
        }

        public bool Equals(State? other) =>
            other is not null && Checkpoint.AsSpan().SequenceEqual(other.Checkpoint) &&
            Gradients.AsSpan().SequenceEqual(other.Gradients) && Iterations == other.Iterations &&
            Outputs.AsSpan().SequenceEqual(other.Outputs) && Degree == other.Degree;

        public override int GetHashCode() => HashCode.Combine(Checkpoint.Length, Iterations);

        public string Difference(State other)
        {
            var parts = new List<string>();
            if (!Checkpoint.AsSpan().SequenceEqual(other.Checkpoint))
            {
                parts.Add("weights or optimizer state");
            }

            if (!Gradients.AsSpan().SequenceEqual(other.Gradients))
            {
                parts.Add("Gradients");
            }

            if (Iterations != other.Iterations)
            {
                parts.Add($"Iterations {Iterations} -> {other.Iterations}");
            }

            if (!Outputs.AsSpan().SequenceEqual(other.Outputs))
            {
                parts.Add("Outputs");
            }

            if (Degree != other.Degree)
            {
                parts.Add($"DegreeOfParallelism {Degree} -> {other.Degree}");
            }

            return string.Join(", ", parts);
        }
    }
}
