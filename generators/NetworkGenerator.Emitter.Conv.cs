using NetCompiler.Generators.Helpers;
using NetCompiler.Generators.Model;

namespace NetCompiler.Generators;

public sealed partial class NetworkGenerator
{
    private static partial class Emitter
    {
        // Convolution and dense kernels. A dense layer is a 1x1 convolution over a 1x1 image, so it shares the loop
        // shapes here, but its loops are written without the spatial axes. Shapes in comments follow llm.c: per sample
        // input (H, W, Cin) channels-last, kernel (KH, KW, Cin, Cout), output (OH, OW, Cout).

        /// <summary>
        /// Forward of one sample: output = act(bias + Σ input · kernel), vectorised over output channels. With
        /// <paramref name="used"/>, only output rows and columns below those bounds are computed (the rest of the
        /// output keeps its layout and its old contents); that variant is called ForwardUsed.
        /// </summary>
        private static void EmitConvForward(SourceWriter w, ConvLayerSpec c, LayerNames n, (int Rows, int Columns)? used = null)
        {
            int outputRows = used?.Rows ?? c.Output.Height, outputColumns = used?.Columns ?? c.Output.Width;
            if (used is null)
            {
                w.WriteLine($"/// <summary>{Describe(c)}: forward of one sample.</summary>");
            }
            else
            {
                w.WriteLine($"/// <summary>{Describe(c)}: forward of one sample for inference, output rows 0 to {outputRows - 1} " +
                    $"and columns 0 to {outputColumns - 1} only: the pool after it reads no others.</summary>");
            }

            w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            string name = used is null ? "Forward" : "ForwardUsed";
            using (w.Block($"private static void {n.Method}{name}(ref float input, ref float parameters, ref float output)"))
            {
                int cin = c.InChannels, cout = c.OutChannels, paddedWidth = c.PaddedWidth;
                EmitFlavorChain(w, f =>
                {
                    var reduction = new Reduction
                    {
                        Channels = cout,
                        InitReference = "parameters",
                        InitIndex = _ => n.BiasOffset,
                        RowReference = "parameters",
                        StoreReference = "output",
                        FusedRelu = c.Activation == ActivationKind.ReLU,
                    };
                    if (c.IsSinglePixel)
                    {
                        reduction.Loops = new[] { $"for (int i = 0; i < {cin}; i++)" };
                        reduction.Multiplier = _ => "Unsafe.Add(ref input, i)";
                        reduction.RowIndex = $"{n.KernelOffset} + i * {cout}";
                        EmitReduction(w, f, reduction);
                        return;
                    }

                    if (IsPointwise(c))
                    {
                        // A 1x1 convolution over contiguous pixels (an LSTM's input projection over its steps) is one
                        // matrix product: tile over all pixels at once, not row by row.
                        int pixels = c.Output.Height * c.Output.Width;
                        (int segments, int pixelTile) = TileShape(f, cout, pixels);
                        reduction.SegmentsPerBlock = segments;
                        EmitTiledLoop(w, "p", pixels, pixelTile, lanes =>
                        {
                            reduction.Tile = lanes;
                            reduction.Loops = new[] { $"for (int j = 0; j < {cin}; j++)" };
                            reduction.Multiplier = t => $"Unsafe.Add(ref input, {Plus($"p * {cin}", (t * cin).ToString(Invariant))} + j)";
                            reduction.RowIndex = $"{n.KernelOffset} + j * {cout}";
                            reduction.StoreIndex = t => Plus($"p * {cout}", (t * cout).ToString(Invariant));
                            EmitReduction(w, f, reduction);
                        });
                        return;
                    }

                    // A tile of neighbouring output pixels in a row shares every kernel row loaded; the (kw, cin) pairs
                    // of a kernel row are contiguous in both the input row and the kernel, so they form one inner loop.
                    using (w.Block($"for (int oh = 0; oh < {outputRows}; oh++)"))
                    {
                        int tile = TileFor(f, cout, outputColumns);
                        EmitTiledLoop(w, "ow", outputColumns, tile, lanes =>
                        {
                            w.WriteLine($"int inputPixel = (oh * {c.Stride * paddedWidth} + ow * {c.Stride}) * {cin};");
                            w.WriteLine($"int outputPixel = (oh * {c.Output.Width} + ow) * {cout};");
                            reduction.Tile = lanes;
                            reduction.Loops = new[]
                            {
                                $"for (int kh = 0; kh < {c.KernelHeight}; kh++)",
                                $"for (int j = 0; j < {c.KernelWidth * cin}; j++)",
                            };
                            reduction.Multiplier = t =>
                                $"Unsafe.Add(ref input, {Plus("inputPixel", (t * c.Stride * cin).ToString(Invariant))} + kh * {paddedWidth * cin} + j)";
                            reduction.RowIndex = $"{n.KernelOffset} + (kh * {c.KernelWidth * cin} + j) * {cout}";
                            reduction.StoreIndex = t => Plus("outputPixel", (t * cout).ToString(Invariant));
                            EmitReduction(w, f, reduction);
                        });
                    }
                });
            }
        }

        /// <summary>A 1x1, stride-1, unpadded convolution over more than one pixel: a plain matrix product.</summary>
        private static bool IsPointwise(ConvLayerSpec c) =>
            !c.IsSinglePixel && c.KernelHeight == 1 && c.KernelWidth == 1 && c.Stride == 1 && !c.IsPadded;

        /// <summary>
        /// Writes a loop over <paramref name="variable"/> in steps of <paramref name="tile"/>, then one block for the
        /// remainder with the variable fixed; the body receives how many lanes it covers.
        /// </summary>
        private static void EmitTiledLoop(SourceWriter w, string variable, int bound, int tile, System.Action<int> body)
        {
            int full = bound / tile * tile;
            if (full > 0)
            {
                using (w.Block(tile == 1
                    ? $"for (int {variable} = 0; {variable} < {bound}; {variable}++)"
                    : $"for (int {variable} = 0; {variable} < {full}; {variable} += {tile})"))
                {
                    body(tile);
                }
            }

            if (full < bound)
            {
                using (w.Block($"// {variable} {full} to {bound - 1}"))
                {
                    w.WriteLine($"const int {variable} = {full};");
                    body(bound - full);
                }
            }
        }

        /// <summary>
        /// Kernel and bias gradients of a batch: dKernel[kh, kw, ci, :] += Σ input · dOutput and dBias += Σ dOutput.
        /// Convolutions loop samples outermost so one sample's output gradient stays in cache across kernel rows, and a
        /// tile of neighbouring kernel rows shares each output-gradient row loaded.
        /// </summary>
        private static void EmitConvBackwardKernel(SourceWriter w, ConvLayerSpec c, LayerNames n)
        {
            w.WriteLine($"/// <summary>{Describe(c)}: kernel and bias gradients of <paramref name=\"count\"/> samples.</summary>");
            w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {n.Method}BackwardKernel(ref float input, ref float outputGradient, ref float gradients, int count)"))
            {
                int cin = c.InChannels, cout = c.OutChannels, inLength = c.IsPadded ? c.PaddedLength : c.Input.Length;
                int outLength = c.Output.Length, paddedWidth = c.PaddedWidth, rowLength = c.KernelWidth * cin;
                EmitFlavorChain(w, f =>
                {
                    if (c.IsSinglePixel)
                    {
                        (int segments, int tile) = TileShape(f, cout, cin);
                        EmitTiledLoop(w, "i", cin, tile, lanes =>
                        {
                            w.WriteLine($"int row = {n.KernelOffset} + i * {cout};");
                            EmitReduction(w, f, new Reduction
                            {
                                Channels = cout,
                                Tile = lanes,
                                SegmentsPerBlock = segments,
                                InitReference = "gradients",
                                InitIndex = t => Plus("row", (t * cout).ToString(Invariant)),
                                Loops = new[] { "for (int s = 0; s < count; s++)" },
                                Multiplier = t => $"Unsafe.Add(ref input, s * {inLength} + {Plus("i", t.ToString(Invariant))})",
                                RowReference = "outputGradient",
                                RowIndex = $"s * {outLength}",
                                StoreReference = "gradients",
                                StoreIndex = t => Plus("row", (t * cout).ToString(Invariant)),
                            });
                        });
                        EmitReduction(w, f, new Reduction
                        {
                            Channels = cout,
                            InitReference = "gradients",
                            InitIndex = _ => n.BiasOffset,
                            Loops = new[] { "for (int s = 0; s < count; s++)" },
                            RowReference = "outputGradient",
                            RowIndex = $"s * {outLength}",
                            StoreReference = "gradients",
                            StoreIndex = _ => n.BiasOffset,
                        });
                        return;
                    }

                    using (w.Block("for (int s = 0; s < count; s++)"))
                    {
                        w.WriteLine($"int sampleInput = s * {inLength};");
                        w.WriteLine($"int sampleOutput = s * {outLength};");
                        using (w.Block($"for (int kh = 0; kh < {c.KernelHeight}; kh++)"))
                        {
                            (int segments, int tile) = TileShape(f, cout, rowLength);
                            EmitTiledLoop(w, "j", rowLength, tile, lanes =>
                            {
                                w.WriteLine($"int row = {n.KernelOffset} + (kh * {rowLength} + j) * {cout};");
                                w.WriteLine($"int tap = sampleInput + kh * {paddedWidth * cin} + j;");
                                EmitReduction(w, f, new Reduction
                                {
                                    Channels = cout,
                                    Tile = lanes,
                                    SegmentsPerBlock = segments,
                                    InitReference = "gradients",
                                    InitIndex = t => Plus("row", (t * cout).ToString(Invariant)),
                                    Loops = new[]
                                    {
                                        $"for (int oh = 0; oh < {c.Output.Height}; oh++)",
                                        $"for (int ow = 0; ow < {c.Output.Width}; ow++)",
                                    },
                                    Multiplier = t =>
                                        $"Unsafe.Add(ref input, {Plus("tap", t.ToString(Invariant))} + (oh * {c.Stride * paddedWidth} + ow * {c.Stride}) * {cin})",
                                    RowReference = "outputGradient",
                                    RowIndex = $"sampleOutput + (oh * {c.Output.Width} + ow) * {cout}",
                                    StoreReference = "gradients",
                                    StoreIndex = t => Plus("row", (t * cout).ToString(Invariant)),
                                });
                            });
                        }

                        EmitReduction(w, f, new Reduction
                        {
                            Channels = cout,
                            InitReference = "gradients",
                            InitIndex = _ => n.BiasOffset,
                            Loops = new[] { $"for (int p = 0; p < {c.Output.Height * c.Output.Width}; p++)" },
                            RowReference = "outputGradient",
                            RowIndex = $"sampleOutput + p * {cout}",
                            StoreReference = "gradients",
                            StoreIndex = _ => n.BiasOffset,
                        });
                    }
                });
            }
        }

        /// <summary>
        /// Input gradient of a batch: dInput[pixel under tap, :] += Σ_co dOutput[pixel, co] · kernelᵀ[kh, kw, co, :].
        /// Reading a transposed kernel turns the sum over output channels into the same broadcast-and-add shape as
        /// the forward pass, vectorised over input channels. A tile of neighbouring output pixels under one tap writes
        /// distinct input pixels, so the lanes never overlap. The caller clears <c>inputGradient</c> first.
        /// </summary>
        private static void EmitConvBackwardInput(SourceWriter w, ConvLayerSpec c, LayerNames n)
        {
            w.WriteLine($"/// <summary>{Describe(c)}: input gradient of <paramref name=\"count\"/> samples.</summary>");
            w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {n.Method}BackwardInput(ref float outputGradient, ref float transposedKernel, ref float inputGradient, int count)"))
            {
                int cin = c.InChannels, cout = c.OutChannels, inLength = c.IsPadded ? c.PaddedLength : c.Input.Length;
                int outLength = c.Output.Length, paddedWidth = c.PaddedWidth;
                EmitFlavorChain(w, f =>
                {
                    if (c.IsSinglePixel)
                    {
                        using (w.Block("for (int s = 0; s < count; s++)"))
                        {
                            EmitReduction(w, f, new Reduction
                            {
                                Channels = cin,
                                InitReference = null,
                                Loops = new[] { $"for (int o = 0; o < {cout}; o++)" },
                                Multiplier = _ => $"Unsafe.Add(ref outputGradient, s * {outLength} + o)",
                                RowReference = "transposedKernel",
                                RowIndex = $"o * {cin}",
                                StoreReference = "inputGradient",
                                StoreIndex = _ => $"s * {inLength}",
                            });
                        }

                        return;
                    }

                    if (IsPointwise(c))
                    {
                        int pixels = c.Output.Height * c.Output.Width;
                        (int segments, int pixelTile) = TileShape(f, cin, pixels);
                        using (w.Block("for (int s = 0; s < count; s++)"))
                        {
                            EmitTiledLoop(w, "p", pixels, pixelTile, lanes =>
                            {
                                w.WriteLine($"int source = s * {outLength} + p * {cout};");
                                w.WriteLine($"int target = s * {inLength} + p * {cin};");
                                EmitReduction(w, f, new Reduction
                                {
                                    Channels = cin,
                                    Tile = lanes,
                                    SegmentsPerBlock = segments,
                                    InitReference = "inputGradient",
                                    InitIndex = t => Plus("target", (t * cin).ToString(Invariant)),
                                    Loops = new[] { $"for (int co = 0; co < {cout}; co++)" },
                                    Multiplier = t => $"Unsafe.Add(ref outputGradient, {Plus("source", (t * cout).ToString(Invariant))} + co)",
                                    RowReference = "transposedKernel",
                                    RowIndex = $"co * {cin}",
                                    StoreReference = "inputGradient",
                                    StoreIndex = t => Plus("target", (t * cin).ToString(Invariant)),
                                });
                            });
                        }

                        return;
                    }

                    using (w.Block("for (int s = 0; s < count; s++)"))
                    using (w.Block($"for (int oh = 0; oh < {c.Output.Height}; oh++)"))
                    {
                        EmitTiledLoop(w, "ow", c.Output.Width, TileFor(f, cin, c.Output.Width), lanes =>
                        {
                            w.WriteLine($"int source = s * {outLength} + (oh * {c.Output.Width} + ow) * {cout};");
                            using (w.Block($"for (int kh = 0; kh < {c.KernelHeight}; kh++)"))
                            using (w.Block($"for (int kw = 0; kw < {c.KernelWidth}; kw++)"))
                            {
                                w.WriteLine($"int target = s * {inLength} + ((oh * {c.Stride} + kh) * {paddedWidth} + ow * {c.Stride} + kw) * {cin};");
                                w.WriteLine($"int tap = (kh * {c.KernelWidth} + kw) * {cout * cin};");
                                EmitReduction(w, f, new Reduction
                                {
                                    Channels = cin,
                                    Tile = lanes,
                                    InitReference = "inputGradient",
                                    InitIndex = t => Plus("target", (t * c.Stride * cin).ToString(Invariant)),
                                    Loops = new[] { $"for (int co = 0; co < {cout}; co++)" },
                                    Multiplier = t => $"Unsafe.Add(ref outputGradient, {Plus("source", (t * cout).ToString(Invariant))} + co)",
                                    RowReference = "transposedKernel",
                                    RowIndex = $"tap + co * {cin}",
                                    StoreReference = "inputGradient",
                                    StoreIndex = t => Plus("target", (t * c.Stride * cin).ToString(Invariant)),
                                });
                            }
                        });
                    }
                });
            }
        }

        /// <summary>kernelᵀ[kh, kw, co, ci] = kernel[kh, kw, ci, co], refreshed before each input-gradient pass.</summary>
        private static void EmitTransposeKernel(SourceWriter w, ConvLayerSpec c, LayerNames n)
        {
            int cin = c.InChannels, cout = c.OutChannels;
            w.WriteLine($"/// <summary>{c.Name}: the kernel with its channel axes swapped, [kh, kw, cout, cin], for the input gradient.</summary>");
            using (w.Block($"private static void {n.Method}TransposeKernel(ref float parameters, ref float transposed)"))
            using (w.Block($"for (int tap = 0; tap < {c.KernelHeight * c.KernelWidth}; tap++)"))
            using (w.Block($"for (int ci = 0; ci < {cin}; ci++)"))
            using (w.Block($"for (int co = 0; co < {cout}; co++)"))
            {
                w.WriteLine($"Unsafe.Add(ref transposed, (tap * {cout} + co) * {cin} + ci) = " +
                    $"Unsafe.Add(ref parameters, {n.KernelOffset} + (tap * {cin} + ci) * {cout} + co);");
            }
        }

        /// <summary>Copies one sample into the interior of its zero-bordered buffer, so the kernels need no bounds tests.</summary>
        private static void EmitPadAndCrop(SourceWriter w, ConvLayerSpec c, LayerNames n, bool withCrop)
        {
            int rowLength = c.Input.Width * c.InChannels;
            int paddedRow = c.PaddedWidth * c.InChannels;
            string interior = $"(h + {c.PadTop}) * {paddedRow} + {c.PadLeft * c.InChannels}";
            w.WriteLine($"/// <summary>Places one {c.Input} sample inside its ({c.PaddedHeight}, {c.PaddedWidth}, {c.InChannels}) zero border.</summary>");
            using (w.Block($"private static void {n.Method}Pad(ref float input, ref float padded)"))
            using (w.Block($"for (int h = 0; h < {c.Input.Height}; h++)"))
            {
                w.WriteLine($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref input, h * {rowLength}), {rowLength})");
                w.WriteLine($"    .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref padded, {interior}), {rowLength}));");
            }

            if (!withCrop)
            {
                return;
            }

            w.WriteLine();
            w.WriteLine("/// <summary>Keeps the interior of padded input gradients: the border's gradient belongs to no input.</summary>");
            using (w.Block($"private static void {n.Method}Crop(ref float paddedGradient, ref float inputGradient, int count)"))
            using (w.Block("for (int s = 0; s < count; s++)"))
            using (w.Block($"for (int h = 0; h < {c.Input.Height}; h++)"))
            {
                w.WriteLine($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref paddedGradient, s * {c.PaddedLength} + {interior}), {rowLength})");
                w.WriteLine($"    .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref inputGradient, s * {c.Input.Length} + h * {rowLength}), {rowLength}));");
            }
        }

        private static string Describe(ConvLayerSpec c) => c.IsDense
            ? $"{c.Name}: Dense({c.OutChannels}, {c.Activation}), {c.Input} -> {c.Output}"
            : $"{c.Name}: Conv2D({c.OutChannels}, {c.KernelHeight}x{c.KernelWidth}, stride {c.Stride}, {c.Padding}, {c.Activation}), " +
              $"{c.Input} -> {c.Output}";
    }
}
