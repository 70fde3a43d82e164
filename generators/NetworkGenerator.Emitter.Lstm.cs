using NetCompiler.Generators.Helpers;
using NetCompiler.Generators.Model;

namespace NetCompiler.Generators;

public sealed partial class NetworkGenerator
{
    private static partial class Emitter
    {
        // Embedding and LSTM kernels. Shapes per sample, llm.c style: token ids (T), embeddings (T, D); an LSTM reads
        // x (T, F) and keeps gates (T, 4U) in Keras order i, f, c, o, cell states c (T, U) and hidden states h (T, U).
        // The input projection x·W + b for every step is one 1x1 convolution over the (T, 1, F) sequence, emitted by the
        // convolution emitter; only the recurrence is written here.

        /// <summary>The synthetic 1x1 convolution that computes x·W + b for all steps of an LSTM at once.</summary>
        private static ConvLayerSpec Projection(LstmLayerSpec l) =>
            new(l.Index, l.Name, l.Input, Shape.Sequence(l.Steps, l.Gates), true, 1, 1, 1, PaddingKind.Valid, 0, 0, 0, 0,
                ActivationKind.Linear);

        private static LayerNames ProjectionNames(LayerNames n) => n with { Method = n.Prefix + "Projection" };

        private static void EmitEmbeddingKernels(SourceWriter w, EmbeddingLayerSpec e, LayerNames n, bool needsBackward)
        {
            int steps = e.Input.Steps, dims = e.OutputDim;
            w.WriteLine($"/// <summary>{e.Name}: Embedding({e.InputDim}, {dims}), {e.Input} -> {e.Output}: one table row per id.</summary>");
            using (w.Block($"private static void {n.Method}Forward(ref int input, ref float parameters, ref float output)"))
            using (w.Block($"for (int t = 0; t < {steps}; t++)"))
            {
                w.WriteLine($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref parameters, {n.KernelOffset} + Unsafe.Add(ref input, t) * {dims}), {dims})");
                w.WriteLine($"    .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref output, t * {dims}), {dims}));");
            }

            if (!needsBackward)
            {
                return;
            }

            w.WriteLine();
            w.WriteLine($"/// <summary>{e.Name}: each step's output gradient adds into the table row of its id.</summary>");
            using (w.Block($"private static void {n.Method}Backward(ref int inputs, ref float outputGradient, ref float gradients, int count)"))
            using (w.Block($"for (int p = 0; p < count * {steps}; p++)"))
            {
                w.WriteLine($"global::NetCompiler.VectorMath.Add(");
                w.WriteLine($"    MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref outputGradient, p * {dims}), {dims}),");
                w.WriteLine($"    MemoryMarshal.CreateSpan(ref Unsafe.Add(ref gradients, {n.KernelOffset} + Unsafe.Add(ref inputs, p) * {dims}), {dims}));");
            }
        }

        /// <summary>
        /// The recurrence of one sample after the input projection filled the gates with x·W + b: per step, add
        /// h(t-1)·U (vectorised over the 4U gate columns), apply the gate activations, and update c and h. A masked
        /// step (padding) copies the previous state, as Keras does.
        /// </summary>
        private static void EmitLstmForward(SourceWriter w, LstmLayerSpec l, LayerNames n)
        {
            int u = l.Units, g4 = l.Gates, steps = l.Steps;
            string maskParameter = l.Masked ? ", ref byte mask" : "";
            w.WriteLine($"/// <summary>{l.Name}: LSTM({u}), {l.Input} -> {l.Output}: the recurrence of one sample.</summary>");
            w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {n.Method}Recurrence(ref float parameters, ref float gates, ref float cell, ref float hidden{maskParameter})"))
            using (w.Block($"for (int t = 0; t < {steps}; t++)"))
            {
                w.WriteLine($"int g = t * {g4};");
                w.WriteLine($"int h = t * {u};");
                if (l.Masked)
                {
                    using (w.Block("if (Unsafe.Add(ref mask, t) == 0)"))
                    {
                        w.WriteLine($"Span<float> hiddenNow = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref hidden, h), {u});");
                        w.WriteLine($"Span<float> cellNow = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref cell, h), {u});");
                        using (w.Block("if (t == 0)"))
                        {
                            w.WriteLine("hiddenNow.Clear();");
                            w.WriteLine("cellNow.Clear();");
                        }

                        using (w.Block("else"))
                        {
                            w.WriteLine($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref hidden, h - {u}), {u}).CopyTo(hiddenNow);");
                            w.WriteLine($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref cell, h - {u}), {u}).CopyTo(cellNow);");
                        }

                        w.WriteLine("continue;");
                    }

                    w.WriteLine();
                }

                w.WriteLine("// gates(t) += h(t-1)·U; the first step starts from h = 0.");
                using (w.Block("if (t > 0)"))
                {
                    EmitFlavorChain(w, f => EmitReduction(w, f, new Reduction
                    {
                        Channels = g4,
                        InitReference = "gates",
                        InitIndex = _ => "g",
                        Loops = new[] { $"for (int r = 0; r < {u}; r++)" },
                        Multiplier = _ => $"Unsafe.Add(ref hidden, h - {u} + r)",
                        RowReference = "parameters",
                        RowIndex = $"{n.RecurrentOffset} + r * {g4}",
                        StoreReference = "gates",
                        StoreIndex = _ => "g",
                    }));
                }

                w.WriteLine();
                w.WriteLine("// i, f, o = sigmoid; c~ = tanh; c = f·c(t-1) + i·c~; h = o·tanh(c).");
                EmitGateUpdate(w, u, "ref Unsafe.Add(ref gates, g)", "h", $"t > 0 ? Unsafe.Add(ref cell, h - {u} + k) : 0f");
            }
        }

        /// <summary>
        /// Turns pre-activation gates (4U, Keras order i, f, c, o) into activations in place, then writes
        /// c = f·previous + i·c~ and h = o·tanh(c) at <paramref name="stateOffset"/> of <c>cell</c> and <c>hidden</c>.
        /// Shared by the recurrence over a sequence and by the streaming step, so both do the same arithmetic.
        /// </summary>
        private static void EmitGateUpdate(SourceWriter w, int u, string gatesRef, string stateOffset, string previousCell)
        {
            string Cell(string index) => $"Unsafe.Add(ref cell, {Plus(stateOffset, index)})";
            w.WriteLine($"Span<float> gateValues = MemoryMarshal.CreateSpan({gatesRef}, {4 * u});");
            w.WriteLine($"global::NetCompiler.VectorMath.Sigmoid(gateValues.Slice(0, {2 * u}));");
            w.WriteLine($"global::NetCompiler.VectorMath.Tanh(gateValues.Slice({2 * u}, {u}));");
            w.WriteLine($"global::NetCompiler.VectorMath.Sigmoid(gateValues.Slice({3 * u}, {u}));");
            using (w.Block($"for (int k = 0; k < {u}; k++)"))
            {
                w.WriteLine($"float previous = {previousCell};");
                w.WriteLine($"{Cell("k")} = gateValues[{u} + k] * previous + gateValues[k] * gateValues[{2 * u} + k];");
            }

            string At(string reference) => stateOffset == "0" ? $"ref {reference}" : $"ref Unsafe.Add(ref {reference}, {stateOffset})";
            w.WriteLine($"Span<float> hiddenValues = MemoryMarshal.CreateSpan({At("hidden")}, {u});");
            w.WriteLine($"global::NetCompiler.VectorMath.Tanh(MemoryMarshal.CreateReadOnlySpan({At("cell")}, {u}), hiddenValues);");
            w.WriteLine($"global::NetCompiler.VectorMath.Multiply(gateValues.Slice({3 * u}, {u}), hiddenValues);");
        }

        /// <summary>
        /// Backpropagation through time for a batch, from the stored gates and states: per sample and step (last to
        /// first) it turns dh and dc into the gate gradients dz (4U), then dh(t-1) = dz·Uᵀ. The recurrent kernel gradient
        /// and the projection's gradients follow from dz in separate passes.
        /// </summary>
        private static void EmitLstmBackward(SourceWriter w, LstmLayerSpec l, LayerNames n)
        {
            int u = l.Units, g4 = l.Gates, steps = l.Steps;
            string maskParameter = l.Masked ? "ref byte mask, " : "";
            w.WriteLine($"/// <summary>{l.Name}: gate gradients of <paramref name=\"count\"/> samples, through time.</summary>");
            w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {n.Method}BackwardThroughTime(ref float transposedRecurrent, ref float gates, ref float cell, " +
                $"ref float outputGradient, ref float gateGradient, ref float dHidden, ref float dCell, {maskParameter}int count)"))
            using (w.Block("for (int s = 0; s < count; s++)"))
            {
                w.WriteLine($"MemoryMarshal.CreateSpan(ref dHidden, {u}).Clear();");
                w.WriteLine($"MemoryMarshal.CreateSpan(ref dCell, {u}).Clear();");
                using (w.Block($"for (int t = {steps - 1}; t >= 0; t--)"))
                {
                    w.WriteLine($"int g = (s * {steps} + t) * {g4};");
                    w.WriteLine($"int h = (s * {steps} + t) * {u};");
                    string outputIndex = l.ReturnSequences ? "h + k" : $"s * {u} + k";
                    string header = l.ReturnSequences
                        ? $"for (int k = 0; k < {u}; k++)"
                        : $"for (int k = 0; t == {steps - 1} && k < {u}; k++)";
                    w.WriteLine(l.ReturnSequences ? "// Every step's output receives a gradient." : "// Only the last step is an output.");
                    using (w.Block(header))
                    {
                        w.WriteLine($"Unsafe.Add(ref dHidden, k) += Unsafe.Add(ref outputGradient, {outputIndex});");
                    }

                    if (l.Masked)
                    {
                        w.WriteLine();
                        w.WriteLine("// A masked step copied its state forward, so dh and dc pass through it untouched.");
                        using (w.Block($"if (Unsafe.Add(ref mask, s * {steps} + t) == 0)"))
                        {
                            w.WriteLine($"MemoryMarshal.CreateSpan(ref Unsafe.Add(ref gateGradient, g), {g4}).Clear();");
                            w.WriteLine("continue;");
                        }
                    }

                    w.WriteLine();
                    using (w.Block($"for (int k = 0; k < {u}; k++)"))
                    {
                        w.WriteLine("float gi = Unsafe.Add(ref gates, g + k);");
                        w.WriteLine($"float gf = Unsafe.Add(ref gates, g + {u} + k);");
                        w.WriteLine($"float gc = Unsafe.Add(ref gates, g + {2 * u} + k);");
                        w.WriteLine($"float go = Unsafe.Add(ref gates, g + {3 * u} + k);");
                        w.WriteLine("float tanhC = MathF.Tanh(Unsafe.Add(ref cell, h + k));");
                        w.WriteLine($"float previous = t > 0 ? Unsafe.Add(ref cell, h - {u} + k) : 0f;");
                        w.WriteLine("float dh = Unsafe.Add(ref dHidden, k);");
                        w.WriteLine("float dc = Unsafe.Add(ref dCell, k) + dh * go * (1f - tanhC * tanhC);");
                        w.WriteLine("Unsafe.Add(ref gateGradient, g + k) = dc * gc * gi * (1f - gi);");
                        w.WriteLine($"Unsafe.Add(ref gateGradient, g + {u} + k) = dc * previous * gf * (1f - gf);");
                        w.WriteLine($"Unsafe.Add(ref gateGradient, g + {2 * u} + k) = dc * gi * (1f - gc * gc);");
                        w.WriteLine($"Unsafe.Add(ref gateGradient, g + {3 * u} + k) = dh * tanhC * go * (1f - go);");
                        w.WriteLine("Unsafe.Add(ref dCell, k) = dc * gf;");
                    }

                    w.WriteLine();
                    w.WriteLine("// dh(t-1) = dz·Uᵀ, read from the transposed recurrent kernel [4U, U].");
                    using (w.Block("if (t > 0)"))
                    {
                        EmitFlavorChain(w, f => EmitReduction(w, f, new Reduction
                        {
                            Channels = u,
                            Loops = new[] { $"for (int j = 0; j < {g4}; j++)" },
                            Multiplier = _ => "Unsafe.Add(ref gateGradient, g + j)",
                            RowReference = "transposedRecurrent",
                            RowIndex = $"j * {u}",
                            StoreReference = "dHidden",
                        }));
                    }
                }
            }

            // dU[r, :] = Σ over samples and steps t ≥ 1 of h(t-1)[r] · dz(t): rows tiled like a dense kernel gradient.
            w.WriteLine();
            w.WriteLine($"/// <summary>{l.Name}: recurrent kernel gradient of <paramref name=\"count\"/> samples.</summary>");
            w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {n.Method}BackwardRecurrent(ref float hidden, ref float gateGradient, ref float gradients, int count)"))
            {
                EmitFlavorChain(w, f =>
                {
                    EmitTiledLoop(w, "r", u, TileFor(f, g4, u), lanes =>
                    {
                        w.WriteLine($"int row = {n.RecurrentOffset} + r * {g4};");
                        EmitReduction(w, f, new Reduction
                        {
                            Channels = g4,
                            Tile = lanes,
                            InitReference = "gradients",
                            InitIndex = t => Plus("row", (t * g4).ToString(Invariant)),
                            Loops = new[] { "for (int s = 0; s < count; s++)", $"for (int t = 1; t < {steps}; t++)" },
                            Multiplier = lane => $"Unsafe.Add(ref hidden, (s * {steps} + t - 1) * {u} + {Plus("r", lane.ToString(Invariant))})",
                            RowReference = "gateGradient",
                            RowIndex = $"(s * {steps} + t) * {g4}",
                            StoreReference = "gradients",
                            StoreIndex = t => Plus("row", (t * g4).ToString(Invariant)),
                        });
                    });
                });
            }

            w.WriteLine();
            w.WriteLine($"/// <summary>{l.Name}: the recurrent kernel transposed to [4U, U], for dh(t-1) = dz·Uᵀ.</summary>");
            using (w.Block($"private static void {n.Method}TransposeRecurrent(ref float parameters, ref float transposed)"))
            using (w.Block($"for (int r = 0; r < {u}; r++)"))
            using (w.Block($"for (int j = 0; j < {g4}; j++)"))
            {
                w.WriteLine($"Unsafe.Add(ref transposed, j * {u} + r) = Unsafe.Add(ref parameters, {n.RecurrentOffset} + r * {g4} + j);");
            }
        }
    }
}
