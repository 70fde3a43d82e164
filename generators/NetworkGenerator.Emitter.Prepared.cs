using System.Linq;
using NetCompiler.Generators.Helpers;
using NetCompiler.Generators.Model;

namespace NetCompiler.Generators;

public sealed partial class NetworkGenerator
{
    private static partial class Emitter
    {
        // Weights prepared for inference: layouts derived from the parameters that let Forward and Predict do less
        // arithmetic than the direct computation (an Embedding folded into the LSTM projection after it, and the
        // kernels of Winograd convolutions in the transformed domain), or wait less on memory (an LSTM's recurrent
        // kernel laid out by cache set).
        //
        // The parameters can change under them in four ways: the Parameters getter hands out a writable span, an
        // optimizer step, Load, and an inference copy's source doing any of these. So every network keeps a version
        // number, shared with its inference copies, that each of those bumps; a prepared part records the version it
        // was built from and is rebuilt when they differ. Parts are built lazily (a folded row on first use, a
        // Winograd kernel at the start of the next Forward or Predict), so a change costs nothing until inference
        // needs the part again.
        //
        // Known gap: a span taken from Parameters before a Forward and written after it is not seen (the getter bumped
        // the version before the Forward rebuilt the parts). README's "How it works" states the rule; a fix would need
        // Parameters to hand out something that notices writes, which the issue's Span<float> contract rules out.

        private static void EmitPreparedWeightFields(SourceWriter w, EmitModel m)
        {
            if (!m.HasPreparedWeights)
            {
                return;
            }

            w.WriteLine("// Bumped whenever the parameters may have changed; shared with inference copies. Starts at 1, so a prepared");
            w.WriteLine("// part stamped 0 has never been built.");
            w.WriteLine("private readonly long[] _parameterVersion;");
            for (int i = 0; i < m.Layers.Length; i++)
            {
                if (m.FoldsEmbedding(i))
                {
                    LayerNames n = m.Names[i];
                    w.WriteLine($"// {m.Layers[i].Name}: embedding(id)·W + b per token id, and the parameter version each row was built at.");
                    w.WriteLine($"private readonly global::NetCompiler.AlignedBuffer {n.Field("FoldedGates")};");
                    w.WriteLine($"private readonly long[] {n.Field("FoldedVersion")};");
                }

                if (m.PartitionsRecurrentRows(i))
                {
                    LayerNames n = m.Names[i];
                    w.WriteLine($"// {m.Layers[i].Name}: U laid out by L1 cache set for the one-sample AVX-512 recurrence (empty without");
                    w.WriteLine("// AVX-512), and the parameter version it was built at.");
                    w.WriteLine($"private readonly global::NetCompiler.AlignedBuffer {n.Field("RecurrentRows")};");
                    w.WriteLine($"private readonly long[] {n.Field("RecurrentRowsVersion")};");
                }

                if (m.UsesWinograd(i))
                {
                    LayerNames n = m.Names[i];
                    WinogradShape s = m.Winograd(i);
                    w.WriteLine($"// {m.Layers[i].Name}: the kernel transformed for Winograd, and the parameter version it was built at.");
                    w.WriteLine($"private readonly global::NetCompiler.AlignedBuffer {n.Field("WinogradKernel")};");
                    w.WriteLine($"private readonly long[] {n.Field("WinogradVersion")};");
                    w.WriteLine($"// Per worker: the transformed input tiles and their 16 products (each instance has its own).");
                    w.WriteLine($"private readonly global::NetCompiler.AlignedBuffer {n.Field("WinogradInput")} = " +
                        $"new global::NetCompiler.AlignedBuffer(global::NetCompiler.BatchParallel.MaxWorkers(BatchSize) * {s.TransformedLength});");
                    w.WriteLine($"private readonly global::NetCompiler.AlignedBuffer {n.Field("WinogradProducts")} = " +
                        $"new global::NetCompiler.AlignedBuffer(global::NetCompiler.BatchParallel.MaxWorkers(BatchSize) * {s.ProductsLength});");
                }
            }
        }

        private static void EmitPreparedWeightAllocation(SourceWriter w, EmitModel m)
        {
            if (!m.HasPreparedWeights)
            {
                return;
            }

            w.WriteLine("_parameterVersion = new long[] { 1 };");
            for (int i = 0; i < m.Layers.Length; i++)
            {
                if (m.FoldsEmbedding(i))
                {
                    var e = (EmbeddingLayerSpec)m.Layers[i - 1];
                    var l = (LstmLayerSpec)m.Layers[i];
                    LayerNames n = m.Names[i];
                    w.WriteLine($"{n.Field("FoldedGates")} = new global::NetCompiler.AlignedBuffer({(long)e.InputDim * l.Gates});");
                    w.WriteLine($"{n.Field("FoldedVersion")} = new long[{e.InputDim}];");
                }

                if (m.PartitionsRecurrentRows(i))
                {
                    LayerNames n = m.Names[i];
                    RecurrentRowLayout layout = RecurrentRowLayout.For((LstmLayerSpec)m.Layers[i])!;
                    w.WriteLine($"{n.Field("RecurrentRows")} = new global::NetCompiler.AlignedBuffer(V512.IsHardwareAccelerated ? {layout.Length} : 0, " +
                        $"{RecurrentRowLayout.AlignmentBytes});");
                    w.WriteLine($"{n.Field("RecurrentRowsVersion")} = new long[1];");
                }

                if (m.UsesWinograd(i))
                {
                    LayerNames n = m.Names[i];
                    w.WriteLine($"{n.Field("WinogradKernel")} = new global::NetCompiler.AlignedBuffer({m.Winograd(i).KernelLength});");
                    w.WriteLine($"{n.Field("WinogradVersion")} = new long[1];");
                }
            }
        }

        private static void EmitPreparedWeightSharing(SourceWriter w, EmitModel m)
        {
            if (!m.HasPreparedWeights)
            {
                return;
            }

            w.WriteLine("_parameterVersion = source._parameterVersion;");
            for (int i = 0; i < m.Layers.Length; i++)
            {
                if (m.FoldsEmbedding(i))
                {
                    LayerNames n = m.Names[i];
                    w.WriteLine($"{n.Field("FoldedGates")} = source.{n.Field("FoldedGates")};");
                    w.WriteLine($"{n.Field("FoldedVersion")} = source.{n.Field("FoldedVersion")};");
                }

                if (m.PartitionsRecurrentRows(i))
                {
                    LayerNames n = m.Names[i];
                    w.WriteLine($"{n.Field("RecurrentRows")} = source.{n.Field("RecurrentRows")};");
                    w.WriteLine($"{n.Field("RecurrentRowsVersion")} = source.{n.Field("RecurrentRowsVersion")};");
                }

                if (m.UsesWinograd(i))
                {
                    LayerNames n = m.Names[i];
                    w.WriteLine($"{n.Field("WinogradKernel")} = source.{n.Field("WinogradKernel")};");
                    w.WriteLine($"{n.Field("WinogradVersion")} = source.{n.Field("WinogradVersion")};");
                }
            }
        }

        private static void EmitPreparedWeightMembers(SourceWriter w, EmitModel m)
        {
            if (!m.HasPreparedWeights)
            {
                return;
            }

            w.WriteLine("/// <summary>Marks every layout prepared from the parameters as stale, here and in inference copies.</summary>");
            w.WriteLine("private void ParametersChanged() => global::System.Threading.Interlocked.Increment(ref _parameterVersion[0]);");
            w.WriteLine();
            if (!m.PreparesInference)
            {
                return;
            }

            // Built here, before Predict's workers start, so they only read. Inference copies on other threads may
            // rebuild the same layout at once: they write identical values (the Winograd transform has no
            // flavor-dependent rounding; the row copy none at all), and each publishes the version it read before
            // building, after the layout, so a reader that sees a current version also sees the layout built from it.
            var parts = new System.Collections.Generic.List<string>();
            if (m.HasWinograd)
            {
                parts.Add("the Winograd kernels");
            }

            if (Enumerable.Range(0, m.Layers.Length).Any(m.PartitionsRecurrentRows))
            {
                parts.Add("the cache-partitioned recurrent kernels");
            }

            w.WriteLine($"/// <summary>Rebuilds {string.Join(" and ", parts)} if the parameters changed since they were built.</summary>");
            using (w.Block("private void PrepareInference()"))
            {
                w.WriteLine("long version = global::System.Threading.Volatile.Read(ref _parameterVersion[0]);");
                for (int i = 0; i < m.Layers.Length; i++)
                {
                    if (m.PartitionsRecurrentRows(i))
                    {
                        LayerNames rowsNames = m.Names[i];
                        string rowsStamp = rowsNames.Field("RecurrentRowsVersion");
                        using (w.Block($"if (V512.IsHardwareAccelerated && global::System.Threading.Volatile.Read(ref {rowsStamp}[0]) != version)"))
                        {
                            w.WriteLine($"{rowsNames.Method}PartitionRecurrentRows(ref _parameters.Reference, " +
                                $"ref {rowsNames.Field("RecurrentRows")}.Reference);");
                            w.WriteLine($"global::System.Threading.Volatile.Write(ref {rowsStamp}[0], version);");
                        }
                    }

                    if (!m.UsesWinograd(i))
                    {
                        continue;
                    }

                    LayerNames n = m.Names[i];
                    string stamp = n.Field("WinogradVersion");
                    using (w.Block($"if (global::System.Threading.Volatile.Read(ref {stamp}[0]) != version)"))
                    {
                        w.WriteLine($"{n.Method}TransformKernel(ref _parameters.Reference, " +
                            $"ref {n.Field("WinogradKernel")}.Reference);");
                        w.WriteLine($"global::System.Threading.Volatile.Write(ref {stamp}[0], version);");
                    }
                }
            }

            w.WriteLine();
        }

        /// <summary>
        /// Inference's input projection for an LSTM fed by an Embedding: the gates of step t start from row id(t) of the
        /// folded table, which the recurrence reads in place. This makes sure the sequence's rows are current: a row is computed (embedding row · W + b, the same reduction as the direct projection) the first
        /// time it is read after the parameters changed. Workers of one Predict, and inference copies, may build the
        /// same row at once: they write identical values, and the version is published after the row, so a reader that
        /// sees the current version also sees the row.
        /// </summary>
        private static void EmitFoldedRows(SourceWriter w, EmbeddingLayerSpec e, LayerNames embedding, LstmLayerSpec l,
            LayerNames n)
        {
            int g4 = l.Gates, dims = e.OutputDim;
            string table = n.Field("FoldedGates"), versions = n.Field("FoldedVersion");
            w.WriteLine($"/// <summary>{l.Name}: brings the folded rows (x·W + b) of one sequence's tokens up to date.</summary>");
            w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private void {n.Method}PrepareFoldedRows(ref int input)"))
            {
                w.WriteLine("long version = global::System.Threading.Volatile.Read(ref _parameterVersion[0]);");
                w.WriteLine("ref float parameters = ref _parameters.Reference;");
                w.WriteLine($"ref float table = ref {table}.Reference;");
                using (w.Block($"for (int t = 0; t < {l.Steps}; t++)"))
                {
                    w.WriteLine("int id = Unsafe.Add(ref input, t);");
                    w.WriteLine($"ref float row = ref Unsafe.Add(ref table, id * {g4});");
                    using (w.Block($"if (global::System.Threading.Volatile.Read(ref {versions}[id]) != version)"))
                    {
                        EmitFlavorChain(w, f => EmitReduction(w, f, new Reduction
                        {
                            Channels = g4,
                            InitReference = "parameters",
                            InitIndex = _ => n.BiasOffset,
                            Loops = new[] { $"for (int d = 0; d < {dims}; d++)" },
                            Multiplier = _ => $"Unsafe.Add(ref parameters, {embedding.KernelOffset} + id * {dims} + d)",
                            RowReference = "parameters",
                            RowIndex = $"{n.KernelOffset} + d * {g4}",
                            StoreReference = "row",
                        }));
                        w.WriteLine($"global::System.Threading.Volatile.Write(ref {versions}[id], version);");
                    }

                }
            }
        }
    }
}
