using System.Collections.Generic;
using System.Linq;
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

        /// <remarks>
        /// <paramref name="grouped"/>: the LSTM after the Embedding reads rows by index (a folded table at inference,
        /// one row per distinct token in training), so the Embedding copies no rows, and its gradient arrives as one
        /// row per distinct token.
        /// </remarks>
        private static void EmitEmbeddingKernels(SourceWriter w, EmbeddingLayerSpec e, LayerNames n, bool grouped)
        {
            int steps = e.Input.Steps, dims = e.OutputDim;
            if (!grouped)
            {
                w.WriteLine($"/// <summary>{e.Name}: Embedding({e.InputDim}, {dims}), {e.Input} -> {e.Output}: one table row per id.</summary>");
                using (w.Block($"private static void {n.Method}Forward(ref int input, ref float parameters, ref float output)"))
                using (w.Block($"for (int t = 0; t < {steps}; t++)"))
                {
                    w.WriteLine($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref parameters, {n.KernelOffset} + Unsafe.Add(ref input, t) * {dims}), {dims})");
                    w.WriteLine($"    .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref output, t * {dims}), {dims}));");
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

                return;
            }

            w.WriteLine($"/// <summary>{e.Name}: each distinct token's gradient row (one per group) adds into its table row.</summary>");
            using (w.Block($"private static void {n.Method}BackwardGroups(ref int tokens, ref float groupGradient, ref float gradients, int groups)"))
            using (w.Block("for (int g = 0; g < groups; g++)"))
            {
                w.WriteLine($"global::NetCompiler.VectorMath.Add(");
                w.WriteLine($"    MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref groupGradient, g * {dims}), {dims}),");
                w.WriteLine($"    MemoryMarshal.CreateSpan(ref Unsafe.Add(ref gradients, {n.KernelOffset} + Unsafe.Add(ref tokens, g) * {dims}), {dims}));");
            }
        }

        /// <summary>
        /// The recurrence after the input projection filled the gates with x·W + b: per step, gates += h(t-1)·U, then the
        /// gate activations, c = f·c(t-1) + i·c~ and h = o·tanh(c). The dispatcher runs samples in tiles that share
        /// every loaded row of U (a tile of several samples turns the step's vector-matrix products into a small
        /// matrix product), then single samples for the rest. A masked step (padding) copies the previous state, as
        /// Keras does. With <c>keepGates</c> the activated gates are stored for backpropagation; inference skips that.
        /// Steps run over [from, to): a sequence is [0, steps); a streaming step is [1, 2) over two-step buffers.
        /// </summary>
        private static void EmitLstmForward(SourceWriter w, LstmLayerSpec l, LayerNames n, bool folds)
        {
            RecurrentRowLayout? layout = RecurrentRowLayout.For(l);
            string rowsParameter = layout is null ? "" : "ref float partitionedRows, ";
            string maskParameter = l.Masked ? "ref byte mask, " : "";
            string MaskArgument(string offset) => l.Masked ? $"ref Unsafe.Add(ref mask, {offset}), " : "";
            string foldParameters = folds ? "ref float table, ref int tokens, " : "";
            string FoldArguments(string offset) => folds ? $"ref table, ref Unsafe.Add(ref tokens, {offset}), " : "";
            int gateStride = l.Steps * l.Gates, stateStride = l.Steps * l.Units;
            w.WriteLine($"/// <summary>{l.Name}: LSTM({l.Units}), {l.Input} -> {l.Output}: the recurrence of <paramref name=\"count\"/> samples.</summary>");
            if (layout is not null)
            {
                w.WriteLine("/// <remarks>The one-sample AVX-512 tile reads U from <c>partitionedRows</c>, the cache-partitioned copy, when");
                w.WriteLine("/// that is not a null reference (inference, which keeps it current; training and streaming steps pass null).</remarks>");
            }

            using (w.Block($"private static void {n.Method}Recurrence(ref float parameters, {rowsParameter}ref float gates, ref float cell, ref float hidden, " +
                $"{maskParameter}{foldParameters}int count, int from, int to, bool keepGates)"))
            {
                EmitFlavorChain(w, f =>
                {
                    w.WriteLine("int s = 0;");
                    foreach (int tile in RecurrenceTiles(f))
                    {
                        string Call(string name, string weights) =>
                            $"{name}(ref {weights}, ref Unsafe.Add(ref gates, s * {gateStride}), " +
                            $"ref Unsafe.Add(ref cell, s * {stateStride}), ref Unsafe.Add(ref hidden, s * {stateStride}), " +
                            $"{MaskArgument($"s * {l.Steps}")}{FoldArguments($"s * {l.Steps}")}from, to, keepGates);";
                        using (w.Block($"for (; s + {tile} <= count; s += {tile})"))
                        {
                            if (layout is not null && f == VectorFlavor.V512 && tile == 1)
                            {
                                using (w.Block("if (!Unsafe.IsNullRef(ref partitionedRows))"))
                                {
                                    w.WriteLine(Call(PartitionedTileName(n), "partitionedRows"));
                                }

                                using (w.Block("else"))
                                {
                                    w.WriteLine(Call(RecurrenceTileName(n, f, tile), "parameters"));
                                }
                            }
                            else
                            {
                                w.WriteLine(Call(RecurrenceTileName(n, f, tile), "parameters"));
                            }
                        }
                    }
                });
            }

            foreach (VectorFlavor f in VectorFlavor.Chain)
            {
                foreach (int tile in RecurrenceTiles(f))
                {
                    w.WriteLine();
                    EmitRecurrenceTile(w, l, n, f, tile, folds, layout: null);
                }
            }

            if (layout is not null)
            {
                w.WriteLine();
                EmitRecurrenceTile(w, l, n, VectorFlavor.V512, 1, folds, layout);
                w.WriteLine();
                EmitPartitionRecurrentRows(w, l, n, layout);
            }
        }

        /// <summary>
        /// Whether inference keeps an LSTM's h and c in two alternating slots per sample (step t in slot t mod 2)
        /// rather than one per step: not when every step's h is the layer's output, nor with a mask, whose padded
        /// steps copy the previous step's slot.
        /// </summary>
        private static bool UsesStateSlots(LstmLayerSpec l) => !l.ReturnSequences && !l.Masked;

        /// <summary>Samples per tile, largest first; the last is always 1 so any count is covered.</summary>
        private static int[] RecurrenceTiles(VectorFlavor f) =>
            f.IsScalar ? new[] { 1 } : f.Width == 16 ? new[] { 4, 1 } : new[] { 2, 1 };

        private static string RecurrenceTileName(LayerNames n, VectorFlavor f, int tile) =>
            $"{n.Method}Recurrence{(f.IsScalar ? "Scalar" : f.Name)}x{tile}";

        /// <summary>
        /// One tile of <paramref name="samples"/> samples for one flavor. Units are covered in blocks of vector segments;
        /// a block keeps, for each sample, the four gates of its segments in registers across the whole r loop, so
        /// each loaded row of U feeds every sample, and applies the activations and the state update straight from
        /// the registers.
        /// </summary>
        /// <remarks>With a <paramref name="layout"/>, the one-sample AVX-512 tile that reads U from its
        /// cache-partitioned copy instead of the parameters.</remarks>
        private static void EmitRecurrenceTile(SourceWriter w, LstmLayerSpec l, LayerNames n, VectorFlavor flavor, int samples,
            bool folds, RecurrentRowLayout? layout)
        {
            int u = l.Units, g4 = l.Gates, steps = l.Steps;
            int gateStride = steps * g4, stateStride = steps * u;
            string maskParameter = l.Masked ? "ref byte mask, " : "";
            string foldParameters = folds ? "ref float table, ref int tokens, " : "";
            w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            string name = layout is null ? RecurrenceTileName(n, flavor, samples) : PartitionedTileName(n);
            string weights = layout is null ? "parameters" : "rows";
            using (w.Block($"private static void {name}(ref float {weights}, ref float gates, " +
                $"ref float cell, ref float hidden, {maskParameter}{foldParameters}int from, int to, bool keepGates)"))
            using (w.Block("for (int t = from; t < to; t++)"))
            {
                w.WriteLine($"int g = t * {g4};");
                w.WriteLine($"int h = t * {u};");
                if (UsesStateSlots(l))
                {
                    // Inference keeps only the last two steps' h and c, in two alternating slots, instead of writing
                    // fresh cache lines every step into the L1 cache that U needs. Training keeps every step.
                    w.WriteLine($"int hs = keepGates ? h : (t & 1) * {u};");
                    w.WriteLine($"int hp = keepGates ? h - {u} : ((t + 1) & 1) * {u};");
                }
                else
                {
                    w.WriteLine("int hs = h;");
                    w.WriteLine($"int hp = h - {u};");
                }

                if (!flavor.IsScalar)
                {
                    // Where the step's gate sums go: their own slot when training keeps them, else one slot reused by
                    // every step (its input there was read at step 0), which stays in L1 instead of pushing a fresh
                    // kilobyte of gates per step into the cache that U needs.
                    w.WriteLine("int gs = keepGates ? g : 0;");
                }

                string TableRow(int s) =>
                    $"ref Unsafe.Add(ref table, Unsafe.Add(ref tokens, {(s == 0 ? "t" : $"{s * steps} + t")}) * {g4})";
                if (flavor.IsScalar)
                {
                    if (folds)
                    {
                        w.WriteLine($"MemoryMarshal.CreateReadOnlySpan({TableRow(0)}, {g4}).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref gates, g), {g4}));");
                    }

                    EmitScalarRecurrenceStep(w, l, n);
                }
                else
                {
                    for (int s = 0; s < samples; s++)
                    {
                        // Where each sample's step starts: its projected input x·W + b in the gate buffer or, after an
                        // Embedding, the row of its token (inference's folded table) or of its token's group
                        // (training), read in place (copying the rows into the gate buffer first cost Predict 256 an
                        // eighth of its time).
                        string gateStart = $"ref Unsafe.Add(ref gates, {(s == 0 ? "g" : $"{s * gateStride} + g")})";
                        w.WriteLine(folds ? $"ref float start{s} = {TableRow(s)};" : $"ref float start{s} = {gateStart};");
                    }

                    if (folds)
                    {
                        // The next step's rows are picked by index, which no hardware prefetcher can guess; asked for
                        // now, they arrive while this step sweeps U.
                        using (w.Block("if (t + 1 < to)"))
                        {
                            for (int s = 0; s < samples; s++)
                            {
                                string next = $"Unsafe.Add(ref tokens, {(s == 0 ? "t + 1" : $"{s * steps} + t + 1")})";
                                w.WriteLine($"global::NetCompiler.Prefetch.Floats(ref Unsafe.Add(ref table, {next} * {g4}), {g4});");
                            }
                        }
                    }

                    // Registers: AVX-512 has 32, so 16 accumulators; AVX2 and SSE/NEON code 16, so 8.
                    int budget = flavor.Width == 16 ? 16 : 8;
                    int segmentsPerBlock = System.Math.Max(1, budget / (4 * samples));
                    List<(int Offset, VectorFlavor Flavor)> segments = flavor.Segments(u);
                    for (int start = 0; start < segments.Count; start += segmentsPerBlock)
                    {
                        var block = segments.Skip(start).Take(segmentsPerBlock).ToList();
                        int last = block[block.Count - 1].Offset + block[block.Count - 1].Flavor.Width - 1;
                        using (w.Block($"// units {block[0].Offset} to {last}"))
                        {
                            EmitRecurrenceBlock(w, l, n, block, samples, gateStride, stateStride, layout);
                        }
                    }
                }

                EmitStateUpdates(w, l, samples, gateStride, stateStride, flavor.IsScalar ? "g" : "gs");

                if (l.Masked)
                {
                    w.WriteLine();
                    w.WriteLine("// A masked step (padding) carries the previous state over, or zeros at the first step.");
                    using (w.Block($"for (int s = 0; s < {samples}; s++)"))
                    using (w.Block($"if (Unsafe.Add(ref mask, s * {steps} + t) == 0)"))
                    {
                        w.WriteLine($"Span<float> hiddenNow = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref hidden, s * {stateStride} + h), {u});");
                        w.WriteLine($"Span<float> cellNow = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref cell, s * {stateStride} + h), {u});");
                        using (w.Block("if (t == 0)"))
                        {
                            w.WriteLine("hiddenNow.Clear();");
                            w.WriteLine("cellNow.Clear();");
                        }

                        using (w.Block("else"))
                        {
                            w.WriteLine($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref hidden, s * {stateStride} + h - {u}), {u}).CopyTo(hiddenNow);");
                            w.WriteLine($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref cell, s * {stateStride} + h - {u}), {u}).CopyTo(cellNow);");
                        }
                    }
                }
            }
        }

        private static void EmitRecurrenceBlock(SourceWriter w, LstmLayerSpec l, LayerNames n,
            List<(int Offset, VectorFlavor Flavor)> block, int samples, int gateStride, int stateStride,
            RecurrentRowLayout? layout)
        {
            int u = l.Units, g4 = l.Gates;
            const string gateLetters = "ifco";
            string Acc(int s, int gate, int k) => $"a{s}{gateLetters[gate]}{k}";
            string GateIndex(int s, int gate, int offset) =>
                Plus(s == 0 ? "gs" : $"{s * gateStride} + gs", (gate * u + offset).ToString(Invariant));

            for (int s = 0; s < samples; s++)
            {
                for (int gate = 0; gate < 4; gate++)
                {
                    for (int k = 0; k < block.Count; k++)
                    {
                        (int offset, VectorFlavor f) = block[k];
                        w.WriteLine($"var {Acc(s, gate, k)} = {f.Load($"start{s}", (gate * u + offset).ToString(Invariant))};");
                    }
                }
            }

            if (layout is not null)
            {
                EmitPartitionedSweep(w, l, layout, (gate, k) => Acc(0, gate, k));
            }
            else
            {
                EmitRowSweep(w, l, n, block, samples, stateStride, Acc);
            }

            // The activations run in GateMath.UpdateState once the step's gates are complete: kept here, their
            // constants would take the registers the accumulators need.
            for (int s = 0; s < samples; s++)
            {
                for (int gate = 0; gate < 4; gate++)
                {
                    for (int k = 0; k < block.Count; k++)
                    {
                        (int offset, VectorFlavor f) = block[k];
                        w.WriteLine(f.Store(Acc(s, gate, k), "gates", GateIndex(s, gate, offset)));
                    }
                }
            }
        }

        /// <summary>gates += h(t-1)·U for the samples of a block, one row of U per iteration, read from the parameters.</summary>
        private static void EmitRowSweep(SourceWriter w, LstmLayerSpec l, LayerNames n,
            List<(int Offset, VectorFlavor Flavor)> block, int samples, int stateStride, System.Func<int, int, int, string> accumulator)
        {
            int u = l.Units, g4 = l.Gates;
            const string gateLetters = "ifco";
            var flavors = block.Select(b => b.Flavor).Distinct().ToList();
            using (w.Block("if (t > 0)"))
            using (w.Block($"for (int sweep = 0; sweep < {u}; sweep++)"))
            {
                // U (4U² floats) is often larger than the L1 cache. Odd steps read its rows backwards, so each step
                // starts on the rows the step before read last, which are still cached.
                w.WriteLine($"int r = (t & 1) == 0 ? sweep : {u - 1} - sweep;");
                w.WriteLine($"ref float row = ref Unsafe.Add(ref parameters, {n.RecurrentOffset} + r * {g4});");
                for (int s = 0; s < samples; s++)
                {
                    string previous = s == 0 ? "hp + r" : $"{s * stateStride} + hp + r";
                    w.WriteLine($"float m{s} = Unsafe.Add(ref hidden, {previous});");
                    foreach (VectorFlavor f in flavors)
                    {
                        w.WriteLine($"var m{s}x{f.Suffix} = {f.Broadcast($"m{s}")};");
                    }
                }

                for (int gate = 0; gate < 4; gate++)
                {
                    for (int k = 0; k < block.Count; k++)
                    {
                        (int offset, VectorFlavor f) = block[k];
                        string row = $"row{gateLetters[gate]}{k}";
                        w.WriteLine($"var {row} = {f.Load("row", (gate * u + offset).ToString(Invariant))};");
                        for (int s = 0; s < samples; s++)
                        {
                            w.WriteLine($"{accumulator(s, gate, k)} = {f.MultiplyAdd($"m{s}x{f.Suffix}", row, accumulator(s, gate, k))};");
                        }
                    }
                }
            }
        }

        /// <summary>The reference step of one sample: each gate column's sum in order, no reassociation.</summary>
        private static void EmitScalarRecurrenceStep(SourceWriter w, LstmLayerSpec l, LayerNames n)
        {
            int u = l.Units, g4 = l.Gates;
            using (w.Block($"for (int j = 0; t > 0 && j < {g4}; j++)"))
            {
                w.WriteLine("float acc = Unsafe.Add(ref gates, g + j);");
                using (w.Block($"for (int r = 0; r < {u}; r++)"))
                {
                    w.WriteLine($"acc += Unsafe.Add(ref hidden, hp + r) * Unsafe.Add(ref parameters, {n.RecurrentOffset} + r * {g4} + j);");
                }

                w.WriteLine("Unsafe.Add(ref gates, g + j) = acc;");
            }
        }

        /// <summary>The activations and the new c and h of every sample of a tile, after its gates are summed.</summary>
        private static void EmitStateUpdates(SourceWriter w, LstmLayerSpec l, int samples, int gateStride, int stateStride,
            string slot)
        {
            int u = l.Units;
            w.WriteLine("int previous = t > 0 ? hp : hs;");
            for (int s = 0; s < samples; s++)
            {
                string gate = s == 0 ? slot : $"{s * gateStride} + {slot}";
                string state = s == 0 ? "hs" : $"{s * stateStride} + hs";
                string previous = s == 0 ? "previous" : $"{s * stateStride} + previous";
                w.WriteLine($"global::NetCompiler.GateMath.UpdateState(ref Unsafe.Add(ref gates, {gate}), ref Unsafe.Add(ref cell, {previous}), " +
                    $"ref Unsafe.Add(ref cell, {state}), ref Unsafe.Add(ref hidden, {state}), {u}, first: t == 0, keepGates);");
            }
        }

        /// <summary>
        /// Backpropagation through time for a batch, from the stored gates and states, step by step from the last:
        /// each sample's dh and dc become its gate gradients dz (GateMath.BackwardStep), then dh(t-1) = dz·Uᵀ for all
        /// samples together, in tiles that share each loaded row of Uᵀ. The recurrent kernel gradient and the
        /// projection's gradients follow from dz in separate passes.
        /// </summary>
        private static void EmitLstmBackward(SourceWriter w, LstmLayerSpec l, LayerNames n)
        {
            int u = l.Units, g4 = l.Gates, steps = l.Steps;
            string maskParameter = l.Masked ? "ref byte mask, ref float dHiddenNext, " : "";
            w.WriteLine($"/// <summary>{l.Name}: gate gradients of <paramref name=\"count\"/> samples, through time.</summary>");
            w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {n.Method}BackwardThroughTime(ref float transposedRecurrent, ref float gates, ref float cell, ref float hidden, " +
                $"ref float outputGradient, ref float gateGradient, ref float dHidden, ref float dCell, {maskParameter}int count)"))
            {
                w.WriteLine($"MemoryMarshal.CreateSpan(ref dHidden, count * {u}).Clear();");
                w.WriteLine($"MemoryMarshal.CreateSpan(ref dCell, count * {u}).Clear();");
                using (w.Block($"for (int t = {steps - 1}; t >= 0; t--)"))
                {
                    using (w.Block("for (int s = 0; s < count; s++)"))
                    {
                        w.WriteLine($"int g = (s * {steps} + t) * {g4};");
                        w.WriteLine($"int h = (s * {steps} + t) * {u};");
                        w.WriteLine($"Span<float> dh = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dHidden, s * {u}), {u});");
                        if (l.ReturnSequences)
                        {
                            w.WriteLine("// Every step's output receives a gradient.");
                            w.WriteLine($"global::NetCompiler.VectorMath.Add(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref outputGradient, h), {u}), dh);");
                        }
                        else
                        {
                            w.WriteLine("// Only the last step is an output.");
                            using (w.Block($"if (t == {steps - 1})"))
                            {
                                w.WriteLine($"global::NetCompiler.VectorMath.Add(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref outputGradient, s * {u}), {u}), dh);");
                            }
                        }

                        if (l.Masked)
                        {
                            w.WriteLine("// A masked step copied its state forward, so dh and dc pass through it untouched.");
                            using (w.Block($"if (Unsafe.Add(ref mask, s * {steps} + t) == 0)"))
                            {
                                w.WriteLine($"MemoryMarshal.CreateSpan(ref Unsafe.Add(ref gateGradient, g), {g4}).Clear();");
                                w.WriteLine("continue;");
                            }
                        }

                        w.WriteLine($"global::NetCompiler.GateMath.BackwardStep(ref Unsafe.Add(ref gates, g), ref Unsafe.Add(ref hidden, h), " +
                            $"ref Unsafe.Add(ref cell, t > 0 ? h - {u} : h), ref dh[0], ref Unsafe.Add(ref dCell, s * {u}), " +
                            $"ref Unsafe.Add(ref gateGradient, g), {u}, first: t == 0);");
                    }

                    w.WriteLine();
                    w.WriteLine("// dh(t-1) = dz·Uᵀ, read from the transposed recurrent kernel [4U, U].");
                    using (w.Block("if (t > 0)"))
                    {
                        if (l.Masked)
                        {
                            w.WriteLine($"{n.Method}BackwardHidden(ref transposedRecurrent, ref gateGradient, ref dHiddenNext, t, count);");
                            using (w.Block("for (int s = 0; s < count; s++)"))
                            using (w.Block($"if (Unsafe.Add(ref mask, s * {steps} + t) != 0)"))
                            {
                                w.WriteLine($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref dHiddenNext, s * {u}), {u})" +
                                    $".CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dHidden, s * {u}), {u}));");
                            }
                        }
                        else
                        {
                            w.WriteLine($"{n.Method}BackwardHidden(ref transposedRecurrent, ref gateGradient, ref dHidden, t, count);");
                        }
                    }
                }
            }

            w.WriteLine();
            w.WriteLine($"/// <summary>{l.Name}: dh(t-1) = dz(t)·Uᵀ of <paramref name=\"count\"/> samples, into <paramref name=\"target\"/>.</summary>");
            w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {n.Method}BackwardHidden(ref float transposedRecurrent, ref float gateGradient, ref float target, int t, int count)"))
            {
                EmitFlavorChain(w, f =>
                {
                    (int segments, int tile) = TileShape(f, u, MaxTile);
                    w.WriteLine("int s = 0;");
                    foreach (int lanes in tile > 1 ? new[] { tile, 1 } : new[] { 1 })
                    {
                        using (w.Block($"for (; s + {lanes} <= count; s += {lanes})"))
                        {
                            EmitReduction(w, f, new Reduction
                            {
                                Channels = u,
                                Tile = lanes,
                                SegmentsPerBlock = segments,
                                Loops = new[] { $"for (int j = 0; j < {g4}; j++)" },
                                Multiplier = lane => $"Unsafe.Add(ref gateGradient, ({Plus("s", lane.ToString(Invariant))}) * {steps * g4} + t * {g4} + j)",
                                RowReference = "transposedRecurrent",
                                RowIndex = $"j * {u}",
                                StoreReference = "target",
                                StoreIndex = lane => $"({Plus("s", lane.ToString(Invariant))}) * {u}",
                            });
                        }
                    }
                });
            }

            // dU[r, :] = Σ over samples and steps t ≥ 1 of h(t-1)[r] · dz(t): rows tiled like a dense kernel gradient.
            w.WriteLine();
            w.WriteLine($"/// <summary>{l.Name}: recurrent kernel gradient of <paramref name=\"count\"/> samples.</summary>");
            w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {n.Method}BackwardRecurrent(ref float hidden, ref float gateGradient, ref float gradients, int count)"))
            {
                // The gate gradients of a whole batch outgrow L2, and each tile of rows reads them all: take them a few
                // samples at a time (about 256 KB), so every tile after the first finds them in cache.
                int chunk = System.Math.Max(1, (1 << 16) / (steps * g4));
                w.WriteLine($"for (int first = 0; first < count; first += {chunk})");
                w.WriteLine("{");
                w.Indent();
                w.WriteLine($"int last = Math.Min(count, first + {chunk});");
                EmitFlavorChain(w, f =>
                {
                    (int segments, int tile) = TileShape(f, g4, u);
                    EmitTiledLoop(w, "r", u, tile, lanes =>
                    {
                        w.WriteLine($"int row = {n.RecurrentOffset} + r * {g4};");
                        EmitReduction(w, f, new Reduction
                        {
                            Channels = g4,
                            Tile = lanes,
                            SegmentsPerBlock = segments,
                            InitReference = "gradients",
                            InitIndex = t => Plus("row", (t * g4).ToString(Invariant)),
                            Loops = new[] { "for (int s = first; s < last; s++)", $"for (int t = 1; t < {steps}; t++)" },
                            Multiplier = lane => $"Unsafe.Add(ref hidden, (s * {steps} + t - 1) * {u} + {Plus("r", lane.ToString(Invariant))})",
                            RowReference = "gateGradient",
                            RowIndex = $"(s * {steps} + t) * {g4}",
                            StoreReference = "gradients",
                            StoreIndex = t => Plus("row", (t * g4).ToString(Invariant)),
                        });
                    });
                });
                w.Unindent();
                w.WriteLine("}");
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
