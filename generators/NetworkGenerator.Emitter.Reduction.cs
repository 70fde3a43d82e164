using System.Collections.Generic;
using System.Linq;
using NetCompiler.Generators.Helpers;
using NetCompiler.Generators.Model;

namespace NetCompiler.Generators;

public sealed partial class NetworkGenerator
{
    private static partial class Emitter
    {
        /// <summary>Most vector segments one block covers; blocks beyond it loop, so code size stays bounded.</summary>
        private const int SegmentsPerBlock = 8;

        /// <summary>The most lanes (pixels or kernel rows) one tile may share a loaded row between.</summary>
        private const int MaxTile = 6;

        /// <summary>
        /// The one loop shape every convolution and dense kernel is made of:
        /// <c>store[t][c] = act(init[t][c] + Σ over the loops of multiplier[t] · row[c])</c> for c in [0, Channels) and
        /// each lane t of a tile, where the channel axis is contiguous in init, row and store. Vector flavors keep a
        /// tile of lanes × channel segments in registers across the whole reduction, so each row loaded feeds every
        /// lane and enough independent multiply-add chains run to hide their latency. The scalar flavor is the plain
        /// reference, one lane and one channel at a time.
        /// </summary>
        private sealed class Reduction
        {
            public int Channels { get; set; }

            /// <summary>Lanes in the tile; each has its own multiplier, init and store, and all share the row.</summary>
            public int Tile { get; set; } = 1;

            /// <summary>Where accumulators start; null starts them at zero.</summary>
            public string? InitReference { get; set; }

            public System.Func<int, string> InitIndex { get; set; } = _ => "0";

            /// <summary>Loop headers, outermost first.</summary>
            public string[] Loops { get; set; } = new string[0];

            /// <summary>The scalar each row is multiplied by, per lane; null sums the rows.</summary>
            public System.Func<int, string>? Multiplier { get; set; }

            public string RowReference { get; set; } = "";

            public string RowIndex { get; set; } = "0";

            public string StoreReference { get; set; } = "";

            public System.Func<int, string> StoreIndex { get; set; } = _ => "0";

            /// <summary>Only ReLU is fused into the store; other activations run as a separate pass.</summary>
            public bool FusedRelu { get; set; }

            /// <summary>Vector segments per block: with <see cref="Tile"/> lanes, the accumulators kept in registers.</summary>
            public int SegmentsPerBlock { get; set; } = Emitter.SegmentsPerBlock;
        }

        /// <summary>
        /// How many lanes a tile of <paramref name="flavor"/> should hold for <paramref name="channels"/> channels: as
        /// many as the register budget allows (accumulators plus the row and broadcast registers), at most
        /// <paramref name="limit"/>.
        /// </summary>
        private static int TileFor(VectorFlavor flavor, int channels, int limit) =>
            TileShape(flavor, channels, limit, narrow: false).Lanes;

        /// <summary>
        /// Segments per block and lanes per tile for <paramref name="channels"/> channels and at most
        /// <paramref name="limit"/> lanes. Wide layers (eight segments or more) trade segments for lanes when there are
        /// lanes to gain (with <paramref name="narrow"/>): every row loaded then feeds more lanes, which matters once the
        /// rows stream from L2. The caller must give the reduction the segments returned.
        /// </summary>
        private static (int Segments, int Lanes) TileShape(VectorFlavor flavor, int channels, int limit, bool narrow = true)
        {
            if (flavor.IsScalar)
            {
                return (SegmentsPerBlock, 1);
            }

            // AVX-512 has 32 vector registers, AVX2 and SSE/NEON code 16: keep accumulators to half of them.
            int budget = flavor.Width == 16 ? 16 : 8;
            int maxLanes = System.Math.Max(1, System.Math.Min(MaxTile, limit));
            int segments = System.Math.Min(SegmentsPerBlock, System.Math.Max(1, flavor.Segments(channels).Count));
            int lanes = System.Math.Max(1, System.Math.Min(maxLanes, budget / segments));
            const int narrowSegments = 4;
            if (narrow && segments > narrowSegments && System.Math.Min(maxLanes, budget / narrowSegments) > lanes)
            {
                return (narrowSegments, System.Math.Min(maxLanes, budget / narrowSegments));
            }

            return (segments, lanes);
        }

        private static void EmitReduction(SourceWriter w, VectorFlavor flavor, Reduction r)
        {
            if (flavor.IsScalar)
            {
                EmitScalarReduction(w, r);
                return;
            }

            int blockWidth = r.SegmentsPerBlock * flavor.Width;
            int fullBlocks = r.Channels / blockWidth;
            if (fullBlocks > 0)
            {
                var segments = Enumerable.Range(0, r.SegmentsPerBlock)
                    .Select(k => (Offset: k == 0 ? "cb" : $"cb + {k * flavor.Width}", Flavor: flavor)).ToList();
                using (w.Block($"for (int cb = 0; cb < {fullBlocks * blockWidth}; cb += {blockWidth})"))
                {
                    EmitBlock(w, r, segments);
                }
            }

            int done = fullBlocks * blockWidth;
            List<(int Offset, VectorFlavor Flavor)> rest = flavor.Segments(r.Channels - done);
            for (int start = 0; start < rest.Count; start += r.SegmentsPerBlock)
            {
                var segments = rest.Skip(start).Take(r.SegmentsPerBlock)
                    .Select(s => (Offset: (done + s.Offset).ToString(Invariant), s.Flavor)).ToList();
                (int lastOffset, VectorFlavor lastFlavor) = rest[start + segments.Count - 1];
                using (w.Block($"// channels {done + rest[start].Offset} to {done + lastOffset + lastFlavor.Width - 1}"))
                {
                    EmitBlock(w, r, segments);
                }
            }
        }

        private static void EmitBlock(SourceWriter w, Reduction r, List<(string Offset, VectorFlavor Flavor)> segments)
        {
            // Start every accumulator from init (bias, or the gradient accumulated so far) or zero.
            for (int t = 0; t < r.Tile; t++)
            {
                for (int k = 0; k < segments.Count; k++)
                {
                    (string offset, VectorFlavor f) = segments[k];
                    string init = r.InitReference is null
                        ? (f.IsScalar ? "0f" : $"{f.Name}.Create(0f)")
                        : f.Load(r.InitReference, Plus(r.InitIndex(t), offset));
                    w.WriteLine($"{(f.IsScalar ? "float" : "var")} {Acc(r, t, k)} = {init};");
                }
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
                for (int t = 0; t < r.Tile; t++)
                {
                    string m = r.Tile == 1 ? "m" : $"m{t}";
                    w.WriteLine($"float {m} = {r.Multiplier(t)};");
                    foreach (VectorFlavor f in flavors.Where(f => !f.IsScalar))
                    {
                        w.WriteLine($"var {m}x{f.Suffix} = {f.Broadcast(m)};");
                    }
                }
            }

            for (int k = 0; k < segments.Count; k++)
            {
                (string offset, VectorFlavor f) = segments[k];
                string row = f.Load(r.RowReference, Plus(r.RowIndex, offset));
                if (r.Tile > 1)
                {
                    w.WriteLine($"{(f.IsScalar ? "float" : "var")} row{k} = {row};");
                    row = $"row{k}";
                }

                for (int t = 0; t < r.Tile; t++)
                {
                    string m = r.Tile == 1 ? "m" : $"m{t}";
                    string acc = Acc(r, t, k);
                    string update = r.Multiplier is null
                        ? f.Add(acc, row)
                        : f.MultiplyAdd(f.IsScalar ? m : $"{m}x{f.Suffix}", row, acc);
                    w.WriteLine($"{acc} = {update};");
                }
            }

            foreach (string _ in r.Loops)
            {
                w.Unindent();
                w.WriteLine("}");
            }

            for (int t = 0; t < r.Tile; t++)
            {
                for (int k = 0; k < segments.Count; k++)
                {
                    (string offset, VectorFlavor f) = segments[k];
                    string acc = Acc(r, t, k);
                    w.WriteLine(f.Store(r.FusedRelu ? f.Relu(acc) : acc, r.StoreReference, Plus(r.StoreIndex(t), offset)));
                }
            }
        }

        private static string Acc(Reduction r, int lane, int segment) => r.Tile == 1 ? $"acc{segment}" : $"acc{lane}_{segment}";

        /// <summary>The reference: one accumulator per channel, no reassociation, the loops exactly as written.</summary>
        private static void EmitScalarReduction(SourceWriter w, Reduction r)
        {
            VectorFlavor f = VectorFlavor.Scalar;
            using (w.Block($"for (int c = 0; c < {r.Channels}; c++)"))
            {
                w.WriteLine($"float acc = {(r.InitReference is null ? "0f" : f.Load(r.InitReference, Plus(r.InitIndex(0), "c")))};");
                foreach (string loop in r.Loops)
                {
                    w.WriteLine(loop);
                    w.WriteLine("{");
                    w.Indent();
                }

                string row = f.Load(r.RowReference, Plus(r.RowIndex, "c"));
                w.WriteLine(r.Multiplier is null ? $"acc += {row};" : $"acc += {r.Multiplier(0)} * {row};");
                foreach (string _ in r.Loops)
                {
                    w.Unindent();
                    w.WriteLine("}");
                }

                w.WriteLine(f.Store(r.FusedRelu ? f.Relu("acc") : "acc", r.StoreReference, Plus(r.StoreIndex(0), "c")));
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

        /// <summary>Adds a constant to an index expression, dropping a zero.</summary>
        private static string Plus(string a, int b) => Plus(a, b.ToString(Invariant));

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
