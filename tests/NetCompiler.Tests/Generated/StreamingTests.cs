using System;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Generated;

/// <summary>Step and ResetState: streaming a sequence one step at a time equals Forward over all of it.</summary>
public sealed class StreamingTests
{
    [Fact]
    public void Step_OverWholeSequence_EqualsForward()
    {
        var network = new StreamingLstm();
        float[] sequence = NetworkTestKit.RandomInputs(StreamingLstm.InputLength, seed: 41);
        var expected = new float[StreamingLstm.OutputLength];
        network.Forward(sequence, expected);

        for (int run = 0; run < 2; run++)
        {
            network.ResetState();
            var streamed = new float[StreamingLstm.OutputLength];
            for (int t = 0; t < 6; t++)
            {
                network.Step(sequence.AsSpan(t * StreamingLstm.StepInputLength, StreamingLstm.StepInputLength), streamed);
            }

            for (int k = 0; k < expected.Length; k++)
            {
                Assert.Equal(expected[k], streamed[k], 6);
            }
        }
    }

    [Fact]
    public void Step_KeepsStateBetweenCalls_AndResetStateForgetsIt()
    {
        var network = new StreamingLstm();
        float[] x = { 0.5f, -0.2f, 0.9f };
        var first = new float[3];
        var second = new float[3];
        network.Step(x, first);
        network.Step(x, second);
        Assert.NotEqual(first[0], second[0]);

        network.ResetState();
        var again = new float[3];
        network.Step(x, again);
        Assert.Equal(first, again);
    }

    [Fact]
    public void Step_AllocatesNothing_AndRejectsWrongLengths()
    {
        var network = new StreamingLstm();
        float[] x = { 0.5f, -0.2f, 0.9f };
        var y = new float[3];
        network.Step(x, y);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            network.Step(x, y);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Throws<ArgumentException>(() => network.Step(new float[4], y));
        Assert.Throws<ArgumentException>(() => network.Step(x, new float[2]));
    }

    [Fact]
    public void StreamingLstm_GradientsMatchFiniteDifferences()
    {
        var network = new StreamingLstm();
        float[] inputs = NetworkTestKit.RandomInputs(2 * StreamingLstm.InputLength, seed: 42);
        int[] labels = { 1, 2 };
        int[] indices = NetworkTestKit.Indices(StreamingLstm.ParameterCount, 4000, seed: 43);
        Assert.Null(NetworkTestKit.CheckGradients(network, inputs, labels, indices));
    }
}
