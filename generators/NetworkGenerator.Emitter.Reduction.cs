using System.Collections.Generic;
using System.Linq;
using NetCompiler.Generators.Helpers;
using NetCompiler.Generators.Model;

namespace NetCompiler.Generators;

public sealed partial class NetworkGenerator
{
    private static partial class Emitter
    {
        /// <summary>Most vector accumulators one block keeps live: 8 leaves registers for operands even with SSE.</summary>
        private const int AccumulatorsPerBlock = 8;

        /// <summary>
        /// The one loop shape every convolution and dense kernel is made of:
        /// <c>store[c] = act(init[c] + Σ over the loops of multiplier · row[c])</c> for c in [0, Channels), where the
        /// channel axis is contiguous in init, row and store. Vector flavors keep channel blocks in registers across
        /// the whole reduction; the scalar flavor is the plain reference.
        /// </summary>
        private sealed class Reduction
        {
            public int Channels { get; set; }

            /// <summary>Where accumulators start; null starts them at zero.</summary>
            public string? InitReference { get; set; }

            public string InitIndex { get; set; } = "0";

            /// <summary>Loop headers, outermost first.</summary>
            public string[] Loops { get; set; } = new string[0];

            /// <summary>The scalar each row is multiplied by; null sums the rows.</summary>
            public string? Multiplier { get; set; }

            public string RowReference { get; set; } = "";

            public string RowIndex { get; set; } = "0";

            public string StoreReference { get; set; } = "";

            public string StoreIndex { get; set; } = "0";

            /// <summary>Only ReLU is fused into the store; other activations run as a separate pass.</summary>
            public bool FusedRelu { get; set; }
        }

        private static void EmitReduction(SourceWriter w, VectorFlavor flavor, Reduction r)
        {
            if (flavor.IsScalar)
            {
                EmitScalarReduction(w, r);
                return;
            }

            int blockWidth = AccumulatorsPerBlock * flavor.Width;
            int fullBlocks = r.Channels / blockWidth;
            if (fullBlocks > 0)
            {
                var segments = Enumerable.Range(0, AccumulatorsPerBlock)
                    .Select(k => (Offset: k == 0 ? "cb" : $"cb + {k * flavor.Width}", Flavor: flavor)).ToList();
                using (w.Block($"for (int cb = 0; cb < {fullBlocks * blockWidth}; cb += {blockWidth})"))
                {
                    EmitBlock(w, r, segments);
                }
            }

            int done = fullBlocks * blockWidth;
            List<(int Offset, VectorFlavor Flavor)> rest = flavor.Segments(r.Channels - done);
            for (int start = 0; start < rest.Count; start += AccumulatorsPerBlock)
            {
                var segments = rest.Skip(start).Take(AccumulatorsPerBlock)
                    .Select(s => (Offset: (done + s.Offset).ToString(Invariant), s.Flavor)).ToList();
                using (w.Block($"// channels {done + rest[start].Offset} to {done + rest[System.Math.Min(rest.Count, start + AccumulatorsPerBlock) - 1].Offset + segments[segments.Count - 1].Flavor.Width - 1}"))
                {
                    EmitBlock(w, r, segments);
                }
            }
        }

        private static void EmitBlock(SourceWriter w, Reduction r, List<(string Offset, VectorFlavor Flavor)> segments)
        {
            // Start every accumulator from init (bias, or the gradient accumulated so far) or zero.
            for (int k = 0; k < segments.Count; k++)
            {
                (string offset, VectorFlavor f) = segments[k];
                string init = r.InitReference is null
                    ? (f.IsScalar ? "0f" : $"{f.Name}.Create(0f)")
                    : f.Load(r.InitReference, Plus(r.InitIndex, offset));
                w.WriteLine($"{(f.IsScalar ? "float" : "var")} acc{k} = {init};");
            }

            var flavors = segments.Select(s => s.Flavor).Distinct().ToList();
            foreach (string loop in r.Loops)
            {
                w.WriteLine(loop);
                w.WriteLine("{");
                w.Indent();
            }

            if (r.Multiplier is not null)
            {
                w.WriteLine($"float m = {r.Multiplier};");
                foreach (VectorFlavor f in flavors.Where(f => !f.IsScalar))
                {
                    w.WriteLine($"var m{f.Suffix} = {f.Broadcast("m")};");
                }
            }

            for (int k = 0; k < segments.Count; k++)
            {
                (string offset, VectorFlavor f) = segments[k];
                string row = f.Load(r.RowReference, Plus(r.RowIndex, offset));
                string update = r.Multiplier is null
                    ? f.Add($"acc{k}", row)
                    : f.MultiplyAdd(f.IsScalar ? "m" : $"m{f.Suffix}", row, $"acc{k}");
                w.WriteLine($"acc{k} = {update};");
            }

            foreach (string _ in r.Loops)
            {
                w.Unindent();
                w.WriteLine("}");
            }

            for (int k = 0; k < segments.Count; k++)
            {
                (string offset, VectorFlavor f) = segments[k];
                string value = r.FusedRelu ? f.Relu($"acc{k}") : $"acc{k}";
                w.WriteLine(f.Store(value, r.StoreReference, Plus(r.StoreIndex, offset)));
            }
        }

        /// <summary>The reference: one accumulator per channel, no reassociation, the loops exactly as written.</summary>
        private static void EmitScalarReduction(SourceWriter w, Reduction r)
        {
            VectorFlavor f = VectorFlavor.Scalar;
            using (w.Block($"for (int c = 0; c < {r.Channels}; c++)"))
            {
                w.WriteLine($"float acc = {(r.InitReference is null ? "0f" : f.Load(r.InitReference, Plus(r.InitIndex, "c")))};");
                foreach (string loop in r.Loops)
                {
                    w.WriteLine(loop);
                    w.WriteLine("{");
                    w.Indent();
                }

                string row = f.Load(r.RowReference, Plus(r.RowIndex, "c"));
                w.WriteLine(r.Multiplier is null ? $"acc += {row};" : $"acc += {r.Multiplier} * {row};");
                foreach (string _ in r.Loops)
                {
                    w.Unindent();
                    w.WriteLine("}");
                }

                w.WriteLine(f.Store(r.FusedRelu ? f.Relu("acc") : "acc", r.StoreReference, Plus(r.StoreIndex, "c")));
            }
        }

        /// <summary>Writes the IsHardwareAccelerated chain and one copy of <paramref name="body"/> per flavor.</summary>
        private static void EmitFlavorChain(SourceWriter w, System.Action<VectorFlavor> body)
        {
            for (int i = 0; i < VectorFlavor.Chain.Length; i++)
            {
                VectorFlavor f = VectorFlavor.Chain[i];
                string header = f.IsScalar ? "else" : (i == 0 ? "" : "else ") + $"if ({f.Name}.IsHardwareAccelerated)";
                using (w.Block(header))
                {
                    body(f);
                }
            }
        }

        /// <summary>Joins index expressions, dropping zeros, so emitted indices read naturally.</summary>
        private static string Plus(string a, string b)
        {
            if (a == "0")
            {
                return b;
            }

            return b == "0" ? a : $"{a} + {b}";
        }
    }
}
