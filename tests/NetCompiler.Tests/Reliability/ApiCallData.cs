using System;
using System.Collections.Generic;
using System.Globalization;

namespace NetCompiler.Tests.Reliability;

/// <summary>
/// The arrays of one <see cref="ApiCall"/>, and what a correct network must say about them: which parameters are at
/// fault, and which numbers (a wrong length, a bad label or token id) the message of a refusal may quote.
/// </summary>
internal sealed class ApiCallData<TInput>
    where TInput : unmanaged
{
    /// <summary>What an output span holds before a call; a NaN with a payload no computation produces.</summary>
    public static readonly float Sentinel = BitConverter.Int32BitsToSingle(0x7FC0_5EED);

    private readonly TInput[]? _inputs;
    private readonly float[]? _outputs;
    private readonly int[]? _labels;

    public ApiCallData(ApiShape shape, ApiCall call)
    {
        Call = call;
        bool hasInputs = call.Operation is not (ApiOperation.ResetState or ApiOperation.SetDegreeOfParallelism);
        _inputs = !hasInputs || HugeSpans.IsHuge(call.InputCount) ? null : new TInput[call.InputCount];
        if (_inputs is not null)
        {
            Fill(shape, call, _inputs);
        }

        if (call.TakesLabels)
        {
            _labels = HugeSpans.IsHuge(call.SecondCount) ? null : MakeLabels(shape, call);
        }
        else if (hasInputs && !HugeSpans.IsHuge(call.SecondCount))
        {
            _outputs = new float[call.SecondCount];
            _outputs.AsSpan().Fill(Sentinel);
        }
    }

    public ApiCall Call { get; }

    /// <summary>The inputs; a huge span reads as zeros, which are valid floats and valid token ids.</summary>
    public ReadOnlySpan<TInput> Inputs => _inputs ?? HugeSpans.Of<TInput>(Call.InputCount);

    public Span<float> Outputs => _outputs ?? HugeSpans.Of<float>(Call.SecondCount);

    public ReadOnlySpan<int> Labels => _labels ?? HugeSpans.Of<int>(Call.SecondCount);

    /// <summary>The caller's output array when it is a real one (not huge), to check what a call wrote there.</summary>
    public float[]? OutputArray => _outputs;

    /// <summary>Whether a NaN or an infinity is among the inputs.</summary>
    public bool HasNonFiniteInput
    {
        get
        {
            if (_inputs is not float[] floats)
            {
                return false;
            }

            foreach (float x in floats)
            {
                if (!float.IsFinite(x))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>How many output values a successful call writes (the rest of the span must stay untouched).</summary>
    public int OutputsWritten(ApiShape shape) => Call.Operation switch
    {
        ApiOperation.Predict => Call.InputCount / shape.InputLength * shape.OutputLength,
        ApiOperation.Forward or ApiOperation.Step => shape.OutputLength,
        _ => 0,
    };

    /// <summary>
    /// The parameters a correct network may name when it refuses this call, each with the numbers its message may
    /// quote. Empty means the call is valid and must succeed.
    /// </summary>
    public Dictionary<string, HashSet<string>> Faults(ApiShape shape)
    {
        var faults = new Dictionary<string, HashSet<string>>();
        ApiCall call = Call;
        int input = call.InputCount, second = call.SecondCount;
        switch (call.Operation)
        {
            case ApiOperation.Forward:
                Check(input != shape.InputLength, "input", input);
                CheckTokens("input");
                Check(second < shape.OutputLength, "output", second);
                break;
            case ApiOperation.Predict:
                Check(input % shape.InputLength != 0, "inputs", input);
                CheckTokens("inputs");
                Check((long)(input / shape.InputLength) * shape.OutputLength > second, "outputs", second);
                break;
            case ApiOperation.Step:
                Check(input != shape.StepInputLength, "input", input);
                Check(second < shape.OutputLength, "output", second);
                break;
            case ApiOperation.SetDegreeOfParallelism:
                // A setter's parameter is 'value' by .NET's convention; naming the property says more, so either.
                Check(input < 1 || input > shape.MaxDegree, "DegreeOfParallelism", input);
                Check(input < 1 || input > shape.MaxDegree, "value", input);
                break;
            case ApiOperation.ComputeGradients or ApiOperation.TrainBatch or ApiOperation.ComputeLoss:
                Check(second < 1 || second > shape.BatchSize, "labels", second);
                Check(input != (long)second * shape.InputLength, "inputs", input);
                CheckTokens("inputs");
                if (_labels is not null)
                {
                    foreach (int label in _labels)
                    {
                        Check((uint)label >= (uint)shape.Classes, "labels", label);
                    }
                }

                break;
        }

        return faults;

        void CheckTokens(string name)
        {
            if (_inputs is int[] tokens)
            {
                foreach (int token in tokens)
                {
                    Check((uint)token >= (uint)shape.Vocabulary, name, token);
                }
            }
        }

        void Check(bool fault, string name, long witness)
        {
            if (!fault)
            {
                return;
            }

            if (!faults.TryGetValue(name, out HashSet<string>? witnesses))
            {
                faults[name] = witnesses = new HashSet<string>();
            }

            witnesses.Add(witness.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void Fill(ApiShape shape, ApiCall call, TInput[] inputs)
    {
        var random = new NetworkRandom(call.DataSeed);
        if (inputs is float[] floats)
        {
            for (int i = 0; i < floats.Length; i++)
            {
                floats[i] = random.NextSingle(-1f, 1f);
            }

            foreach ((int at, float value) in call.FloatOverrides)
            {
                if (floats.Length > 0)
                {
                    floats[at % floats.Length] = value;
                }
            }
        }
        else if (inputs is int[] tokens)
        {
            for (int i = 0; i < tokens.Length; i++)
            {
                tokens[i] = random.NextInt32(shape.Vocabulary);
            }

            foreach ((int at, int value) in call.TokenOverrides)
            {
                if (tokens.Length > 0)
                {
                    tokens[at % tokens.Length] = value;
                }
            }
        }
    }

    private static int[] MakeLabels(ApiShape shape, ApiCall call)
    {
        var random = new NetworkRandom(call.DataSeed + 1L);
        var labels = new int[call.SecondCount];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = random.NextInt32(shape.Classes);
        }

        foreach ((int at, int value) in call.LabelOverrides)
        {
            if (labels.Length > 0)
            {
                labels[at % labels.Length] = value;
            }
        }

        return labels;
    }
}
