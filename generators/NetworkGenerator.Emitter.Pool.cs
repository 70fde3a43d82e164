using NetCompiler.Generators.Helpers;
using NetCompiler.Generators.Model;

namespace NetCompiler.Generators;

public sealed partial class NetworkGenerator
{
    private static partial class Emitter
    {
        /// <summary>
        /// Max pooling of one sample, remembering where each maximum came from for the backward pass. Windows that hang
        /// over a Same border only look at real pixels. A NaN in a window wins, so NaN propagates instead of hiding.
        /// </summary>
        private static void EmitPoolForward(SourceWriter w, MaxPoolLayerSpec p, LayerNames n)
        {
            int channels = p.Input.Channels;
            w.WriteLine($"/// <summary>{p.Name}: MaxPool2D({p.PoolSize}, stride {p.Stride}, {p.Padding}), {p.Input} -> {p.Output}.</summary>");
            w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {n.Method}Forward(ref float input, ref float output, ref int maxIndex)"))
            using (w.Block($"for (int oh = 0; oh < {p.Output.Height}; oh++)"))
            {
                w.WriteLine($"int h0 = Math.Max(oh * {p.Stride} - {p.PadTop}, 0);");
                w.WriteLine($"int h1 = Math.Min(oh * {p.Stride} - {p.PadTop} + {p.PoolSize}, {p.Input.Height});");
                using (w.Block($"for (int ow = 0; ow < {p.Output.Width}; ow++)"))
                {
                    w.WriteLine($"int w0 = Math.Max(ow * {p.Stride} - {p.PadLeft}, 0);");
                    w.WriteLine($"int w1 = Math.Min(ow * {p.Stride} - {p.PadLeft} + {p.PoolSize}, {p.Input.Width});");
                    w.WriteLine($"int target = (oh * {p.Output.Width} + ow) * {channels};");
                    using (w.Block($"for (int c = 0; c < {channels}; c++)"))
                    {
                        w.WriteLine($"int best = (h0 * {p.Input.Width} + w0) * {channels} + c;");
                        w.WriteLine("float max = Unsafe.Add(ref input, best);");
                        using (w.Block("for (int h = h0; h < h1; h++)"))
                        using (w.Block("for (int x = w0; x < w1; x++)"))
                        {
                            w.WriteLine($"int at = (h * {p.Input.Width} + x) * {channels} + c;");
                            w.WriteLine("float v = Unsafe.Add(ref input, at);");
                            using (w.Block("if (v > max || (float.IsNaN(v) && !float.IsNaN(max)))"))
                            {
                                w.WriteLine("max = v;");
                                w.WriteLine("best = at;");
                            }
                        }

                        w.WriteLine("Unsafe.Add(ref output, target + c) = max;");
                        w.WriteLine("Unsafe.Add(ref maxIndex, target + c) = best;");
                    }
                }
            }
        }

        /// <summary>Routes each output gradient to the input that won its window; the caller clears the input gradient.</summary>
        private static void EmitPoolBackward(SourceWriter w, MaxPoolLayerSpec p, LayerNames n)
        {
            w.WriteLine($"/// <summary>{p.Name}: input gradient of <paramref name=\"count\"/> samples.</summary>");
            using (w.Block($"private static void {n.Method}Backward(ref float outputGradient, ref int maxIndex, ref float inputGradient, int count)"))
            using (w.Block("for (int s = 0; s < count; s++)"))
            using (w.Block($"for (int k = 0; k < {p.Output.Length}; k++)"))
            {
                w.WriteLine($"int o = s * {p.Output.Length} + k;");
                w.WriteLine($"Unsafe.Add(ref inputGradient, s * {p.Input.Length} + Unsafe.Add(ref maxIndex, o)) += Unsafe.Add(ref outputGradient, o);");
            }
        }
    }
}
