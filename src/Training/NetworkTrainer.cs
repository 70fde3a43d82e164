using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;

namespace NetCompiler;

/// <summary>
/// Drives any <see cref="INetwork{TInput}"/> the way Keras' <c>fit</c> and <c>evaluate</c> do: batching, shuffling,
/// running metrics, progress and validation. The network does all the math; this class never touches parameters.
/// </summary>
/// <remarks>
/// Samples are laid one after another: sample <c>i</c> is <c>inputs[i * InputLength .. (i + 1) * InputLength]</c>
/// with class <c>labels[i]</c>. Accuracy counts a sample as right when its highest output is its label.
/// </remarks>
public static class NetworkTrainer
{
    // Progress usually redraws a console bar; ten updates a second look live and cost nothing next to training.
    private static readonly long s_progressIntervalTicks = Stopwatch.Frequency / 10;

    /// <summary>Trains <paramref name="network"/> on the samples for <see cref="FitOptions.Epochs"/> epochs.</summary>
    /// <param name="network">The network to train; its parameters change.</param>
    /// <param name="inputs">The training samples, <c>labels.Length * network.InputLength</c> elements.</param>
    /// <param name="labels">The class of each training sample, in [0, <c>network.OutputLength</c>).</param>
    /// <param name="validationInputs">Samples evaluated after each epoch, or null; given with their labels.</param>
    /// <param name="validationLabels">The classes of the validation samples, or null.</param>
    /// <param name="options">How to train; null means the defaults of <see cref="FitOptions"/>.</param>
    /// <param name="progress">Receives a report at most about every 100 ms and always at the end of each epoch.</param>
    /// <param name="cancellationToken">Checked before every batch; the epochs already run stay applied.</param>
    /// <returns>The metrics of every epoch.</returns>
    /// <exception cref="ArgumentException">An argument is inconsistent; the message says which and why.</exception>
    /// <exception cref="InvalidOperationException">A batch returned a loss that is NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static TrainingHistory Fit<TInput>(
        INetwork<TInput> network,
        TInput[] inputs,
        int[] labels,
        TInput[]? validationInputs,
        int[]? validationLabels,
        FitOptions? options,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
        where TInput : unmanaged
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        options ??= new FitOptions();

        // Validate everything, validation data included, before the first batch changes the model.
        Shape shape = Shape.Of(network);
        ValidateSamples(shape, inputs, labels, nameof(inputs), nameof(labels));
        bool hasValidation = ValidateValidationPair(shape, validationInputs, validationLabels);
        ValidateOptions(options);

        int sampleCount = labels.Length;
        int batchSize = shape.BatchSize;
        int inputLength = shape.InputLength;
        int batchCount = sampleCount / batchSize + (sampleCount % batchSize == 0 ? 0 : 1);
        if (options.MaxBatchesPerEpoch > 0 && options.MaxBatchesPerEpoch < batchCount)
        {
            batchCount = options.MaxBatchesPerEpoch;
        }

        int samplesPerEpoch = (int)Math.Min(sampleCount, (long)batchCount * batchSize);

        // Without shuffling, batches are contiguous slices of the caller's arrays and need no copy. With it, they are
        // gathered into buffers allocated once here, so the batch loop allocates nothing.
        int[] order = options.Shuffle ? new int[sampleCount] : [];
        TInput[] batchInputs = options.Shuffle ? new TInput[batchSize * inputLength] : [];
        int[] batchLabels = options.Shuffle ? new int[batchSize] : [];

        var results = new List<EpochResult>();
        var stopwatch = new Stopwatch();
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            stopwatch.Restart();
            if (options.Shuffle)
            {
                // Restarting from the identity makes each epoch's order depend on (seed, epoch) alone.
                for (int i = 0; i < order.Length; i++)
                {
                    order[i] = i;
                }

                var random = new NetworkRandom((long)options.ShuffleSeed + epoch);
                random.Shuffle(order);
            }

            double lossSum = 0;
            int samplesDone = 0;
            int correct = 0;
            long lastReportTicks = 0;
            int skippedBatches = 0;
            for (int batch = 0; batch < batchCount; batch++)
            {
                cancellationToken.ThrowIfCancellationRequested();

                // Pick the batch's samples: a slice in order, or gathered through the shuffled order.
                int start = batch * batchSize;
                int count = Math.Min(batchSize, sampleCount - start);
                ReadOnlySpan<TInput> batchX;
                ReadOnlySpan<int> batchY;
                if (options.Shuffle)
                {
                    for (int s = 0; s < count; s++)
                    {
                        int sample = order[start + s];
                        inputs.AsSpan(sample * inputLength, inputLength).CopyTo(batchInputs.AsSpan(s * inputLength));
                        batchLabels[s] = labels[sample];
                    }

                    batchX = batchInputs.AsSpan(0, count * inputLength);
                    batchY = batchLabels.AsSpan(0, count);
                }
                else
                {
                    batchX = inputs.AsSpan(start * inputLength, count * inputLength);
                    batchY = labels.AsSpan(start, count);
                }

                // Train, then score the outputs the network computed for this batch (before its update step).
                // A generated network leaves its parameters untouched when the loss or a gradient is not finite, so
                // the weights after a non-finite batch are those of the last good step.
                float loss = network.TrainBatch(batchX, batchY);
                if (!float.IsFinite(loss) && options.SkipNonFiniteBatches)
                {
                    skippedBatches++;
                    continue;
                }

                if (!float.IsFinite(loss))
                {
                    throw new InvalidOperationException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"Training diverged: TrainBatch returned a loss of {loss} in epoch {epoch + 1} of " +
                        $"{options.Epochs}, batch {batch + 1} of {batchCount}; the parameters of the last good step are kept. " +
                        $"Try a lower learning rate, check the inputs for NaN or infinite values, or set " +
                        $"FitOptions.SkipNonFiniteBatches to skip such batches."));
                }

                correct += CountCorrect(network.Outputs, batchY, shape.OutputLength, "TrainBatch");
                lossSum += (double)loss * count;
                samplesDone += count;

                // The last batch is reported by the end-of-epoch report below, with the final numbers.
                long now = stopwatch.ElapsedTicks;
                if (progress is not null && batch + 1 < batchCount && now - lastReportTicks >= s_progressIntervalTicks)
                {
                    lastReportTicks = now;
                    progress.Report(new TrainingProgress(
                        epoch + 1, options.Epochs, samplesDone, samplesPerEpoch, (float)(lossSum / samplesDone),
                        (float)correct / samplesDone, stopwatch.Elapsed, EpochCompleted: false, null, null));
                }
            }

            // Close the epoch: its weighted mean loss, then validation on the weights the epoch ended with.
            float epochLoss = (float)(lossSum / samplesDone);
            float epochAccuracy = (float)correct / samplesDone;
            float? validationLoss = null;
            float? validationAccuracy = null;
            if (hasValidation)
            {
                EvaluationResult validation = EvaluateCore(
                    network, shape, validationInputs!, validationLabels!, cancellationToken);
                validationLoss = validation.Loss;
                validationAccuracy = validation.Accuracy;
            }

            TimeSpan duration = stopwatch.Elapsed;
            results.Add(new EpochResult(
                epoch + 1, epochLoss, epochAccuracy, validationLoss, validationAccuracy, duration, skippedBatches));
            progress?.Report(new TrainingProgress(
                epoch + 1, options.Epochs, samplesDone, samplesPerEpoch, epochLoss, epochAccuracy, duration,
                EpochCompleted: true, validationLoss, validationAccuracy));
        }

        return new TrainingHistory(results);
    }

    /// <summary>
    /// Measures the mean loss and the accuracy of <paramref name="network"/> on the samples without training it.
    /// </summary>
    /// <param name="network">The network to measure.</param>
    /// <param name="inputs">The samples, <c>labels.Length * network.InputLength</c> elements.</param>
    /// <param name="labels">The class of each sample, in [0, <c>network.OutputLength</c>).</param>
    /// <param name="cancellationToken">Checked before every chunk of <c>BatchSize</c> samples.</param>
    /// <exception cref="ArgumentException">An argument is inconsistent; the message says which and why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static EvaluationResult Evaluate<TInput>(
        INetwork<TInput> network,
        TInput[] inputs,
        int[] labels,
        CancellationToken cancellationToken = default)
        where TInput : unmanaged
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);

        Shape shape = Shape.Of(network);
        ValidateSamples(shape, inputs, labels, nameof(inputs), nameof(labels));
        return EvaluateCore(network, shape, inputs, labels, cancellationToken);
    }

    /// <summary>
    /// Counts, for each true class (row), how often each class (column) got the highest output.
    /// The diagonal holds the correct predictions.
    /// </summary>
    /// <exception cref="ArgumentException">An argument is inconsistent; the message says which and why.</exception>
    public static int[,] ConfusionMatrix<TInput>(INetwork<TInput> network, TInput[] inputs, int[] labels)
        where TInput : unmanaged
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);

        Shape shape = Shape.Of(network);
        ValidateSamples(shape, inputs, labels, nameof(inputs), nameof(labels));

        // Predict in chunks of BatchSize so that one small output buffer serves any number of samples.
        int classes = shape.OutputLength;
        var matrix = new int[classes, classes];
        var outputs = new float[shape.BatchSize * classes];
        for (int start = 0; start < labels.Length;)
        {
            int count = Math.Min(shape.BatchSize, labels.Length - start);
            Span<float> chunkOutputs = outputs.AsSpan(0, count * classes);
            network.Predict(inputs.AsSpan(start * shape.InputLength, count * shape.InputLength), chunkOutputs);
            for (int s = 0; s < count; s++)
            {
                matrix[labels[start + s], ArgMax(chunkOutputs.Slice(s * classes, classes))]++;
            }

            start += count;
        }

        return matrix;
    }

    /// <summary>
    /// The index of the largest value. Ties go to the lowest index, as in NumPy; NaN values are never picked unless
    /// every value is NaN (then 0), so one broken output cannot pose as a confident prediction.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty.</exception>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("Cannot find the largest of no values: the span is empty.", nameof(values));
        }

        int best = 0;
        float bestValue = values[0];
        for (int i = 1; i < values.Length; i++)
        {
            float value = values[i];
            if (value > bestValue || (float.IsNaN(bestValue) && !float.IsNaN(value)))
            {
                best = i;
                bestValue = value;
            }
        }

        return best;
    }

    private static EvaluationResult EvaluateCore<TInput>(
        INetwork<TInput> network,
        Shape shape,
        TInput[] inputs,
        int[] labels,
        CancellationToken cancellationToken)
        where TInput : unmanaged
    {
        // ComputeLoss returns the mean of its chunk; weighting by chunk size makes a short last chunk count fairly.
        double lossSum = 0;
        int correct = 0;
        for (int start = 0; start < labels.Length;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(shape.BatchSize, labels.Length - start);
            ReadOnlySpan<int> chunkLabels = labels.AsSpan(start, count);
            float loss = network.ComputeLoss(
                inputs.AsSpan(start * shape.InputLength, count * shape.InputLength), chunkLabels);
            correct += CountCorrect(network.Outputs, chunkLabels, shape.OutputLength, "ComputeLoss");
            lossSum += (double)loss * count;
            start += count;
        }

        return new EvaluationResult((float)(lossSum / labels.Length), (float)correct / labels.Length, labels.Length);
    }

    private static int CountCorrect(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int classes, string call)
    {
        if (outputs.Length < labels.Length * classes)
        {
            throw new InvalidOperationException(
                $"After {call} on {labels.Length} samples the network's Outputs holds {outputs.Length} values, " +
                $"but {labels.Length} samples x OutputLength {classes} = {labels.Length * classes} were expected.");
        }

        int correct = 0;
        for (int s = 0; s < labels.Length; s++)
        {
            if (ArgMax(outputs.Slice(s * classes, classes)) == labels[s])
            {
                correct++;
            }
        }

        return correct;
    }

    private static void ValidateOptions(FitOptions options)
    {
        if (options.Epochs < 1)
        {
            throw new ArgumentException(
                $"FitOptions.Epochs must be at least 1, but is {options.Epochs}.", nameof(options));
        }

        if (options.MaxBatchesPerEpoch < 0)
        {
            throw new ArgumentException(
                "FitOptions.MaxBatchesPerEpoch must be 0 (all batches) or positive, " +
                $"but is {options.MaxBatchesPerEpoch}.",
                nameof(options));
        }
    }

    private static bool ValidateValidationPair<TInput>(Shape shape, TInput[]? validationInputs, int[]? validationLabels)
    {
        if (validationInputs is null && validationLabels is null)
        {
            return false;
        }

        if (validationInputs is null || validationLabels is null)
        {
            string missing = validationInputs is null ? nameof(validationInputs) : nameof(validationLabels);
            string given = validationInputs is null ? nameof(validationLabels) : nameof(validationInputs);
            throw new ArgumentException(
                $"Validation data needs both validationInputs and validationLabels, but only {given} was given.",
                missing);
        }

        ValidateSamples(shape, validationInputs, validationLabels, nameof(validationInputs), nameof(validationLabels));
        return true;
    }

    private static void ValidateSamples<TInput>(
        Shape shape,
        TInput[] inputs,
        int[] labels,
        string inputsName,
        string labelsName)
    {
        if (labels.Length == 0)
        {
            throw new ArgumentException($"{labelsName} is empty; at least one sample is needed.", labelsName);
        }

        long expected = (long)labels.Length * shape.InputLength;
        if (inputs.Length != expected)
        {
            throw new ArgumentException(
                $"{inputsName} has {inputs.Length} elements, but {labels.Length} labels x InputLength " +
                $"{shape.InputLength} = {expected} were expected.",
                inputsName);
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)shape.OutputLength)
            {
                throw new ArgumentException(
                    $"{labelsName}[{i}] is {labels[i]}, but labels must be in [0, {shape.OutputLength}) " +
                    "(the network's OutputLength).",
                    labelsName);
            }
        }
    }

    /// <summary>The network's sizes, read and checked once, so that a buggy network fails clearly.</summary>
    private readonly record struct Shape(int BatchSize, int InputLength, int OutputLength)
    {
        public static Shape Of<TInput>(INetwork<TInput> network)
            where TInput : unmanaged
        {
            var shape = new Shape(network.BatchSize, network.InputLength, network.OutputLength);
            if (shape.BatchSize < 1 || shape.InputLength < 1 || shape.OutputLength < 1 ||
                (long)shape.BatchSize * Math.Max(shape.InputLength, shape.OutputLength) > Array.MaxLength)
            {
                throw new ArgumentException(
                    $"The network reports BatchSize {shape.BatchSize}, InputLength {shape.InputLength} and " +
                    $"OutputLength {shape.OutputLength}; each must be at least 1 and one batch must fit in an array.",
                    nameof(network));
            }

            return shape;
        }
    }
}
