namespace NetCompiler;

/// <summary>What <see cref="NetworkTrainer.Evaluate{TInput}"/> measured.</summary>
/// <param name="Loss">The mean loss over all samples.</param>
/// <param name="Accuracy">The fraction of samples whose highest output was the label.</param>
/// <param name="Samples">The number of samples evaluated.</param>
public readonly record struct EvaluationResult(float Loss, float Accuracy, int Samples);
