using System;

namespace NetCompiler;

/// <summary>Loss functions.</summary>
public enum LossFunction
{
    /// <summary>Cross-entropy against integer class labels, averaged over the batch.</summary>
    SparseCategoricalCrossEntropy = 0,
}

/// <summary>The loss the network trains against.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LossAttribute : Attribute
{
    public LossAttribute(LossFunction function)
    {
        Function = function;
    }

    public LossFunction Function { get; }

    /// <summary>True when the last layer is Linear and its outputs are logits rather than probabilities.</summary>
    public bool FromLogits { get; set; }
}

/// <summary>The Adam optimizer with Keras' defaults and update rule.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AdamAttribute : Attribute
{
    public float LearningRate { get; set; } = 0.001f;

    public float Beta1 { get; set; } = 0.9f;

    public float Beta2 { get; set; } = 0.999f;

    public float Epsilon { get; set; } = 1e-7f;

    /// <summary>Keras' clipnorm: each parameter tensor's gradient is scaled down to this norm if longer. 0 = off.</summary>
    public float ClipNorm { get; set; }

    /// <summary>Keras' global_clipnorm: all gradients together are scaled down to this norm if longer. 0 = off.</summary>
    public float GlobalClipNorm { get; set; }
}

/// <summary>Stochastic gradient descent with optional momentum, Keras' update rule.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SgdAttribute : Attribute
{
    public float LearningRate { get; set; } = 0.01f;

    public float Momentum { get; set; }

    /// <summary>Keras' clipnorm: each parameter tensor's gradient is scaled down to this norm if longer. 0 = off.</summary>
    public float ClipNorm { get; set; }

    /// <summary>Keras' global_clipnorm: all gradients together are scaled down to this norm if longer. 0 = off.</summary>
    public float GlobalClipNorm { get; set; }
}
