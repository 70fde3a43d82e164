using System;

namespace NetCompiler;

/// <summary>Keras' default weight initialisers, drawn from a <see cref="NetworkRandom"/>.</summary>
public static class Initializers
{
    /// <summary>
    /// glorot_uniform: U(-limit, limit) with limit = sqrt(6 / (fanIn + fanOut)). For a conv kernel Keras takes
    /// fanIn = kh·kw·cin and fanOut = kh·kw·cout.
    /// </summary>
    public static void GlorotUniform(Span<float> weights, int fanIn, int fanOut, ref NetworkRandom random)
    {
        float limit = MathF.Sqrt(6f / (fanIn + fanOut));
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = random.NextSingle(-limit, limit);
        }
    }
}
