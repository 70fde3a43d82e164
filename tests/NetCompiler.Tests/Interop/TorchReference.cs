using System;
using System.Collections.Generic;

namespace NetCompiler.Tests.Interop;

/// <summary>
/// Naive PyTorch forward passes, written from PyTorch's documented formulas and working directly on PyTorch's
/// layouts (NCHW feature maps, Conv2d weight (out, in, kh, kw), Linear weight (out, in), LSTM weights (4H, in) with
/// two biases). Independent of the importer's conversions: the tests compare these with the generated Forward.
/// </summary>
internal static class TorchReference
{
    /// <summary>
    /// nn.Conv2d with stride 1 on (c, h, w): padTop and padLeft zero rows and columns before; output size given.
    /// </summary>
    public static float[] Conv2d(
        float[] input, int channels, int height, int width, float[] weight, float[] bias, int outChannels,
        int kernelHeight, int kernelWidth, int padTop, int padLeft, int outHeight, int outWidth)
    {
        var output = new float[outChannels * outHeight * outWidth];
        for (int o = 0; o < outChannels; o++)
        {
            for (int y = 0; y < outHeight; y++)
            {
                for (int x = 0; x < outWidth; x++)
                {
                    double sum = bias[o];
                    for (int c = 0; c < channels; c++)
                    {
                        for (int ky = 0; ky < kernelHeight; ky++)
                        {
                            for (int kx = 0; kx < kernelWidth; kx++)
                            {
                                int iy = y + ky - padTop, ix = x + kx - padLeft;
                                if (iy >= 0 && iy < height && ix >= 0 && ix < width)
                                {
                                    sum += (double)input[(c * height + iy) * width + ix] *
                                        weight[((o * channels + c) * kernelHeight + ky) * kernelWidth + kx];
                                }
                            }
                        }
                    }

                    output[(o * outHeight + y) * outWidth + x] = (float)sum;
                }
            }
        }

        return output;
    }

    /// <summary>nn.MaxPool2d(size) on (c, h, w): stride = size, no padding, the output size floors.</summary>
    public static float[] MaxPool2d(float[] input, int channels, int height, int width, int size)
    {
        int outHeight = height / size, outWidth = width / size;
        var output = new float[channels * outHeight * outWidth];
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < outHeight; y++)
            {
                for (int x = 0; x < outWidth; x++)
                {
                    float max = float.NegativeInfinity;
                    for (int dy = 0; dy < size; dy++)
                    {
                        for (int dx = 0; dx < size; dx++)
                        {
                            max = Math.Max(max, input[(c * height + y * size + dy) * width + x * size + dx]);
                        }
                    }

                    output[(c * outHeight + y) * outWidth + x] = max;
                }
            }
        }

        return output;
    }

    /// <summary>nn.Linear: y = W x + b with W of shape (out, in).</summary>
    public static float[] Linear(ReadOnlySpan<float> input, float[] weight, float[] bias)
    {
        int outputs = bias.Length, inputs = input.Length;
        var output = new float[outputs];
        for (int o = 0; o < outputs; o++)
        {
            double sum = bias[o];
            for (int i = 0; i < inputs; i++)
            {
                sum += (double)weight[o * inputs + i] * input[i];
            }

            output[o] = (float)sum;
        }

        return output;
    }

    /// <summary>
    /// nn.LSTM, one layer, batch_first, zero initial state, over (steps, features); returns every step's h as
    /// (steps, hidden). Gates in PyTorch's order: i, f, g, o.
    /// </summary>
    public static float[] Lstm(
        float[] input, int steps, int features, float[] weightIh, float[] weightHh, float[] biasIh, float[] biasHh)
    {
        int hidden = biasIh.Length / 4;
        var h = new double[hidden];
        var c = new double[hidden];
        var output = new float[steps * hidden];
        var gates = new double[4 * hidden];
        for (int t = 0; t < steps; t++)
        {
            for (int j = 0; j < 4 * hidden; j++)
            {
                double sum = (double)biasIh[j] + biasHh[j];
                for (int k = 0; k < features; k++)
                {
                    sum += (double)weightIh[j * features + k] * input[t * features + k];
                }

                for (int k = 0; k < hidden; k++)
                {
                    sum += weightHh[j * hidden + k] * h[k];
                }

                gates[j] = sum;
            }

            for (int u = 0; u < hidden; u++)
            {
                double i = Sigmoid(gates[u]), f = Sigmoid(gates[hidden + u]);
                double g = Math.Tanh(gates[2 * hidden + u]), o = Sigmoid(gates[3 * hidden + u]);
                c[u] = f * c[u] + i * g;
                h[u] = o * Math.Tanh(c[u]);
                output[t * hidden + u] = (float)h[u];
            }
        }

        return output;
    }

    public static float[] Embedding(ReadOnlySpan<int> tokens, float[] weight, int dimension)
    {
        var output = new float[tokens.Length * dimension];
        for (int t = 0; t < tokens.Length; t++)
        {
            Array.Copy(weight, tokens[t] * dimension, output, t * dimension, dimension);
        }

        return output;
    }

    public static float[] Apply(float[] values, Func<double, double> activation)
    {
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = (float)activation(values[i]);
        }

        return result;
    }

    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    public static double Relu(double x) => Math.Max(x, 0);

    public static float[] Softmax(float[] logits)
    {
        double max = double.NegativeInfinity;
        foreach (float v in logits)
        {
            max = Math.Max(max, v);
        }

        var exps = new double[logits.Length];
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            exps[i] = Math.Exp(logits[i] - max);
            sum += exps[i];
        }

        var result = new float[logits.Length];
        for (int i = 0; i < logits.Length; i++)
        {
            result[i] = (float)(exps[i] / sum);
        }

        return result;
    }

    /// <summary>The last time step of a (steps, width) sequence.</summary>
    public static float[] Last(float[] sequence, int width) => sequence[^width..];

    /// <summary>(h, w, c) to (c, h, w): our image layout to PyTorch's.</summary>
    public static float[] ToChannelsFirst(ReadOnlySpan<float> image, int height, int width, int channels)
    {
        var result = new float[image.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < channels; c++)
                {
                    result[(c * height + y) * width + x] = image[(y * width + x) * channels + c];
                }
            }
        }

        return result;
    }

    /// <summary>Deterministic values in [-scale, scale), different at every position, for weights and inputs.</summary>
    public static float[] Values(int length, int seed, float scale = 0.5f)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        }

        return values;
    }

    public static Dictionary<string, float[]> ToDictionary(IEnumerable<TorchTensor> tensors)
    {
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (TorchTensor tensor in tensors)
        {
            result.Add(tensor.Key, tensor.Values);
        }

        return result;
    }
}
