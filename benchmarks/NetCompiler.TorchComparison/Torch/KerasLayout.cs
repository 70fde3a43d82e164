using System;

namespace NetCompiler.TorchComparison;

/// <summary>
/// Converts tensors from the Keras layout NetCompiler uses (its <c>Parameters</c> and <c>Gradients</c>) into the
/// layout PyTorch uses. Every method returns a new array in PyTorch order.
/// </summary>
internal static class KerasLayout
{
    /// <summary>Conv2D kernel: Keras [kh, kw, cin, cout] to PyTorch [cout, cin, kh, kw].</summary>
    public static float[] ConvKernel(ReadOnlySpan<float> kernel, int kh, int kw, int cin, int cout)
    {
        var result = new float[kernel.Length];
        for (int y = 0; y < kh; y++)
        {
            for (int x = 0; x < kw; x++)
            {
                for (int i = 0; i < cin; i++)
                {
                    for (int o = 0; o < cout; o++)
                    {
                        result[((o * cin + i) * kh + y) * kw + x] = kernel[((y * kw + x) * cin + i) * cout + o];
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Dense kernel: Keras [in, out] to PyTorch's Linear weight [out, in] (a transpose).</summary>
    public static float[] DenseKernel(ReadOnlySpan<float> kernel, int inputs, int outputs)
    {
        var result = new float[kernel.Length];
        for (int i = 0; i < inputs; i++)
        {
            for (int o = 0; o < outputs; o++)
            {
                result[o * inputs + i] = kernel[i * outputs + o];
            }
        }

        return result;
    }

    /// <summary>
    /// The kernel of a Dense layer right after Flatten. Keras flattens a channel-last map in (h, w, c) order and
    /// PyTorch an NCHW map in (c, h, w) order, so besides the transpose the input index is permuted:
    /// PyTorch weight [o, (c·H + h)·W + w] = Keras kernel [(h·W + w)·C + c, o].
    /// </summary>
    public static float[] DenseKernelAfterFlatten(ReadOnlySpan<float> kernel, int height, int width, int channels, int outputs)
    {
        int inputs = height * width * channels;
        var result = new float[kernel.Length];
        for (int h = 0; h < height; h++)
        {
            for (int w = 0; w < width; w++)
            {
                for (int c = 0; c < channels; c++)
                {
                    int keras = (h * width + w) * channels + c;
                    int torch = (c * height + h) * width + w;
                    for (int o = 0; o < outputs; o++)
                    {
                        result[o * inputs + torch] = kernel[keras * outputs + o];
                    }
                }
            }
        }

        return result;
    }

    /// <summary>
    /// An LSTM kernel [in, 4·units] or recurrent kernel [units, 4·units] to PyTorch's weight_ih or weight_hh
    /// [4·units, in]: a transpose. The gate blocks need no reordering: Keras stacks i, f, c, o and PyTorch i, f, g, o,
    /// where g is Keras' candidate c.
    /// </summary>
    public static float[] LstmKernel(ReadOnlySpan<float> kernel, int inputs, int units) => DenseKernel(kernel, inputs, 4 * units);

    /// <summary>Images from NHWC (NetCompiler's input) to NCHW (PyTorch's), sample after sample.</summary>
    public static float[] NhwcToNchw(ReadOnlySpan<float> images, int height, int width, int channels)
    {
        int pixels = height * width;
        var result = new float[images.Length];
        for (int sample = 0; sample < images.Length / (pixels * channels); sample++)
        {
            int start = sample * pixels * channels;
            for (int p = 0; p < pixels; p++)
            {
                for (int c = 0; c < channels; c++)
                {
                    result[start + c * pixels + p] = images[start + p * channels + c];
                }
            }
        }

        return result;
    }
}
