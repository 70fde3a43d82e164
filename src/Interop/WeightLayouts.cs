using System;

namespace NetCompiler;

/// <summary>
/// Rearranges PyTorch weight tensors into the Keras layouts our parameter array uses. Every method writes each
/// destination element exactly once, from one source element; none computes anything but sums of LSTM biases.
/// </summary>
internal static class WeightLayouts
{
    /// <summary>Conv2d weight (cout, cin, kh, kw) into a Keras kernel (kh, kw, cin, cout).</summary>
    public static void Conv2DKernel(
        ReadOnlySpan<float> weight, int outputChannels, int inputChannels, int kernelHeight, int kernelWidth,
        Span<float> kernel)
    {
        for (int o = 0; o < outputChannels; o++)
        {
            for (int i = 0; i < inputChannels; i++)
            {
                for (int y = 0; y < kernelHeight; y++)
                {
                    for (int x = 0; x < kernelWidth; x++)
                    {
                        int source = ((o * inputChannels + i) * kernelHeight + y) * kernelWidth + x;
                        int destination = ((y * kernelWidth + x) * inputChannels + i) * outputChannels + o;
                        kernel[destination] = weight[source];
                    }
                }
            }
        }
    }

    /// <summary>A (rows, columns) matrix into its (columns, rows) transpose: Linear and LSTM weights.</summary>
    public static void Transpose(ReadOnlySpan<float> source, int rows, int columns, Span<float> destination)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = source.Slice(r * columns, columns);
            for (int c = 0; c < columns; c++)
            {
                destination[c * rows + r] = row[c];
            }
        }
    }

    /// <summary>
    /// The Linear weight (units, c·h·w) that follows PyTorch's flatten of a (c, h, w) feature map, into the Dense
    /// kernel (h·w·c, units) that follows our flatten of the same map stored as (h, w, c).
    /// </summary>
    public static void DenseKernelAfterImageFlatten(
        ReadOnlySpan<float> weight, int units, int height, int width, int channels, Span<float> kernel)
    {
        int inputs = height * width * channels;
        for (int o = 0; o < units; o++)
        {
            ReadOnlySpan<float> row = weight.Slice(o * inputs, inputs);
            for (int c = 0; c < channels; c++)
            {
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        int channelFirst = (c * height + y) * width + x;
                        int channelLast = (y * width + x) * channels + c;
                        kernel[channelLast * units + o] = row[channelFirst];
                    }
                }
            }
        }
    }

    /// <summary>
    /// PyTorch adds two LSTM biases, b_ih and b_hh, to the same gate pre-activations; Keras has one bias, their sum.
    /// </summary>
    public static void AddBiases(ReadOnlySpan<float> inputBias, ReadOnlySpan<float> hiddenBias, Span<float> bias)
    {
        for (int j = 0; j < bias.Length; j++)
        {
            bias[j] = inputBias[j] + hiddenBias[j];
        }
    }
}
