using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CsCheck;

namespace NetCompiler.Tests.Reliability;

/// <summary>A public entry point of a generated network.</summary>
internal enum ApiOperation
{
    Forward,
    Predict,
    ComputeGradients,
    TrainBatch,
    ComputeLoss,
    Step,
    ResetState,
    SetDegreeOfParallelism,
}

/// <summary>
/// The sizes of a network that decide whether a call is valid. <see cref="Vocabulary"/> is 0 for float inputs;
/// <see cref="StepInputLength"/> is 0 when the network has no Step.
/// </summary>
internal sealed record ApiShape(int InputLength, int OutputLength, int BatchSize, int Vocabulary, int StepInputLength)
{
    /// <summary>Classes, and so the valid labels [0, Classes).</summary>
    public int Classes => OutputLength;

    /// <summary>The largest DegreeOfParallelism a network of this batch size accepts on this machine.</summary>
    public int MaxDegree => BatchParallel.MaxWorkers(BatchSize);
}

/// <summary>
/// One random call. <see cref="InputCount"/> is the length of the first span (inputs), or the value given to
/// DegreeOfParallelism; <see cref="SecondCount"/> is the output length (Forward, Predict, Step) or the label count
/// (the batch calls). The data are drawn from
/// <see cref="DataSeed"/> inside their valid ranges, then the overrides put chosen values at chosen positions (taken
/// modulo the length). Keeping arrays out of the generated value keeps shrinking fast and failures short to print.
/// </summary>
internal sealed record ApiCall(
    ApiOperation Operation,
    int InputCount,
    int SecondCount,
    int DataSeed,
    (int At, float Value)[] FloatOverrides,
    (int At, int Value)[] TokenOverrides,
    (int At, int Value)[] LabelOverrides)
{
    public bool TakesLabels => Operation is ApiOperation.ComputeGradients or ApiOperation.TrainBatch
        or ApiOperation.ComputeLoss;

    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Operation}({InputCount}, {SecondCount}, data {DataSeed}");
        Append("floats", FloatOverrides.Select(o => (o.At, o.Value.ToString("R", CultureInfo.InvariantCulture))));
        Append("tokens", TokenOverrides.Select(o => (o.At, o.Value.ToString(CultureInfo.InvariantCulture))));
        Append("labels", LabelOverrides.Select(o => (o.At, o.Value.ToString(CultureInfo.InvariantCulture))));
        return text.Append(')').ToString();

        void Append(string name, IEnumerable<(int At, string Value)> overrides)
        {
            string joined = string.Join(", ", overrides.Select(o => $"@{o.At}={o.Value}"));
            if (joined.Length > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $", {name} [{joined}]");
            }
        }
    }
}

/// <summary>
/// Generators of calls around the boundaries that matter: exact lengths, one off, zero, random, and huge (from
/// <see cref="HugeSpans"/>); labels and token ids inside their range, at its edges, negative and extreme; floats that
/// are NaN, infinite, huge or subnormal.
/// </summary>
internal static class ApiCallGenerators
{
    private static readonly Gen<int> s_huge = Gen.OneOf(HugeSpans.MaxLength, HugeSpans.LargePrime);

    private static readonly Gen<float> s_specialFloat = Gen.Frequency(
        (3, Gen.OneOf(float.NaN, float.PositiveInfinity, float.NegativeInfinity)),
        (1, Gen.Float.Special),
        (1, Gen.OneOf(float.MaxValue, -float.MaxValue, 1e30f, -1e30f, 1e20f)),
        (1, Gen.OneOf(1e-39f, -1e-40f, float.Epsilon)));

    /// <summary>Most batches carry no special float, so that most training calls succeed and train.</summary>
    private static readonly Gen<(int At, float Value)[]> s_floatOverrides = Gen.Frequency(
        (3, Gen.Const(Array.Empty<(int, float)>())),
        (1, Gen.Select(Gen.Int.NonNegative, s_specialFloat).Array[1, 3]));

    /// <summary>Calls of every public operation of a network of <paramref name="shape"/>.</summary>
    /// <param name="shape">The network's sizes.</param>
    /// <param name="largestValidBatch">
    /// The most samples a valid batch or Predict call gets; smaller than BatchSize for a network whose full batch is
    /// slow, while BatchSize itself stays among the boundary values.
    /// </param>
    public static Gen<ApiCall> Calls(ApiShape shape, int largestValidBatch)
    {
        Gen<int> seeds = Gen.Int[0, 1_000_000];
        Gen<(int, int)[]> tokens = shape.Vocabulary > 0
            ? Gen.Frequency((1, Gen.Const(Array.Empty<(int, int)>())), (1, IntOverrides(shape.Vocabulary)))
            : Gen.Const(Array.Empty<(int, int)>());
        Gen<(int, float)[]> floats = shape.Vocabulary > 0 ? Gen.Const(Array.Empty<(int, float)>()) : s_floatOverrides;
        Gen<(int, int)[]> noLabels = Gen.Const(Array.Empty<(int, int)>());
        int validSamples = Math.Min(largestValidBatch, shape.BatchSize);

        Gen<ApiCall> Single(ApiOperation operation, int inputLength) =>
            from input in Length(inputLength)
            from output in Length(shape.OutputLength)
            from seed in seeds
            from f in floats
            from t in tokens
            select new ApiCall(operation, input, output, seed, f, t, Array.Empty<(int, int)>());

        Gen<ApiCall> predict =
            from samples in Gen.Frequency((6, Gen.Int[0, Math.Min(validSamples, 4)]), (1, Gen.Int[0, validSamples]))
            from input in Length(samples * shape.InputLength)
            from output in Length(samples * shape.OutputLength)
            from seed in seeds
            from f in floats
            from t in tokens
            select new ApiCall(ApiOperation.Predict, input, output, seed, f, t, Array.Empty<(int, int)>());

        Gen<int> labelCounts = Gen.Frequency(
            (12, Gen.Int[1, validSamples]),
            (1, Gen.Const(shape.BatchSize)),
            (1, Gen.Const(0)),
            (1, Gen.Const(shape.BatchSize + 1)),
            (1, Gen.Int[shape.BatchSize + 2, 4 * shape.BatchSize]),
            (1, s_huge));

        Gen<ApiCall> Batch(ApiOperation operation) =>
            from count in labelCounts
            from input in Length(Math.Min(count, shape.BatchSize + 1) * shape.InputLength)
            from seed in seeds
            from f in floats
            from t in tokens
            from labels in Gen.Frequency((2, noLabels), (1, IntOverrides(shape.Classes)))
            select new ApiCall(operation, input, count, seed, f, t, labels);

        Gen<ApiCall> setDegree =
            from degree in Gen.Frequency(
                (3, Gen.Int[1, shape.MaxDegree]),
                (1, Gen.OneOf(0, -1, shape.MaxDegree + 1, int.MaxValue, int.MinValue)))
            select new ApiCall(
                ApiOperation.SetDegreeOfParallelism, degree, 0, 0, Array.Empty<(int, float)>(),
                Array.Empty<(int, int)>(), Array.Empty<(int, int)>());

        var operations = new List<(int, IGen<ApiCall>)>
        {
            (3, Single(ApiOperation.Forward, shape.InputLength)),
            (3, predict),
            (2, Batch(ApiOperation.ComputeGradients)),
            (4, Batch(ApiOperation.TrainBatch)),
            (2, Batch(ApiOperation.ComputeLoss)),
            (1, setDegree),
        };
        if (shape.StepInputLength > 0)
        {
            operations.Add((3, Single(ApiOperation.Step, shape.StepInputLength)));
            operations.Add((1, Gen.Const(new ApiCall(
                ApiOperation.ResetState, 0, 0, 0, Array.Empty<(int, float)>(), Array.Empty<(int, int)>(),
                Array.Empty<(int, int)>()))));
        }

        return Gen.Frequency(operations.ToArray());
    }

    /// <summary>A span length around <paramref name="exact"/>, the length a valid call has.</summary>
    private static Gen<int> Length(int exact) => Gen.Frequency(
        (12, Gen.Const(exact)),
        (2, Gen.Const(exact + 1)),
        (2, Gen.Const(Math.Max(exact - 1, 0))),
        (1, Gen.Const(0)),
        (2, Gen.Int[0, 3 * exact + 3]),
        (1, s_huge));

    /// <summary>
    /// One to three values for a range [0, <paramref name="limit"/>): inside, at both edges, negative and extreme.
    /// </summary>
    private static Gen<(int At, int Value)[]> IntOverrides(int limit)
    {
        Gen<int> values = Gen.Frequency(
            (3, Gen.Int[0, limit - 1]),
            (2, Gen.OneOf(-1, limit, limit + 1, int.MaxValue, int.MinValue)),
            (1, Gen.Int));
        return Gen.Select(Gen.Int.NonNegative, values).Array[1, 3];
    }
}
