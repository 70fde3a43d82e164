using CsCheck;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Reliability;

/// <summary>
/// Property-based tests of the public API of generated networks: random sequences of calls with random span lengths
/// (zero, one off, huge), labels, token ids and floats (NaN, infinities, extremes), checked by
/// <see cref="ApiHarness{TNetwork, TInput}"/>. Every call either succeeds or is refused with an ArgumentException that
/// names the parameter at fault, and a refused call changes nothing.
/// </summary>
/// <remarks>
/// CsCheck draws a new seed on each run and prints it with the smallest failing sequence it finds; set the
/// environment variable CsCheck_Seed to that seed to replay it. The iteration counts keep the whole class to a few
/// seconds, also under DOTNET_EnableHWIntrinsic=0 where the kernels run ten to a hundred times slower; the small
/// networks get most of the iterations, the seed CNN few, with small batches and no twin.
/// </remarks>
public sealed class ApiPropertyTests
{
    [Fact]
    public void SeedCnn_RandomCalls_SucceedOrAreRefusedWithoutChangingTheNetwork()
    {
        var harness = new ApiHarness<SeedCnn, float>(
            new ApiShape(SeedCnn.InputLength, SeedCnn.OutputLength, SeedCnn.BatchSize, 0, 0),
            new NetworkMembers<SeedCnn>(
                () => new SeedCnn(), n => n.Iterations,
                n => n.DegreeOfParallelism, (n, d) => n.DegreeOfParallelism = d),
            useTwin: false);
        ApiCallGenerators.Calls(harness.Shape, largestValidBatch: 2).Array[1, 3].Sample(harness.Run, iter: 12);
    }

    [Fact]
    public void PaddedCnn_RandomCalls_SucceedOrAreRefusedWithoutChangingTheNetwork()
    {
        var harness = new ApiHarness<PaddedCnn, float>(
            new ApiShape(PaddedCnn.InputLength, PaddedCnn.OutputLength, PaddedCnn.BatchSize, 0, 0),
            new NetworkMembers<PaddedCnn>(
                () => new PaddedCnn(), n => n.Iterations,
                n => n.DegreeOfParallelism, (n, d) => n.DegreeOfParallelism = d));
        ApiCallGenerators.Calls(harness.Shape, PaddedCnn.BatchSize).Array[1, 5].Sample(harness.Run, iter: 400);
    }

    [Fact]
    public void TinyAdam_RandomCalls_SucceedOrAreRefusedWithoutChangingTheNetwork()
    {
        // Logits straight from a Dense layer with Adam: nothing saturates, so huge inputs give huge finite gradients,
        // the case that must not overflow Adam's second moment.
        var harness = new ApiHarness<TinyAdam, float>(
            new ApiShape(TinyAdam.InputLength, TinyAdam.OutputLength, TinyAdam.BatchSize, 0, 0),
            new NetworkMembers<TinyAdam>(
                () => new TinyAdam(), n => n.Iterations,
                n => n.DegreeOfParallelism, (n, d) => n.DegreeOfParallelism = d));
        ApiCallGenerators.Calls(harness.Shape, TinyAdam.BatchSize).Array[1, 5].Sample(harness.Run, iter: 400);
    }

    [Fact]
    public void TokenLstm_RandomCalls_SucceedOrAreRefusedWithoutChangingTheNetwork()
    {
        var harness = new ApiHarness<TokenLstm, int>(
            new ApiShape(TokenLstm.InputLength, TokenLstm.OutputLength, TokenLstm.BatchSize, Vocabulary: 11, 0),
            new NetworkMembers<TokenLstm>(
                () => new TokenLstm(), n => n.Iterations,
                n => n.DegreeOfParallelism, (n, d) => n.DegreeOfParallelism = d));
        ApiCallGenerators.Calls(harness.Shape, TokenLstm.BatchSize).Array[1, 5].Sample(harness.Run, iter: 400);
    }

    [Fact]
    public void StreamingLstm_RandomCallsAndSteps_SucceedOrAreRefusedWithoutChangingTheNetworkOrItsState()
    {
        var harness = new ApiHarness<StreamingLstm, float>(
            new ApiShape(
                StreamingLstm.InputLength, StreamingLstm.OutputLength, StreamingLstm.BatchSize, 0,
                StreamingLstm.StepInputLength),
            new NetworkMembers<StreamingLstm>(
                () => new StreamingLstm(), n => n.Iterations,
                n => n.DegreeOfParallelism, (n, d) => n.DegreeOfParallelism = d,
                (n, input, output) => n.Step(input, output), n => n.ResetState()));
        ApiCallGenerators.Calls(harness.Shape, StreamingLstm.BatchSize).Array[1, 6].Sample(harness.Run, iter: 400);
    }
}
