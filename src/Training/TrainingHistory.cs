using System;
using System.Collections.Generic;

namespace NetCompiler;

/// <summary>The metrics of one finished epoch.</summary>
/// <param name="Epoch">The epoch, 1-based.</param>
/// <param name="Loss">The mean training loss over the epoch, each batch weighted by its number of samples.</param>
/// <param name="Accuracy">The fraction of the epoch's training samples predicted right while training.</param>
/// <param name="ValidationLoss">The loss on the validation data after the epoch, if any was given.</param>
/// <param name="ValidationAccuracy">The accuracy on the validation data after the epoch, if any was given.</param>
/// <param name="Duration">The wall time of the epoch, its validation pass included.</param>
/// <param name="SkippedBatches">
/// Batches skipped for a NaN or infinite loss under <see cref="FitOptions.SkipNonFiniteBatches"/>; they count in
/// neither the loss nor the accuracy.
/// </param>
public sealed record EpochResult(
    int Epoch,
    float Loss,
    float Accuracy,
    float? ValidationLoss,
    float? ValidationAccuracy,
    TimeSpan Duration,
    int SkippedBatches = 0);

/// <summary>
/// What <see cref="NetworkTrainer.Fit{TInput}"/> returns: one <see cref="EpochResult"/> per epoch, and the same numbers
/// as one list per metric, like the <c>history</c> dictionary of Keras' <c>History</c> object.
/// </summary>
public sealed class TrainingHistory
{
    /// <summary>Builds a history from finished epochs, in order.</summary>
    /// <exception cref="ArgumentException">
    /// Some epochs have a validation metric and others do not, which would misalign the per-metric lists.
    /// </exception>
    public TrainingHistory(IReadOnlyList<EpochResult> epochs)
    {
        ArgumentNullException.ThrowIfNull(epochs);

        var copy = new EpochResult[epochs.Count];
        var loss = new float[copy.Length];
        var accuracy = new float[copy.Length];
        var validationLoss = new List<float>();
        var validationAccuracy = new List<float>();
        for (int i = 0; i < copy.Length; i++)
        {
            EpochResult epoch = epochs[i] ?? throw new ArgumentException($"Epoch entry {i} is null.", nameof(epochs));
            copy[i] = epoch;
            loss[i] = epoch.Loss;
            accuracy[i] = epoch.Accuracy;
            AddOptional(validationLoss, epoch.ValidationLoss, i, nameof(EpochResult.ValidationLoss));
            AddOptional(validationAccuracy, epoch.ValidationAccuracy, i, nameof(EpochResult.ValidationAccuracy));
        }

        Epochs = copy;
        Loss = loss;
        Accuracy = accuracy;
        ValidationLoss = validationLoss.ToArray();
        ValidationAccuracy = validationAccuracy.ToArray();
    }

    /// <summary>Every epoch, in order.</summary>
    public IReadOnlyList<EpochResult> Epochs { get; }

    /// <summary>The training loss of each epoch.</summary>
    public IReadOnlyList<float> Loss { get; }

    /// <summary>The training accuracy of each epoch.</summary>
    public IReadOnlyList<float> Accuracy { get; }

    /// <summary>The validation loss of each epoch, or empty when the fit had no validation data.</summary>
    public IReadOnlyList<float> ValidationLoss { get; }

    /// <summary>The validation accuracy of each epoch, or empty when the fit had no validation data.</summary>
    public IReadOnlyList<float> ValidationAccuracy { get; }

    private static void AddOptional(List<float> values, float? value, int index, string metric)
    {
        // Either every epoch has the metric or none does; otherwise values[i] would not belong to epoch i.
        bool earlierHaveIt = values.Count == index;
        if (index > 0 && value.HasValue != earlierHaveIt)
        {
            throw new ArgumentException(
                $"Epoch entry {index} {(value.HasValue ? "has" : "lacks")} a {metric} while earlier entries " +
                $"{(value.HasValue ? "lack" : "have")} one; either every epoch or none must have it.",
                "epochs");
        }

        if (value.HasValue)
        {
            values.Add(value.Value);
        }
    }
}
