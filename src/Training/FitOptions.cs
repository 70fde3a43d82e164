namespace NetCompiler;

/// <summary>
/// How <see cref="NetworkTrainer.Fit{TInput}"/> runs, in the spirit of the arguments of Keras' <c>fit</c>.
/// The trainer validates the values when it starts, so an options object can be built up in any order.
/// </summary>
public sealed class FitOptions
{
    /// <summary>The number of passes over the training data; at least 1. Defaults to 1.</summary>
    public int Epochs { get; set; } = 1;

    /// <summary>
    /// Whether each epoch visits the samples in a fresh random order. Defaults to <see langword="true"/>, as in Keras,
    /// because batches drawn in dataset order (often sorted by class) train poorly.
    /// </summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>
    /// The seed of the shuffle. Epoch <c>e</c> (0-based) draws its order from <c>NetworkRandom(ShuffleSeed + e)</c>,
    /// so the same seed gives the same sequence of batches on every run and machine.
    /// </summary>
    public int ShuffleSeed { get; set; }

    /// <summary>
    /// The largest number of batches one epoch trains on, or 0 (the default) for all of them. Useful for quick
    /// smoke runs on a large dataset; with shuffling on, each epoch still sees a different subset.
    /// </summary>
    public int MaxBatchesPerEpoch { get; set; }

    /// <summary>
    /// When a batch gives a NaN or infinite loss (bad inputs, or divergence), <see langword="false"/> (the default)
    /// stops with an exception naming the epoch and batch; <see langword="true"/> skips the batch and goes on. Either
    /// way the network did not update on that batch.
    /// </summary>
    public bool SkipNonFiniteBatches { get; set; }
}
