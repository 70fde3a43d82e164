using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Xunit;

namespace NetCompiler.Tests.Runtime;

public sealed class NetworkTrainerTests
{
    private const int Features = 4;
    private const int Classes = 3;

    [Fact]
    public void Fit_SeparableData_AccuracyRisesAboveNinetyFivePercent()
    {
        (float[] inputs, int[] labels) = MakeBlobs(250, seed: 1);
        (float[] testInputs, int[] testLabels) = MakeBlobs(150, seed: 2);
        var network = new SoftmaxRegression(Features, Classes, batchSize: 16, learningRate: 0.5f, seed: 3);
        EvaluationResult before = NetworkTrainer.Evaluate(network, testInputs, testLabels);

        TrainingHistory history = NetworkTrainer.Fit(
            network, inputs, labels, null, null, new FitOptions { Epochs = 8 }, null, CancellationToken.None);
        EvaluationResult after = NetworkTrainer.Evaluate(network, testInputs, testLabels);

        Assert.True(before.Accuracy < 0.8f, $"untrained accuracy {before.Accuracy} is already high");
        Assert.True(history.Accuracy[^1] > 0.95f, $"final training accuracy {history.Accuracy[^1]}");
        Assert.True(after.Accuracy > 0.95f, $"test accuracy {after.Accuracy}");
        Assert.True(history.Loss[^1] < history.Loss[0] / 2, $"loss went from {history.Loss[0]} to {history.Loss[^1]}");
        Assert.True(after.Loss < before.Loss / 2, $"test loss went from {before.Loss} to {after.Loss}");
    }

    [Fact]
    public void Fit_ThreeEpochs_HistoryHasOneEntryPerEpoch()
    {
        (float[] inputs, int[] labels) = MakeBlobs(50, seed: 1);
        var network = new SoftmaxRegression(Features, Classes, batchSize: 8, learningRate: 0.1f, seed: 3);

        TrainingHistory history = NetworkTrainer.Fit(
            network, inputs, labels, null, null, new FitOptions { Epochs = 3 }, null, CancellationToken.None);

        Assert.Equal([1, 2, 3], history.Epochs.Select(e => e.Epoch));
        Assert.Equal(3, history.Loss.Count);
        Assert.Equal(3, history.Accuracy.Count);
        Assert.Empty(history.ValidationLoss);
        Assert.Empty(history.ValidationAccuracy);
        Assert.All(history.Epochs, e => Assert.Null(e.ValidationLoss));
        Assert.All(history.Epochs, e => Assert.True(e.Duration > TimeSpan.Zero));
        Assert.Equal(history.Epochs.Select(e => e.Loss), history.Loss);
        Assert.Equal(7 * 3, network.Step); // ceil(50 / 8) batches per epoch
    }

    [Fact]
    public void Fit_UnevenLastBatch_WeightsEachBatchLossBySampleCount()
    {
        // Ten samples in batches of 4, 4 and 2. Each batch's loss is the mean of its inputs, so the weighted epoch
        // loss must be the plain mean of all inputs, whatever the order; an unweighted mean of batch means is not.
        float[] inputs = [0.9f, 0.1f, 0.4f, 0.8f, 0.3f, 0.7f, 0.2f, 0.6f, 5f, 9f];
        int[] labels = inputs.Select(x => x > 0.5f ? 1 : 0).ToArray();
        labels[2] = 1; // one sample the network gets wrong
        double expectedLoss = inputs.Sum(x => (double)x) / inputs.Length;
        double unweighted = (inputs[..4].Average() + inputs[4..8].Average() + inputs[8..].Average()) / 3;
        Assert.True(Math.Abs(expectedLoss - unweighted) > 0.5, "the data must tell the two means apart");

        foreach (bool shuffle in new[] { false, true })
        {
            var network = new ScriptedNetwork(batchSize: 4);
            TrainingHistory history = NetworkTrainer.Fit(
                network, inputs, labels, null, null, new FitOptions { Shuffle = shuffle }, null, default);

            Assert.Equal([4, 4, 2], network.Batches.Select(b => b.Length));
            Assert.Equal(expectedLoss, history.Loss[0], 1e-6);
            Assert.Equal(9f / 10f, history.Accuracy[0]);
        }
    }

    [Fact]
    public void Fit_Shuffle_VisitsEverySampleOncePerEpochInADifferentOrder()
    {
        float[] inputs = Enumerable.Range(0, 10).Select(i => (float)i).ToArray();
        int[] labels = inputs.Select(x => ScriptedNetwork.LabelOf(x)).ToArray();
        var network = new ScriptedNetwork(batchSize: 4) { LabelsFollowInputs = true };

        NetworkTrainer.Fit(
            network, inputs, labels, null, null, new FitOptions { Epochs = 2, ShuffleSeed = 5 }, null,
            CancellationToken.None);

        // ScriptedNetwork checks that each gathered label still belongs to its gathered input.
        float[] first = network.Batches.Take(3).SelectMany(b => b).ToArray();
        float[] second = network.Batches.Skip(3).SelectMany(b => b).ToArray();
        Assert.Equal(inputs, first.Order());
        Assert.Equal(inputs, second.Order());
        Assert.NotEqual(inputs, first);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Fit_NoShuffle_VisitsSamplesInOrder()
    {
        float[] inputs = Enumerable.Range(0, 10).Select(i => (float)i).ToArray();
        int[] labels = inputs.Select(x => ScriptedNetwork.LabelOf(x)).ToArray();
        var network = new ScriptedNetwork(batchSize: 4);

        NetworkTrainer.Fit(
            network, inputs, labels, null, null, new FitOptions { Epochs = 2, Shuffle = false }, null,
            CancellationToken.None);

        Assert.Equal(inputs.Concat(inputs), network.Batches.SelectMany(b => b));
    }

    [Fact]
    public void Fit_MaxBatchesPerEpoch_StopsEachEpochEarly()
    {
        float[] inputs = Enumerable.Range(0, 10).Select(i => (float)i).ToArray();
        int[] labels = inputs.Select(x => ScriptedNetwork.LabelOf(x)).ToArray();
        var network = new ScriptedNetwork(batchSize: 4) { LabelsFollowInputs = true };
        var progress = new ListProgress<TrainingProgress>();

        NetworkTrainer.Fit(
            network, inputs, labels, null, null, new FitOptions { Epochs = 3, MaxBatchesPerEpoch = 2 }, progress,
            CancellationToken.None);

        Assert.Equal(6, network.Batches.Count);
        Assert.All(network.Batches, b => Assert.Equal(4, b.Length));
        TrainingProgress[] ends = progress.Reports.Where(p => p.EpochCompleted).ToArray();
        Assert.Equal(3, ends.Length);
        Assert.All(ends, p => Assert.Equal((8, 8), (p.SamplesDone, p.SamplesTotal)));
    }

    [Fact]
    public void Fit_SameSeeds_GiveIdenticalParameters()
    {
        (float[] inputs, int[] labels) = MakeBlobs(100, seed: 1);
        float[] a = TrainedParameters(shuffleSeed: 11);
        float[] b = TrainedParameters(shuffleSeed: 11);
        float[] c = TrainedParameters(shuffleSeed: 12);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);

        float[] TrainedParameters(int shuffleSeed)
        {
            var network = new SoftmaxRegression(Features, Classes, batchSize: 8, learningRate: 0.2f, seed: 7);
            NetworkTrainer.Fit(
                network, inputs, labels, null, null, new FitOptions { Epochs = 3, ShuffleSeed = shuffleSeed }, null,
                CancellationToken.None);
            return network.Parameters.ToArray();
        }
    }

    [Fact]
    public void Fit_CancelledDuringTraining_StopsBeforeTheNextBatch()
    {
        float[] inputs = Enumerable.Range(0, 40).Select(i => (float)i).ToArray();
        int[] labels = inputs.Select(x => ScriptedNetwork.LabelOf(x)).ToArray();
        using var cancellation = new CancellationTokenSource();
        var network = new ScriptedNetwork(batchSize: 4)
        {
            OnTrainBatch = call =>
            {
                if (call == 3)
                {
                    cancellation.Cancel();
                }
            },
        };

        Assert.ThrowsAny<OperationCanceledException>(() => NetworkTrainer.Fit(
            network, inputs, labels, null, null, new FitOptions { Epochs = 2 }, null, cancellation.Token));
        Assert.Equal(3, network.Batches.Count);
    }

    [Fact]
    public void Fit_AlreadyCancelled_TrainsNothing()
    {
        var network = new ScriptedNetwork(batchSize: 4);

        Assert.ThrowsAny<OperationCanceledException>(() => NetworkTrainer.Fit(
            network, [0f, 1f], [0, 0], null, null, null, null, new CancellationToken(canceled: true)));
        Assert.Empty(network.Batches);
    }

    [Fact]
    public void Fit_WithValidationData_ReportsValidationMetricsAfterEachEpoch()
    {
        (float[] inputs, int[] labels) = MakeBlobs(120, seed: 1);
        (float[] validationInputs, int[] validationLabels) = MakeBlobs(45, seed: 2);
        var network = new SoftmaxRegression(Features, Classes, batchSize: 16, learningRate: 0.3f, seed: 3);
        var progress = new ListProgress<TrainingProgress>();

        TrainingHistory history = NetworkTrainer.Fit(
            network, inputs, labels, validationInputs, validationLabels, new FitOptions { Epochs = 4 }, progress,
            CancellationToken.None);

        Assert.Equal(4, history.ValidationLoss.Count);
        Assert.Equal(4, history.ValidationAccuracy.Count);
        EvaluationResult final = NetworkTrainer.Evaluate(network, validationInputs, validationLabels);
        Assert.Equal(final.Loss, history.ValidationLoss[^1]);
        Assert.Equal(final.Accuracy, history.ValidationAccuracy[^1]);
        Assert.True(history.ValidationLoss[^1] < history.ValidationLoss[0]);

        // One end-of-epoch report per epoch, carrying the history's numbers; earlier reports carry no validation.
        TrainingProgress[] ends = progress.Reports.Where(p => p.EpochCompleted).ToArray();
        Assert.Equal([1, 2, 3, 4], ends.Select(p => p.Epoch));
        for (int e = 0; e < ends.Length; e++)
        {
            Assert.Equal((120, 120, 4), (ends[e].SamplesDone, ends[e].SamplesTotal, ends[e].Epochs));
            Assert.Equal(history.Loss[e], ends[e].Loss);
            Assert.Equal(history.Accuracy[e], ends[e].Accuracy);
            Assert.Equal(history.ValidationLoss[e], ends[e].ValidationLoss);
            Assert.Equal(history.ValidationAccuracy[e], ends[e].ValidationAccuracy);
            Assert.True(ends[e].SamplesPerSecond > 0);
        }

        Assert.All(progress.Reports.Where(p => !p.EpochCompleted), p => Assert.Null(p.ValidationLoss));
    }

    [Fact]
    public void Fit_SlowBatches_ReportsProgressDuringTheEpoch()
    {
        float[] inputs = Enumerable.Range(0, 8).Select(i => (float)i).ToArray();
        int[] labels = inputs.Select(x => ScriptedNetwork.LabelOf(x)).ToArray();
        var network = new ScriptedNetwork(batchSize: 2) { OnTrainBatch = _ => Thread.Sleep(120) };
        var progress = new ListProgress<TrainingProgress>();

        NetworkTrainer.Fit(network, inputs, labels, null, null, null, progress, CancellationToken.None);

        // Each batch takes longer than the ~100 ms interval, so every batch but the last gets a report of its own.
        Assert.Equal([2, 4, 6, 8], progress.Reports.Select(p => p.SamplesDone));
        Assert.Equal([false, false, false, true], progress.Reports.Select(p => p.EpochCompleted));
    }

    [Fact]
    public void Fit_NonFiniteLoss_ThrowsNamingEpochAndBatch()
    {
        float[] inputs = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        int[] labels = inputs.Select(x => ScriptedNetwork.LabelOf(x)).ToArray();
        var network = new ScriptedNetwork(batchSize: 4) { LossOverride = call => call == 5 ? float.NaN : null };

        var error = Assert.Throws<InvalidOperationException>(() => NetworkTrainer.Fit(
            network, inputs, labels, null, null, new FitOptions { Epochs = 3 }, null, CancellationToken.None));

        Assert.Contains("epoch 2 of 3, batch 2 of 3", error.Message);
        Assert.Contains("NaN", error.Message);
    }

    [Fact]
    public void Fit_BadArguments_ThrowNamingTheParameter()
    {
        var network = new ScriptedNetwork(batchSize: 4);
        float[] inputs = [0f, 1f, 2f];
        int[] labels = [0, 1, 0];

        AssertBad("inputs", "has 2 elements, but 3 labels x InputLength 1 = 3", () => NetworkTrainer.Fit(
            network, [0f, 1f], labels, null, null, null, null, CancellationToken.None));
        AssertBad("labels", "labels[2] is 2, but labels must be in [0, 2)", () => NetworkTrainer.Fit(
            network, inputs, [0, 1, 2], null, null, null, null, CancellationToken.None));
        AssertBad("labels", "labels[0] is -1", () => NetworkTrainer.Fit(
            network, inputs, [-1, 1, 0], null, null, null, null, CancellationToken.None));
        AssertBad("labels", "at least one sample", () => NetworkTrainer.Fit(
            network, [], [], null, null, null, null, CancellationToken.None));
        AssertBad("options", "Epochs must be at least 1, but is 0", () => NetworkTrainer.Fit(
            network, inputs, labels, null, null, new FitOptions { Epochs = 0 }, null, CancellationToken.None));
        var negativeCap = new FitOptions { MaxBatchesPerEpoch = -1 };
        AssertBad("options", "MaxBatchesPerEpoch must be 0 (all batches) or positive, but is -1", () =>
            NetworkTrainer.Fit(network, inputs, labels, null, null, negativeCap, null, CancellationToken.None));
        AssertBad("validationLabels", "only validationInputs was given", () => NetworkTrainer.Fit(
            network, inputs, labels, inputs, null, null, null, CancellationToken.None));
        AssertBad("validationInputs", "only validationLabels was given", () => NetworkTrainer.Fit(
            network, inputs, labels, null, labels, null, null, CancellationToken.None));
        AssertBad("validationInputs", "validationInputs has 3 elements, but 2 labels", () => NetworkTrainer.Fit(
            network, inputs, labels, inputs, [0, 1], null, null, CancellationToken.None));
        AssertBad("validationLabels", "validationLabels[1] is 7", () => NetworkTrainer.Fit(
            network, inputs, labels, inputs, [0, 7, 1], null, null, CancellationToken.None));
        AssertBad("inputs", "has 2 elements", () => NetworkTrainer.Evaluate(network, [0f, 1f], labels));
        AssertBad("labels", "labels[0] is 9", () => NetworkTrainer.ConfusionMatrix(network, inputs, [9, 0, 0]));
        AssertBad("network", "BatchSize 0", () => NetworkTrainer.Evaluate(
            new ScriptedNetwork(batchSize: 0), inputs, labels));
        Assert.Throws<ArgumentNullException>(() => NetworkTrainer.Fit<float>(
            null!, inputs, labels, null, null, null, null, CancellationToken.None));

        // Validation data is checked before training starts, so a mistake there costs no training time.
        Assert.Empty(network.Batches);

        static void AssertBad(string parameter, string message, Action action)
        {
            var error = Assert.Throws<ArgumentException>(action);
            Assert.Equal(parameter, error.ParamName);
            Assert.Contains(message, error.Message);
        }
    }

    [Fact]
    public void Evaluate_UnevenLastChunk_WeightsEachChunkBySampleCount()
    {
        float[] inputs = [0.9f, 0.1f, 0.4f, 0.8f, 0.3f, 0.7f, 0.2f, 0.6f, 5f, 9f];
        int[] labels = inputs.Select(x => x > 0.5f ? 1 : 0).ToArray();
        labels[0] = 0;
        labels[1] = 1;
        var network = new ScriptedNetwork(batchSize: 4);

        EvaluationResult result = NetworkTrainer.Evaluate(network, inputs, labels);

        Assert.Equal(inputs.Sum(x => (double)x) / inputs.Length, result.Loss, 1e-6);
        Assert.Equal(8f / 10f, result.Accuracy);
        Assert.Equal(10, result.Samples);
        Assert.Equal([4, 4, 2], network.Batches.Select(b => b.Length));
        Assert.Equal(0, network.TrainCalls);
    }

    [Fact]
    public void Evaluate_Cancelled_Throws()
    {
        var network = new ScriptedNetwork(batchSize: 4);

        Assert.ThrowsAny<OperationCanceledException>(
            () => NetworkTrainer.Evaluate(network, [0f, 1f], [0, 1], new CancellationToken(canceled: true)));
    }

    [Fact]
    public void ConfusionMatrix_CountsTrueClassAgainstPredictedClass()
    {
        // ScriptedNetwork predicts class 1 exactly when the input is above 0.5.
        float[] inputs = [0.9f, 0.1f, 0.4f, 0.8f, 0.3f, 0.7f, 0.2f, 0.6f, 5f];
        int[] labels = [1, 1, 0, 0, 0, 1, 0, 1, 0];
        var network = new ScriptedNetwork(batchSize: 4);

        int[,] matrix = NetworkTrainer.ConfusionMatrix(network, inputs, labels);

        Assert.Equal(new[,] { { 3, 2 }, { 1, 3 } }, matrix);
    }

    [Fact]
    public void ConfusionMatrix_TraceMatchesEvaluateAccuracy()
    {
        (float[] inputs, int[] labels) = MakeBlobs(90, seed: 4);
        var network = new SoftmaxRegression(Features, Classes, batchSize: 16, learningRate: 0.3f, seed: 3);
        NetworkTrainer.Fit(network, inputs, labels, null, null, null, null, CancellationToken.None);

        int[,] matrix = NetworkTrainer.ConfusionMatrix(network, inputs, labels);
        EvaluationResult result = NetworkTrainer.Evaluate(network, inputs, labels);

        int trace = 0;
        int total = 0;
        for (int row = 0; row < Classes; row++)
        {
            trace += matrix[row, row];
            for (int column = 0; column < Classes; column++)
            {
                total += matrix[row, column];
            }

            Assert.Equal(labels.Count(l => l == row), Enumerable.Range(0, Classes).Sum(c => matrix[row, c]));
        }

        Assert.Equal(90, total);
        Assert.Equal(result.Accuracy, (float)trace / total);
    }

    [Theory]
    [InlineData(new[] { 1f, 3f, 3f, 2f }, 1)]
    [InlineData(new[] { -5f, -1f, -3f }, 1)]
    [InlineData(new[] { 7f }, 0)]
    [InlineData(new[] { float.NaN, 1f, 0f }, 1)]
    [InlineData(new[] { 2f, float.NaN, 1f }, 0)]
    [InlineData(new[] { float.NaN, float.NaN }, 0)]
    [InlineData(new[] { 1f, float.PositiveInfinity, float.MaxValue }, 1)]
    public void ArgMax_ReturnsFirstIndexOfLargestNonNaNValue(float[] values, int expected)
    {
        Assert.Equal(expected, NetworkTrainer.ArgMax(values));
    }

    [Fact]
    public void ArgMax_Empty_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => NetworkTrainer.ArgMax([]));
        Assert.Equal("values", error.ParamName);
    }

    [Fact]
    public void TrainingHistory_MixedValidationEntries_Throws()
    {
        var withValidation = new EpochResult(1, 1f, 0.5f, 1f, 0.5f, TimeSpan.FromSeconds(1));
        var without = new EpochResult(2, 1f, 0.5f, null, null, TimeSpan.FromSeconds(1));

        var error = Assert.Throws<ArgumentException>(() => new TrainingHistory([withValidation, without]));
        Assert.Contains("Epoch entry 1 lacks a ValidationLoss", error.Message);
        Assert.Throws<ArgumentException>(() => new TrainingHistory([without, withValidation]));
    }

    [Fact]
    public void SoftmaxRegression_SaveThenLoad_RestoresParametersAndStep()
    {
        (float[] inputs, int[] labels) = MakeBlobs(40, seed: 1);
        var trained = new SoftmaxRegression(Features, Classes, batchSize: 8, learningRate: 0.3f, seed: 3);
        NetworkTrainer.Fit(trained, inputs, labels, null, null, null, null, CancellationToken.None);
        using var stream = new MemoryStream();
        trained.Save(stream);

        stream.Position = 0;
        var restored = new SoftmaxRegression(Features, Classes, batchSize: 8, learningRate: 0.3f, seed: 99);
        restored.Load(stream);

        Assert.Equal(trained.Parameters.ToArray(), restored.Parameters.ToArray());
        Assert.Equal(trained.Step, restored.Step);
    }

    /// <summary>
    /// Three blobs: class c is centred at +3 on feature c, with uniform noise in [-1, 1) on every
    /// feature, so the classes are linearly separable with a wide margin.
    /// </summary>
    private static (float[] Inputs, int[] Labels) MakeBlobs(int count, int seed)
    {
        var random = new NetworkRandom(seed);
        var inputs = new float[count * Features];
        var labels = new int[count];
        for (int s = 0; s < count; s++)
        {
            labels[s] = random.NextInt32(Classes);
            for (int f = 0; f < Features; f++)
            {
                inputs[s * Features + f] = (f == labels[s] ? 3f : 0f) + random.NextSingle(-1f, 1f);
            }
        }

        return (inputs, labels);
    }

    /// <summary>Collects reports on the calling thread, unlike <see cref="Progress{T}"/>, which posts them.</summary>
    private sealed class ListProgress<T> : IProgress<T>
    {
        public List<T> Reports { get; } = [];

        public void Report(T value) => Reports.Add(value);
    }

    /// <summary>
    /// A fake network with one input and two classes whose behaviour is fixed in advance: it predicts class 1 when
    /// the input is above 0.5, returns the mean input as the loss, and records every batch it is given.
    /// </summary>
    private sealed class ScriptedNetwork(int batchSize) : INetwork<float>
    {
        private readonly float[] _outputs = new float[Math.Max(batchSize, 0) * 2];
        private int _outputCount;

        public int BatchSize => batchSize;

        public int InputLength => 1;

        public int OutputLength => 2;

        public int ParameterCount => 0;

        public Span<float> Parameters => [];

        public ReadOnlySpan<float> Gradients => [];

        public ReadOnlySpan<float> Outputs => _outputs.AsSpan(0, _outputCount);

        public List<float[]> Batches { get; } = [];

        public int TrainCalls { get; private set; }

        /// <summary>Runs after each TrainBatch with the 1-based call number.</summary>
        public Action<int>? OnTrainBatch { get; init; }

        /// <summary>Replaces the loss of a TrainBatch call (1-based) when it returns a value.</summary>
        public Func<int, float?>? LossOverride { get; init; }

        /// <summary>Whether every label is <see cref="LabelOf"/> its input, which TrainBatch then checks.</summary>
        public bool LabelsFollowInputs { get; init; }

        /// <summary>The label batching tests give an input, to check that gathering keeps pairs together.</summary>
        public static int LabelOf(float input) => (int)input % 2;

        public void Forward(ReadOnlySpan<float> input, Span<float> output) => Predict(input, output);

        public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs)
        {
            for (int s = 0; s < inputs.Length; s++)
            {
                outputs[s * 2] = inputs[s] > 0.5f ? 0f : 1f;
                outputs[s * 2 + 1] = inputs[s] > 0.5f ? 1f : 0f;
            }
        }

        public float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
        {
            Assert.InRange(labels.Length, 1, BatchSize);
            Assert.Equal(labels.Length, inputs.Length);
            Batches.Add(inputs.ToArray());
            _outputCount = inputs.Length * 2;
            Predict(inputs, _outputs);
            double sum = 0;
            foreach (float x in inputs)
            {
                sum += x;
            }

            return (float)(sum / inputs.Length);
        }

        public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) =>
            ComputeLoss(inputs, labels);

        public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
        {
            if (LabelsFollowInputs)
            {
                for (int s = 0; s < inputs.Length; s++)
                {
                    Assert.Equal(LabelOf(inputs[s]), labels[s]);
                }
            }

            float loss = ComputeLoss(inputs, labels);
            TrainCalls++;
            OnTrainBatch?.Invoke(TrainCalls);
            return LossOverride?.Invoke(TrainCalls) ?? loss;
        }

        public void Save(Stream stream) => throw new NotSupportedException();

        public void Load(Stream stream) => throw new NotSupportedException();
    }
}
