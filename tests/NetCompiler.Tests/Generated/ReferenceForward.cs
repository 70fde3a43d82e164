using System;

namespace NetCompiler.Tests.Generated;

/// <summary>
/// A deliberately naive forward pass, written from Keras' definitions and independent of the generator: loops with
/// explicit bounds tests, double accumulation, no shared code with the emitted kernels. The gradient checks prove
/// that backward agrees with forward; this proves that forward computes the right function.
/// </summary>
internal sealed class ReferenceForward
{
    private double[] _values;
    private int _height, _width, _channels;
    private int _offset;
    private readonly float[] _parameters;

    public ReferenceForward(float[] input, int height, int width, int channels, float[] parameters)
    {
        _values = Array.ConvertAll(input, v => (double)v);
        (_height, _width, _channels) = (height, width, channels);
        _parameters = parameters;
    }

    public double[] Values => _values;

    /// <summary>Keras Conv2D: output = ceil(in / stride) with Same (odd pad at bottom/right), floor with Valid.</summary>
    public ReferenceForward Conv2D(int filters, int kh, int kw, int stride, bool same, Activation activation)
    {
        int outHeight = same ? (_height + stride - 1) / stride : (_height - kh) / stride + 1;
        int outWidth = same ? (_width + stride - 1) / stride : (_width - kw) / stride + 1;
        int padTop = same ? Math.Max((outHeight - 1) * stride + kh - _height, 0) / 2 : 0;
        int padLeft = same ? Math.Max((outWidth - 1) * stride + kw - _width, 0) / 2 : 0;
        int kernel = _offset, bias = _offset + kh * kw * _channels * filters;
        var result = new double[outHeight * outWidth * filters];
        for (int oy = 0; oy < outHeight; oy++)
        {
            for (int ox = 0; ox < outWidth; ox++)
            {
                for (int f = 0; f < filters; f++)
                {
                    double sum = _parameters[bias + f];
                    for (int dy = 0; dy < kh; dy++)
                    {
                        for (int dx = 0; dx < kw; dx++)
                        {
                            int y = oy * stride + dy - padTop, x = ox * stride + dx - padLeft;
                            if (y < 0 || y >= _height || x < 0 || x >= _width)
                            {
                                continue;
                            }

                            for (int c = 0; c < _channels; c++)
                            {
                                double w = _parameters[kernel + ((dy * kw + dx) * _channels + c) * filters + f];
                                sum += _values[(y * _width + x) * _channels + c] * w;
                            }
                        }
                    }

                    result[(oy * outWidth + ox) * filters + f] = sum;
                }
            }
        }

        _offset = bias + filters;
        return Replace(result, outHeight, outWidth, filters, activation);
    }

    public ReferenceForward MaxPool2D(int pool, int stride, bool same)
    {
        int outHeight = same ? (_height + stride - 1) / stride : (_height - pool) / stride + 1;
        int outWidth = same ? (_width + stride - 1) / stride : (_width - pool) / stride + 1;
        int padTop = same ? Math.Max((outHeight - 1) * stride + pool - _height, 0) / 2 : 0;
        int padLeft = same ? Math.Max((outWidth - 1) * stride + pool - _width, 0) / 2 : 0;
        var result = new double[outHeight * outWidth * _channels];
        for (int oy = 0; oy < outHeight; oy++)
        {
            for (int ox = 0; ox < outWidth; ox++)
            {
                for (int c = 0; c < _channels; c++)
                {
                    double max = double.NegativeInfinity;
                    for (int dy = 0; dy < pool; dy++)
                    {
                        for (int dx = 0; dx < pool; dx++)
                        {
                            int y = oy * stride + dy - padTop, x = ox * stride + dx - padLeft;
                            if (y >= 0 && y < _height && x >= 0 && x < _width)
                            {
                                max = Math.Max(max, _values[(y * _width + x) * _channels + c]);
                            }
                        }
                    }

                    result[(oy * outWidth + ox) * _channels + c] = max;
                }
            }
        }

        return Replace(result, outHeight, outWidth, _channels, Activation.Linear);
    }

    /// <summary>Keras Flatten of (h, w, c) is row-major over h, w, c: the memory order already.</summary>
    public ReferenceForward Flatten() => Replace(_values, 1, 1, _values.Length, Activation.Linear);

    public ReferenceForward Dense(int units, Activation activation)
    {
        int inputs = _values.Length, kernel = _offset, bias = _offset + inputs * units;
        var result = new double[units];
        for (int o = 0; o < units; o++)
        {
            double sum = _parameters[bias + o];
            for (int i = 0; i < inputs; i++)
            {
                sum += _values[i] * _parameters[kernel + i * units + o];
            }

            result[o] = sum;
        }

        _offset = bias + units;
        return Replace(result, 1, 1, units, activation);
    }

    private ReferenceForward Replace(double[] values, int height, int width, int channels, Activation activation)
    {
        switch (activation)
        {
            case Activation.ReLU:
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = Math.Max(values[i], 0);
                }

                break;
            case Activation.Sigmoid:
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = 1 / (1 + Math.Exp(-values[i]));
                }

                break;
            case Activation.Tanh:
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = Math.Tanh(values[i]);
                }

                break;
            case Activation.Softmax:
                double max = double.NegativeInfinity, sum = 0;
                foreach (double v in values)
                {
                    max = Math.Max(max, v);
                }

                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = Math.Exp(values[i] - max);
                    sum += values[i];
                }

                for (int i = 0; i < values.Length; i++)
                {
                    values[i] /= sum;
                }

                break;
        }

        (_values, _height, _width, _channels) = (values, height, width, channels);
        return this;
    }
}
