using System;

namespace NetCompiler;

/// <summary>
/// A snapshot of a running <see cref="NetworkTrainer.Fit{TInput}"/>, reported at most about every 100 ms and always
/// once when an epoch ends.
/// </summary>
/// <param name="Epoch">The current epoch, 1-based.</param>
/// <param name="Epochs">The number of epochs the fit runs.</param>
/// <param name="SamplesDone">The samples trained on so far in this epoch.</param>
/// <param name="SamplesTotal">The samples this epoch trains on (fewer than all when batches are capped).</param>
/// <param name="Loss">The mean loss of the epoch so far, each batch weighted by its number of samples.</param>
/// <param name="Accuracy">The fraction of this epoch's samples so far whose highest output was the label.</param>
/// <param name="Elapsed">
/// The time since the epoch started; in the end-of-epoch report it includes the validation pass.
/// </param>
/// <param name="EpochCompleted">True for the one report sent when the epoch, and its validation, are done.</param>
/// <param name="ValidationLoss">The validation loss: only at the end of an epoch, and with validation data.</param>
/// <param name="ValidationAccuracy">The validation accuracy, under the same conditions as the loss.</param>
public readonly record struct TrainingProgress(
    int Epoch,
    int Epochs,
    int SamplesDone,
    int SamplesTotal,
    float Loss,
    float Accuracy,
    TimeSpan Elapsed,
    bool EpochCompleted,
    float? ValidationLoss,
    float? ValidationAccuracy)
{
    /// <summary>The training throughput of this epoch so far, or 0 before any time has passed.</summary>
    public double SamplesPerSecond => Elapsed > TimeSpan.Zero ? SamplesDone / Elapsed.TotalSeconds : 0.0;
}
