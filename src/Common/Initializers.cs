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

    /// <summary>U(low, high), Keras' RandomUniform (the Embedding default is [-0.05, 0.05]).</summary>
    public static void Uniform(Span<float> weights, float low, float high, ref NetworkRandom random)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = random.NextSingle(low, high);
        }
    }

    /// <summary>
    /// Keras' Orthogonal initialiser for a [rows, columns] matrix: draw a normal (max, min) matrix, orthonormalise its
    /// columns (a QR decomposition with a positive diagonal, which is what Keras' sign correction yields), and
    /// transpose when rows &lt; columns. The rows (or columns) of the result are orthonormal.
    /// </summary>
    public static void Orthogonal(Span<float> weights, int rows, int columns, ref NetworkRandom random)
    {
        if (weights.Length != rows * columns)
        {
            throw new ArgumentException($"Expected {rows}x{columns} = {rows * columns} weights, got {weights.Length}.", nameof(weights));
        }

        int tall = Math.Max(rows, columns), narrow = Math.Min(rows, columns);
        var q = new double[tall * narrow];
        for (int i = 0; i < q.Length; i++)
        {
            q[i] = NextNormal(ref random);
        }

        // Modified Gram-Schmidt on the columns of the tall (tall x narrow) matrix, twice for numerical orthogonality.
        for (int pass = 0; pass < 2; pass++)
        {
            for (int j = 0; j < narrow; j++)
            {
                for (int k = 0; k < j; k++)
                {
                    double dot = 0;
                    for (int r = 0; r < tall; r++)
                    {
                        dot += q[r * narrow + j] * q[r * narrow + k];
                    }

                    for (int r = 0; r < tall; r++)
                    {
                        q[r * narrow + j] -= dot * q[r * narrow + k];
                    }
                }

                double norm = 0;
                for (int r = 0; r < tall; r++)
                {
                    norm += q[r * narrow + j] * q[r * narrow + j];
                }

                norm = Math.Sqrt(norm);
                for (int r = 0; r < tall; r++)
                {
                    q[r * narrow + j] /= norm;
                }
            }
        }

        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                // rows >= columns: the tall matrix itself; otherwise its transpose.
                weights[r * columns + c] = (float)(rows >= columns ? q[r * narrow + c] : q[c * narrow + r]);
            }
        }
    }

    /// <summary>A standard normal draw (Box-Muller), so initialisation depends only on <see cref="NetworkRandom"/>.</summary>
    private static double NextNormal(ref NetworkRandom random)
    {
        double u1 = 1.0 - random.NextSingle(), u2 = random.NextSingle();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
