using System.Collections.Generic;
using System.Linq;
using NetCompiler.Generators.Helpers;
using NetCompiler.Generators.Model;

namespace NetCompiler.Generators;

public sealed partial class NetworkGenerator
{
    private static partial class Emitter
    {
        // Max pooling, vectorised over channels: channels are contiguous in channels-last memory, so a window is a few
        // vector maxima per pixel. Windows that hang over a Same border only look at real pixels.

        /// <summary>
        /// Max pooling of one sample. Max here is IEEE 754 maximum (MathF.Max and Vector.Max since .NET 9), so a NaN in a
        /// window wins and propagates instead of hiding.
        /// </summary>
        private static void EmitPoolForward(SourceWriter w, MaxPoolLayerSpec p, LayerNames n)
        {
            int channels = p.Input.Channels, width = p.Input.Width;
            w.WriteLine($"/// <summary>{p.Name}: MaxPool2D({p.PoolSize}, stride {p.Stride}, {p.Padding}), {p.Input} -> {p.Output}.</summary>");
            w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {n.Method}Forward(ref float input, ref float output)"))
            {
                EmitFlavorChain(w, f =>
                {
                    EmitWindowLoops(w, p, () =>
                    {
                        w.WriteLine($"int target = (oh * {p.Output.Width} + ow) * {channels};");
                        w.WriteLine($"int first = (h0 * {width} + w0) * {channels};");
                        EmitChannelSegments(w, f, channels, (offset, sf) =>
                        {
                            w.WriteLine($"{(sf.IsScalar ? "float" : "var")} max = {sf.Load("input", Plus("first", offset))};");
                            using (w.Block("for (int h = h0; h < h1; h++)"))
                            using (w.Block("for (int x = w0; x < w1; x++)"))
                            {
                                string value = sf.Load("input", Plus($"(h * {width} + x) * {channels}", offset));
                                w.WriteLine(sf.IsScalar ? $"max = MathF.Max(max, {value});" : $"max = {sf.Name}.Max(max, {value});");
                            }

                            w.WriteLine(sf.Store("max", "output", Plus("target", offset)));
                        });
                    });
                });
            }
        }

        /// <summary>
        /// Routes each output gradient to the first input of its window that equals the window's maximum (NaN matching
        /// NaN), the same element a strict left-to-right, top-to-bottom argmax picks. Vector lanes keep a mask of the
        /// channels still looking for their maximum. The caller clears the input gradient first.
        /// </summary>
        private static void EmitPoolBackward(SourceWriter w, MaxPoolLayerSpec p, LayerNames n)
        {
            int channels = p.Input.Channels, width = p.Input.Width;
            w.WriteLine($"/// <summary>{p.Name}: input gradient of <paramref name=\"count\"/> samples.</summary>");
            w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {n.Method}Backward(ref float input, ref float output, ref float outputGradient, ref float inputGradient, int count)"))
            {
                EmitFlavorChain(w, f =>
                {
                    using (w.Block("for (int s = 0; s < count; s++)"))
                    {
                        w.WriteLine($"int sampleInput = s * {p.Input.Length};");
                        EmitWindowLoops(w, p, () =>
                        {
                            w.WriteLine($"int source = s * {p.Output.Length} + (oh * {p.Output.Width} + ow) * {channels};");
                            EmitChannelSegments(w, f, channels, (offset, sf) =>
                            {
                                string Load(string reference, string index) => sf.Load(reference, Plus(index, offset));
                                if (sf.IsScalar)
                                {
                                    w.WriteLine($"float max = {Load("output", "source")};");
                                    w.WriteLine("bool found = false;");
                                }
                                else
                                {
                                    w.WriteLine($"var max = {Load("output", "source")};");
                                    w.WriteLine($"var gradient = {Load("outputGradient", "source")};");
                                    w.WriteLine($"var searching = ~{sf.Name}.Create(0f);");
                                    w.WriteLine($"var maxIsNaN = ~{sf.Name}.Equals(max, max);");
                                }

                                using (w.Block("for (int h = h0; h < h1; h++)"))
                                using (w.Block("for (int x = w0; x < w1; x++)"))
                                {
                                    w.WriteLine($"int at = sampleInput + (h * {width} + x) * {channels};");
                                    if (sf.IsScalar)
                                    {
                                        w.WriteLine($"float v = {Load("input", "at")};");
                                        using (w.Block("if (!found && (v == max || (float.IsNaN(v) && float.IsNaN(max))))"))
                                        {
                                            w.WriteLine($"Unsafe.Add(ref inputGradient, {Plus("at", offset)}) += {Load("outputGradient", "source")};");
                                            w.WriteLine("found = true;");
                                        }
                                    }
                                    else
                                    {
                                        w.WriteLine($"var v = {Load("input", "at")};");
                                        w.WriteLine($"var hit = ({sf.Name}.Equals(v, max) | (maxIsNaN & ~{sf.Name}.Equals(v, v))) & searching;");
                                        w.WriteLine(sf.Store($"{Load("inputGradient", "at")} + (gradient & hit)", "inputGradient", Plus("at", offset)));
                                        w.WriteLine($"searching = {sf.Name}.AndNot(searching, hit);");
                                    }
                                }
                            });
                        });
                    }
                });
            }
        }

        /// <summary>The output pixel loops with each window's clipped bounds h0..h1, w0..w1.</summary>
        private static void EmitWindowLoops(SourceWriter w, MaxPoolLayerSpec p, System.Action body)
        {
            using (w.Block($"for (int oh = 0; oh < {p.Output.Height}; oh++)"))
            {
                w.WriteLine($"int h0 = Math.Max(oh * {p.Stride} - {p.PadTop}, 0);");
                w.WriteLine($"int h1 = Math.Min(oh * {p.Stride} - {p.PadTop} + {p.PoolSize}, {p.Input.Height});");
                using (w.Block($"for (int ow = 0; ow < {p.Output.Width}; ow++)"))
                {
                    w.WriteLine($"int w0 = Math.Max(ow * {p.Stride} - {p.PadLeft}, 0);");
                    w.WriteLine($"int w1 = Math.Min(ow * {p.Stride} - {p.PadLeft} + {p.PoolSize}, {p.Input.Width});");
                    body();
                }
            }
        }

        /// <summary>
        /// Covers <paramref name="channels"/> with vectors of the flavor, narrower ones and single floats; the scalar
        /// flavor loops over channels instead. Each segment is a block of its own, so locals can repeat.
        /// </summary>
        private static void EmitChannelSegments(
            SourceWriter w, VectorFlavor flavor, int channels, System.Action<string, VectorFlavor> segment)
        {
            if (flavor.IsScalar)
            {
                using (w.Block($"for (int c = 0; c < {channels}; c++)"))
                {
                    segment("c", flavor);
                }

                return;
            }

            List<(int Offset, VectorFlavor Flavor)> segments = flavor.Segments(channels);
            int full = segments.Count(s => s.Flavor == flavor);
            if (full > 1)
            {
                using (w.Block($"for (int c = 0; c < {full * flavor.Width}; c += {flavor.Width})"))
                {
                    segment("c", flavor);
                }
            }

            foreach ((int offset, VectorFlavor f) in segments.Skip(full > 1 ? full : 0))
            {
                using (w.Block($"// channels {offset} to {offset + f.Width - 1}"))
                {
                    segment(offset.ToString(Invariant), f);
                }
            }
        }
    }
}
