using NetCompiler.Generators.Helpers;
using NetCompiler.Generators.Model;

namespace NetCompiler.Generators;

public sealed partial class NetworkGenerator
{
    private static partial class Emitter
    {
        // Winograd's minimal filtering F(2x2, 3x3) for inference: each 2x2 block of outputs of a 3x3 stride-1
        // convolution comes from a 4x4 block of input through
        //   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A,
        // so a tile costs 16 multiplies per (input channel, output channel) pair instead of 36. Summed over input
        // channels, the 16 elementwise products become 16 independent matrix products [tiles x Cin]·[Cin x Cout], which
        // run on the same register-tiled reduction as the direct convolution, vectorised over output channels.
        //   Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]  G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1]  Aᵀ = [1 1 1 0; 0 1 -1 -1]
        // The transformed kernel G g Gᵀ is a weight layout prepared from the parameters (see Emitter.Prepared.cs),
        // [16, Cin, Cout], so each of the 16 products streams a contiguous [Cin x Cout] block. Per sample, the input
        // transform writes [16, tiles, Cin] and the products [16, tiles, Cout], both in per-worker scratch buffers.

        /// <summary>Fewer input or output channels than this save too little for the transforms to pay.</summary>
        private const int MinWinogradChannels = 8;

        /// <summary>A convolution's Winograd plan: 2x2 output tiles over the rows and columns inference uses.</summary>
        private readonly struct WinogradShape
        {
            public WinogradShape(ConvLayerSpec c, (int Rows, int Columns) used)
            {
                Conv = c;
                Rows = used.Rows;
                Columns = used.Columns;
                TileRows = (Rows + 1) / 2;
                TileColumns = (Columns + 1) / 2;
            }

            public ConvLayerSpec Conv { get; }

            /// <summary>Output rows and columns to compute; an odd count leaves half the last tile unstored.</summary>
            public int Rows { get; }

            public int Columns { get; }

            public int TileRows { get; }

            public int TileColumns { get; }

            public int Tiles => TileRows * TileColumns;

            /// <summary>Floats of one sample's transformed input, [16, tiles, Cin].</summary>
            public int TransformedLength => 16 * Tiles * Conv.InChannels;

            /// <summary>Floats of one sample's 16 products, [16, tiles, Cout].</summary>
            public int ProductsLength => 16 * Tiles * Conv.OutChannels;

            public int KernelLength => 16 * Conv.InChannels * Conv.OutChannels;

            /// <summary>
            /// Whether the last tile row's 4x4 input block hangs one row past the (padded) input: an odd output count
            /// that nothing trimmed. Only Bᵀ's last row reads that input row and only Aᵀ's second row reads what it
            /// feeds, so it reaches just the output row inference drops; a zero stands in for it to keep reads inside
            /// the buffer.
            /// </summary>
            public bool LastRowShort => 2 * TileRows + 1 >= Conv.PaddedHeight;

            public bool LastColumnShort => 2 * TileColumns + 1 >= Conv.PaddedWidth;
        }

        /// <summary>
        /// The kernel in the Winograd domain, U[ξ, ci, co] = (G g Gᵀ)[ξ] for g = kernel[:, :, ci, co], vectorised over
        /// output channels. Only additions and halvings, so every flavor rounds alike and builds the same layout.
        /// </summary>
        private static void EmitWinogradKernelTransform(SourceWriter w, WinogradShape s, LayerNames n)
        {
            ConvLayerSpec c = s.Conv;
            int cin = c.InChannels, cout = c.OutChannels;
            w.WriteLine($"/// <summary>{c.Name}: the kernel transformed for Winograd F(2x2, 3x3), [16, {cin}, {cout}].</summary>");
            using (w.Block($"private static void {n.Method}TransformKernel(ref float parameters, ref float kernel)"))
            {
                EmitFlavorChain(w, f =>
                {
                    using (w.Block($"for (int ci = 0; ci < {cin}; ci++)"))
                    {
                        EmitChannelSegments(w, f, cout, (offset, sf) =>
                        {
                            string type = sf.IsScalar ? "float" : "var";
                            string half = sf.IsScalar ? "0.5f" : $"{sf.Name}.Create(0.5f)";
                            for (int tap = 0; tap < 9; tap++)
                            {
                                string index = Plus($"{n.KernelOffset} + {Scaled(Plus("ci", tap * cin), cout)}", offset);
                                w.WriteLine($"{type} g{tap / 3}{tap % 3} = {sf.Load("parameters", index)};");
                            }

                            // G g: four rows from three, for each kernel column.
                            for (int j = 0; j < 3; j++)
                            {
                                w.WriteLine($"{type} a0{j} = g0{j};");
                                w.WriteLine($"{type} a1{j} = (g0{j} + g1{j} + g2{j}) * {half};");
                                w.WriteLine($"{type} a2{j} = (g0{j} - g1{j} + g2{j}) * {half};");
                                w.WriteLine($"{type} a3{j} = g2{j};");
                            }

                            // (G g) Gᵀ: four columns from three, for each row.
                            for (int i = 0; i < 4; i++)
                            {
                                string[] u =
                                {
                                    $"a{i}0",
                                    $"(a{i}0 + a{i}1 + a{i}2) * {half}",
                                    $"(a{i}0 - a{i}1 + a{i}2) * {half}",
                                    $"a{i}2",
                                };
                                for (int j = 0; j < 4; j++)
                                {
                                    string index = Plus(Scaled(Plus("ci", (4 * i + j) * cin), cout), offset);
                                    w.WriteLine(sf.Store(u[j], "kernel", index));
                                }
                            }
                        });
                    }
                });
            }
        }

        /// <summary>
        /// Inference's forward of one sample through Winograd F(2x2, 3x3): input transform, 16 products, output
        /// transform with the bias and a fused ReLU. Only the output rows and columns inference reads are stored.
        /// </summary>
        private static void EmitWinogradForward(SourceWriter w, WinogradShape s, LayerNames n)
        {
            ConvLayerSpec c = s.Conv;
            int cin = c.InChannels, cout = c.OutChannels, tiles = s.Tiles;
            w.WriteLine($"/// <summary>{Describe(c)}: forward of one sample for inference by Winograd F(2x2, 3x3), " +
                $"{s.TileRows}x{s.TileColumns} tiles over output rows 0 to {s.Rows - 1} and columns 0 to {s.Columns - 1}.</summary>");
            w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {n.Method}Winograd(ref float input, ref float parameters, ref float kernel, " +
                "ref float transformed, ref float products, ref float output)"))
            {
                EmitFlavorChain(w, f =>
                {
                    EmitWinogradInputTransform(w, f, s);
                    w.WriteLine();
                    w.WriteLine($"// The 16 products: [tiles x {cin}]·[{cin} x {cout}] for each point ξ of the 4x4 domain.");
                    using (w.Block("for (int x = 0; x < 16; x++)"))
                    {
                        EmitTiledLoop(w, "t", tiles, WinogradTile(f, cout, tiles), lanes =>
                        {
                            EmitReduction(w, f, new Reduction
                            {
                                Channels = cout,
                                Tile = lanes,
                                InitReference = null,
                                Loops = new[] { $"for (int ci = 0; ci < {cin}; ci++)" },
                                Multiplier = lane =>
                                    $"Unsafe.Add(ref transformed, (x * {tiles} + {Plus("t", lane)}) * {cin} + ci)",
                                RowReference = "kernel",
                                RowIndex = $"(x * {cin} + ci) * {cout}",
                                StoreReference = "products",
                                StoreIndex = lane => $"(x * {tiles} + {Plus("t", lane)}) * {cout}",
                            });
                        });
                    }

                    w.WriteLine();
                    EmitWinogradOutputTransform(w, f, s, n);
                });
            }
        }

        /// <summary>
        /// Tiles per register block of the products. A remainder of one tile reloads every kernel row for a single
        /// multiply-add, so where one more tile per block divides the tiles evenly and AVX-512's 32 registers hold
        /// the extra accumulators (at most 20), the block takes it: 5x5 tiles in blocks of 5 instead of 6 x 4 + 1.
        /// </summary>
        private static int WinogradTile(VectorFlavor f, int cout, int tiles)
        {
            int tile = TileFor(f, cout, tiles);
            int segments = System.Math.Min(SegmentsPerBlock, f.Segments(cout).Count);
            bool wider = f.Width == 16 && tiles % tile != 0 && tiles % (tile + 1) == 0 && tile < MaxTile &&
                segments * (tile + 1) <= 20;
            return wider ? tile + 1 : tile;
        }

        /// <summary>An index expression times a constant, in parentheses only when it is a sum.</summary>
        private static string Scaled(string index, int factor) =>
            index.Contains(" ") ? $"({index}) * {factor}" : $"{index} * {factor}";

        /// <summary>V[ξ, tile, ci] = (Bᵀ d B)[ξ] for each tile's 4x4 input block d, vectorised over channels.</summary>
        private static void EmitWinogradInputTransform(SourceWriter w, VectorFlavor f, WinogradShape s)
        {
            ConvLayerSpec c = s.Conv;
            int cin = c.InChannels, width = c.PaddedWidth;
            w.WriteLine($"// Input transform: Bᵀ d B of each tile's 4x4 block of {cin} channels.");
            using (w.Block($"for (int th = 0; th < {s.TileRows}; th++)"))
            using (w.Block($"for (int tw = 0; tw < {s.TileColumns}; tw++)"))
            {
                w.WriteLine($"int tile = th * {s.TileColumns} + tw;");
                w.WriteLine($"int corner = (th * {2 * width} + tw * 2) * {cin};");
                if (s.LastRowShort)
                {
                    w.WriteLine($"bool fourthRow = th < {s.TileRows - 1};");
                }

                if (s.LastColumnShort)
                {
                    w.WriteLine($"bool fourthColumn = tw < {s.TileColumns - 1};");
                }

                EmitChannelSegments(w, f, cin, (offset, sf) =>
                {
                    string type = sf.IsScalar ? "float" : "var";
                    string zero = sf.IsScalar ? "0f" : $"{sf.Name}.Create(0f)";
                    for (int i = 0; i < 4; i++)
                    {
                        for (int j = 0; j < 4; j++)
                        {
                            string load = sf.Load("input", Plus(Plus("corner", (i * width + j) * cin), offset));
                            var conditions = new System.Collections.Generic.List<string>();
                            if (i == 3 && s.LastRowShort)
                            {
                                conditions.Add("fourthRow");
                            }

                            if (j == 3 && s.LastColumnShort)
                            {
                                conditions.Add("fourthColumn");
                            }

                            string value = conditions.Count == 0 ? load : $"{string.Join(" && ", conditions)} ? {load} : {zero}";
                            w.WriteLine($"{type} d{i}{j} = {value};");
                        }
                    }

                    // Bᵀ d, one column at a time.
                    for (int j = 0; j < 4; j++)
                    {
                        w.WriteLine($"{type} b0{j} = d0{j} - d2{j};");
                        w.WriteLine($"{type} b1{j} = d1{j} + d2{j};");
                        w.WriteLine($"{type} b2{j} = d2{j} - d1{j};");
                        w.WriteLine($"{type} b3{j} = d1{j} - d3{j};");
                    }

                    // (Bᵀ d) B, one row at a time, stored at ξ = 4i + j.
                    for (int i = 0; i < 4; i++)
                    {
                        string[] v = { $"b{i}0 - b{i}2", $"b{i}1 + b{i}2", $"b{i}2 - b{i}1", $"b{i}1 - b{i}3" };
                        for (int j = 0; j < 4; j++)
                        {
                            string index = Plus(Scaled(Plus("tile", (4 * i + j) * s.Tiles), cin), offset);
                            w.WriteLine(sf.Store(v[j], "transformed", index));
                        }
                    }
                });
            }
        }

        /// <summary>Y = bias + Aᵀ M A of each tile, ReLU fused, stored where its row and column are used.</summary>
        private static void EmitWinogradOutputTransform(SourceWriter w, VectorFlavor f, WinogradShape s, LayerNames n)
        {
            ConvLayerSpec c = s.Conv;
            int cout = c.OutChannels, width = c.Output.Width;
            bool relu = c.Activation == ActivationKind.ReLU;
            w.WriteLine($"// Output transform: bias + Aᵀ M A of each tile's 16 products{(relu ? ", then ReLU" : "")}.");
            using (w.Block($"for (int th = 0; th < {s.TileRows}; th++)"))
            using (w.Block($"for (int tw = 0; tw < {s.TileColumns}; tw++)"))
            {
                w.WriteLine($"int tile = th * {s.TileColumns} + tw;");
                w.WriteLine($"int corner = (th * {2 * width} + tw * 2) * {cout};");
                bool oddRows = s.Rows % 2 == 1, oddColumns = s.Columns % 2 == 1;
                if (oddRows)
                {
                    w.WriteLine($"bool secondRow = th < {s.TileRows - 1};");
                }

                if (oddColumns)
                {
                    w.WriteLine($"bool secondColumn = tw < {s.TileColumns - 1};");
                }

                EmitChannelSegments(w, f, cout, (offset, sf) =>
                {
                    string type = sf.IsScalar ? "float" : "var";
                    for (int x = 0; x < 16; x++)
                    {
                        string index = Plus(Scaled(Plus("tile", x * s.Tiles), cout), offset);
                        w.WriteLine($"{type} m{x / 4}{x % 4} = {sf.Load("products", index)};");
                    }

                    // Aᵀ M: two rows from four, for each column.
                    for (int j = 0; j < 4; j++)
                    {
                        w.WriteLine($"{type} r0{j} = m0{j} + m1{j} + m2{j};");
                        w.WriteLine($"{type} r1{j} = m1{j} - m2{j} - m3{j};");
                    }

                    w.WriteLine($"{type} bias = {sf.Load("parameters", Plus(n.BiasOffset, offset))};");
                    for (int i = 0; i < 2; i++)
                    {
                        string[] y = { $"bias + (r{i}0 + r{i}1 + r{i}2)", $"bias + (r{i}1 - r{i}2 - r{i}3)" };
                        for (int j = 0; j < 2; j++)
                        {
                            var conditions = new System.Collections.Generic.List<string>();
                            if (i == 1 && oddRows)
                            {
                                conditions.Add("secondRow");
                            }

                            if (j == 1 && oddColumns)
                            {
                                conditions.Add("secondColumn");
                            }

                            string value = relu ? sf.Relu(y[j]) : y[j];
                            string store = sf.Store(value, "output", Plus(Plus("corner", (i * width + j) * cout), offset));
                            if (conditions.Count == 0)
                            {
                                w.WriteLine(store);
                                continue;
                            }

                            using (w.Block($"if ({string.Join(" && ", conditions)})"))
                            {
                                w.WriteLine(store);
                            }
                        }
                    }
                });
            }
        }
    }
}
