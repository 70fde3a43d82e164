using NetCompiler.Generators.Helpers;
using NetCompiler.Generators.Model;

namespace NetCompiler.Generators;

public sealed partial class NetworkGenerator
{
    private static partial class Emitter
    {
        /// <summary>
        /// Where each row of an LSTM's recurrent kernel U sits in the copy that the one-sample AVX-512 recurrence
        /// reads at inference, for kernels a little larger than the L1 data cache (48 or 64 units: 36 or 64 KB).
        /// </summary>
        /// <remarks>
        /// Every step reads all of U. Read straight from the parameters, the rows that do not fit in L1 are all
        /// missed in one stretch of the sweep, where the loads wait on L2 (on Zen 4, 44 µs of the 54 µs a 100-step
        /// sequence of the text LSTM took, against 32 µs when U fits). The copy instead places rows by cache set:
        /// the L1 of the x86 cores we target (AMD Zen 2 to 5, Intel since Skylake) has 64 sets of 64-byte lines, so
        /// the offset within a 4 KB window picks the set, and one window fills one way of every set. The last row
        /// slot of each window holds a streamed row; the slots before it, in seven windows, hold resident rows. The
        /// streamed rows share a few sets, so they only ever evict each other; the resident rows keep seven ways
        /// of the other sets (the eighth is left to the gates, states and folded rows). The sweep keeps its order
        /// (every row of even steps first to last, odd steps backwards) and meets resident and streamed rows in
        /// turn, so the misses spread over the step and L2 delivers them while the resident rows are computed.
        /// The order being the same, every tile and every path sums in the same order: the copy changes where the
        /// floats are, not the results.
        /// </remarks>
        private sealed class RecurrentRowLayout
        {
            /// <summary>4 KB: the addresses that cover each of the 64 sets of 64-byte lines once.</summary>
            public const int WindowFloats = 1024;

            public const int AlignmentBytes = WindowFloats * sizeof(float);

            /// <summary>Ways of L1 the resident rows take: one of eight stays free for everything else.</summary>
            private const int ResidentWays = 7;

            /// <summary>32 KB, the smallest L1 data cache among those cores; below it U stays cached anyway.</summary>
            private const int L1Floats = 8192;

            private RecurrentRowLayout(int[] offsets, int resident, int length)
            {
                Offsets = offsets;
                Resident = resident;
                Length = length;
            }

            /// <summary>The float offset of row r of U in the copy.</summary>
            public int[] Offsets { get; }

            /// <summary>How many rows stay in L1 from one step to the next.</summary>
            public int Resident { get; }

            /// <summary>The copy's length in floats (a whole number of windows).</summary>
            public int Length { get; }

            /// <summary>
            /// The layout for <paramref name="l"/>, or null where it does not apply: the tile it serves keeps a
            /// sample's four gates of every unit in 16 registers, so at most 64 units in whole 16-float vectors, and
            /// U must exceed L1.
            /// </summary>
            public static RecurrentRowLayout? For(LstmLayerSpec l)
            {
                int units = l.Units, rowFloats = l.Gates;
                if (units % 16 != 0 || units > 64 || (long)units * rowFloats <= L1Floats)
                {
                    return null;
                }

                int streamSlot = WindowFloats - rowFloats;
                int residentPerWindow = streamSlot / rowFloats;
                int resident = System.Math.Min(units, ResidentWays * residentPerWindow);
                int streamed = units - resident;
                int windows = System.Math.Max((resident + residentPerWindow - 1) / residentPerWindow, streamed);
                var offsets = new int[units];
                int residentSeen = 0, streamedSeen = 0;
                for (int r = 0; r < units; r++)
                {
                    // Resident rows spread evenly along the sweep, so that every stretch of it has misses to overlap.
                    bool isResident = (long)(r + 1) * resident / units > (long)r * resident / units;
                    if (isResident)
                    {
                        offsets[r] = residentSeen / residentPerWindow * WindowFloats + residentSeen % residentPerWindow * rowFloats;
                        residentSeen++;
                    }
                    else
                    {
                        offsets[r] = streamedSeen * WindowFloats + streamSlot;
                        streamedSeen++;
                    }
                }

                return new RecurrentRowLayout(offsets, resident, windows * WindowFloats);
            }
        }

        private static string PartitionedTileName(LayerNames n) => $"{n.Method}RecurrenceV512x1Partitioned";

        /// <summary>
        /// The sweep of the partitioned tile: gates += h(t-1)·U for one sample, unrolled so that each row's place in
        /// the copy is a constant, in the order of the other tiles.
        /// </summary>
        private static void EmitPartitionedSweep(SourceWriter w, LstmLayerSpec l, RecurrentRowLayout layout,
            System.Func<int, int, string> accumulator)
        {
            int u = l.Units;
            VectorFlavor f = VectorFlavor.V512;
            using (w.Block("if (t > 0)"))
            {
                for (int parity = 0; parity < 2; parity++)
                {
                    using (w.Block(parity == 0 ? "if ((t & 1) == 0)" : "else"))
                    {
                        for (int sweep = 0; sweep < u; sweep++)
                        {
                            int r = parity == 0 ? sweep : u - 1 - sweep;
                            w.WriteLine($"var m{r} = {f.Broadcast($"Unsafe.Add(ref hidden, hp + {r})")};");
                            for (int gate = 0; gate < 4; gate++)
                            {
                                for (int k = 0; k < u / 16; k++)
                                {
                                    string acc = accumulator(gate, k);
                                    string offset = (layout.Offsets[r] + gate * u + k * 16).ToString(Invariant);
                                    w.WriteLine($"{acc} = {f.MultiplyAdd($"m{r}", f.Load("rows", offset), acc)};");
                                }
                            }
                        }
                    }
                }
            }
        }

        /// <summary>The kernel that copies U from the parameters into the partitioned layout.</summary>
        private static void EmitPartitionRecurrentRows(SourceWriter w, LstmLayerSpec l, LayerNames n, RecurrentRowLayout layout)
        {
            w.WriteLine($"/// <summary>{l.Name}: the float offset of each row of U in its cache-partitioned copy.</summary>");
            w.WriteLine($"private static ReadOnlySpan<int> {n.Prefix}RecurrentRowOffsets => new int[] {{ " +
                $"{string.Join(", ", System.Linq.Enumerable.Select(layout.Offsets, o => o.ToString(Invariant)))} }};");
            w.WriteLine();
            w.WriteLine($"/// <summary>{l.Name}: copies U into the layout the one-sample AVX-512 recurrence reads.</summary>");
            using (w.Block($"private static void {n.Method}PartitionRecurrentRows(ref float parameters, ref float rows)"))
            {
                w.WriteLine($"ReadOnlySpan<int> offsets = {n.Prefix}RecurrentRowOffsets;");
                using (w.Block($"for (int r = 0; r < {l.Units}; r++)"))
                {
                    w.WriteLine($"MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref parameters, {n.RecurrentOffset} + r * {l.Gates}), {l.Gates})");
                    w.WriteLine($"    .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref rows, offsets[r]), {l.Gates}));");
                }
            }
        }
    }
}
