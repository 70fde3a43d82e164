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
        /// slot of each window holds a streamed row; the slots before it, in up to seven windows, hold resident
        /// rows. The streamed rows share a few sets, so they only ever evict each other; the resident rows keep up
        /// to seven ways of the other sets (the eighth is left to the gates, states and folded rows). The sweep keeps its order
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

            /// <summary>The most ways of L1 the resident rows take, one window each: one of eight stays free for the rest.</summary>
            private const int MaxResidentWindows = 7;

            /// <summary>32 KB, the smallest L1 data cache among those cores; below it U stays cached anyway.</summary>
            private const int L1Floats = 8192;

            private RecurrentRowLayout(int units, int rowFloats)
            {
                RowFloats = rowFloats;
                StreamSlot = WindowFloats - rowFloats;
                int residentPerWindow = StreamSlot / rowFloats;

                // As many groups (resident windows) as fit, unless fewer leave no more than one row over: with 48
                // units, seven groups of 6 would leave 6 streamed rows in a row at the end, six groups of 8 none.
                Groups = MaxResidentWindows;
                for (int groups = MaxResidentWindows; groups > 0; groups--)
                {
                    int perGroup = residentPerWindow + (units - groups * residentPerWindow) / groups;
                    if (units - groups * perGroup <= 1)
                    {
                        Groups = groups;
                        break;
                    }
                }

                int streamed = units - Groups * residentPerWindow;
                StreamedPerGroup = streamed / Groups;
                GroupSize = residentPerWindow + StreamedPerGroup;
                Leftover = units - Groups * GroupSize;
                Resident = new bool[GroupSize];
                for (int i = 0; i < GroupSize; i++)
                {
                    // A group's resident rows spread evenly among its streamed ones, so misses spread too.
                    Resident[i] = (i + 1) * residentPerWindow / GroupSize > i * residentPerWindow / GroupSize;
                }

                Length = System.Math.Max(Groups, streamed) * WindowFloats;
                Offsets = new int[units];
                for (int r = 0; r < units; r++)
                {
                    Offsets[r] = r < Groups * GroupSize
                        ? GroupBase(r / GroupSize, Resident[r % GroupSize]) + Within(r % GroupSize)
                        : (Groups * StreamedPerGroup + r - Groups * GroupSize) * WindowFloats + StreamSlot;
                }
            }

            public int RowFloats { get; }

            /// <summary>Where a streamed row starts in its window: the window's last row slot.</summary>
            public int StreamSlot { get; }

            /// <summary>
            /// How many groups of consecutive rows the sweep runs in: group q keeps its resident rows in window q and
            /// its streamed rows in windows of their own; the leftover streamed rows come after the groups.
            /// </summary>
            public int Groups { get; }

            /// <summary>Rows per group.</summary>
            public int GroupSize { get; }

            public int StreamedPerGroup { get; }

            /// <summary>Rows after the groups, all streamed (at most one).</summary>
            public int Leftover { get; }

            /// <summary>Which positions of a group hold resident rows.</summary>
            public bool[] Resident { get; }

            /// <summary>The float offset of row r of U in the copy.</summary>
            public int[] Offsets { get; }

            /// <summary>The copy's length in floats (a whole number of windows).</summary>
            public int Length { get; }

            /// <summary>Where group <paramref name="q"/>'s resident rows, or its streamed rows, start.</summary>
            public int GroupBase(int q, bool resident) =>
                resident ? q * WindowFloats : q * StreamedPerGroup * WindowFloats + StreamSlot;

            /// <summary>The offset of position <paramref name="i"/> of a group from its base.</summary>
            public int Within(int i)
            {
                int before = 0;
                for (int k = 0; k < i; k++)
                {
                    before += Resident[k] == Resident[i] ? 1 : 0;
                }

                return Resident[i] ? before * RowFloats : before * WindowFloats;
            }

            /// <summary>
            /// The layout for <paramref name="l"/>, or null where it does not apply: the tile it serves keeps a
            /// sample's four gates of every unit in 16 registers, so at most 64 units in whole 16-float vectors, and
            /// U must exceed L1 (which leaves 48 and 64 units).
            /// </summary>
            public static RecurrentRowLayout? For(LstmLayerSpec l)
            {
                int units = l.Units, rowFloats = l.Gates;
                if (units % 16 != 0 || units > 64 || (long)units * rowFloats <= L1Floats)
                {
                    return null;
                }

                return new RecurrentRowLayout(units, rowFloats);
            }
        }

        private static string PartitionedTileName(LayerNames n) => $"{n.Method}RecurrenceV512x1Partitioned";

        /// <summary>
        /// The sweep of the partitioned tile: gates += h(t-1)·U for one sample, rows in the order of the other tiles
        /// (first to last on even steps, backwards on odd ones), as a loop over the groups whose body has each
        /// row's place as a constant from the group's two bases (an offset table cost a load per row, 1.7 µs of 49).
        /// </summary>
        private static void EmitPartitionedSweep(SourceWriter w, LstmLayerSpec l, RecurrentRowLayout layout,
            System.Func<int, int, string> accumulator)
        {
            int u = l.Units, groups = layout.Groups, grouped = groups * layout.GroupSize;
            VectorFlavor f = VectorFlavor.V512;

            void Row(string name, string hiddenIndex, string reference, int offset)
            {
                w.WriteLine($"var {name} = {f.Broadcast($"Unsafe.Add(ref hidden, {hiddenIndex})")};");
                for (int gate = 0; gate < 4; gate++)
                {
                    for (int k = 0; k < u / 16; k++)
                    {
                        string acc = accumulator(gate, k);
                        string index = (offset + gate * u + k * 16).ToString(Invariant);
                        w.WriteLine($"{acc} = {f.MultiplyAdd(name, f.Load(reference, index), acc)};");
                    }
                }
            }

            void Group(bool forwards)
            {
                string loop = forwards ? $"for (int q = 0; q < {groups}; q++)" : $"for (int q = {groups - 1}; q >= 0; q--)";
                using (w.Block(loop))
                {
                    w.WriteLine($"ref float resident = ref Unsafe.Add(ref rows, q * {RecurrentRowLayout.WindowFloats});");
                    w.WriteLine($"ref float streamed = ref Unsafe.Add(ref rows, q * {layout.StreamedPerGroup * RecurrentRowLayout.WindowFloats} + {layout.StreamSlot});");
                    w.WriteLine($"int first = hp + q * {layout.GroupSize};");
                    for (int step = 0; step < layout.GroupSize; step++)
                    {
                        int i = forwards ? step : layout.GroupSize - 1 - step;
                        Row($"m{i}", Plus("first", i), layout.Resident[i] ? "resident" : "streamed", layout.Within(i));
                    }
                }
            }

            void Leftover(bool forwards)
            {
                for (int step = 0; step < layout.Leftover; step++)
                {
                    int r = grouped + (forwards ? step : layout.Leftover - 1 - step);
                    Row($"m{r}", $"hp + {r}", "rows", layout.Offsets[r]);
                }
            }

            using (w.Block("if (t > 0)"))
            {
                using (w.Block("if ((t & 1) == 0)"))
                {
                    Group(forwards: true);
                    Leftover(forwards: true);
                }

                using (w.Block("else"))
                {
                    Leftover(forwards: false);
                    Group(forwards: false);
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
