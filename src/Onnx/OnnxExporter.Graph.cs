using System;
using Onnx;
using static NetCompiler.OnnxGraphBuilder;
using DataType = Onnx.TensorProto.Types.DataType;

namespace NetCompiler;

public static partial class OnnxExporter
{
    /// <summary>How the current value's axes are laid out in the graph (N is the batch).</summary>
    private enum Layout
    {
        /// <summary>[N, length].</summary>
        Vector,

        /// <summary>[N, H, W, C]: the network's own image layout.</summary>
        Nhwc,

        /// <summary>[N, C, H, W]: what ONNX Conv and MaxPool take.</summary>
        Nchw,

        /// <summary>[N, T, F]: the network's own sequence layout.</summary>
        BatchMajor,

        /// <summary>[T, N, F]: what the ONNX LSTM and a Scan over steps take.</summary>
        TimeMajor,

        /// <summary>[N, T] int32 token ids.</summary>
        TokenIds,
    }

    /// <summary>
    /// Turns the layers into ONNX nodes one by one, keeping the current value in whichever layout the operators
    /// around it need and transposing only where the next layer needs another: an image goes channels-first once
    /// before the first convolution and back before Flatten, so that Flatten keeps Keras' (h, w, c) order.
    /// </summary>
    private ref struct GraphTranslator
    {
        // Keras orders LSTM gates i, f, c, o; ONNX orders them i, o, f, c. ONNX gate g takes Keras gate s_kerasGate[g].
        private static readonly int[] s_kerasGate = { 0, 3, 1, 2 };

        private readonly OnnxGraphBuilder _graph;
        private readonly NetworkArchitecture _network;
        private readonly ReadOnlySpan<float> _parameters;
        private string _value = string.Empty;
        private Layout _layout;

        // [T, N, 1] bool, true where the token id is not 0: the steps a masked LSTM computes.
        private string? _mask;

        public GraphTranslator(OnnxGraphBuilder graph, NetworkArchitecture network, ReadOnlySpan<float> parameters)
        {
            _graph = graph;
            _network = network;
            _parameters = parameters;
        }

        public void Translate()
        {
            AddInput();
            foreach (ArchitectureLayer layer in _network.Layers)
            {
                switch (layer)
                {
                    case Conv2DLayer c: AddConv2D(c); break;
                    case MaxPool2DLayer p: AddMaxPool2D(p); break;
                    case FlattenLayer f: AddFlatten(f); break;
                    case DenseLayer d: AddDense(d); break;
                    case EmbeddingLayer e: AddEmbedding(e); break;
                    case LstmLayer { Masked: true } l: AddMaskedLstm(l); break;
                    case LstmLayer l: AddLstm(l); break;
                    default: throw new InvalidOperationException($"No ONNX translation for {layer.GetType().Name}.");
                }
            }

            AddOutput();
        }

        private void AddInput()
        {
            LayerShape s = _network.Input;
            (_layout, DataType type, long[] dimensions) = s.Kind switch
            {
                LayerShapeKind.Image => (Layout.Nhwc, DataType.Float, new long[] { -1, s.Height, s.Width, s.Channels }),
                LayerShapeKind.Sequence => (Layout.BatchMajor, DataType.Float, new long[] { -1, s.Steps, s.Channels }),
                LayerShapeKind.Tokens => (Layout.TokenIds, DataType.Int32, new long[] { -1, s.Steps }),
                _ => (Layout.Vector, DataType.Float, new long[] { -1, s.Channels }),
            };
            _value = _graph.AddInput(InputName, type, dimensions);
        }

        private void AddOutput()
        {
            // Back to the network's own layout, so the output reads like Predict's.
            if (_layout == Layout.Nchw)
            {
                ToLayout(Layout.Nhwc, "output");
            }
            else if (_layout == Layout.TimeMajor)
            {
                ToLayout(Layout.BatchMajor, "output");
            }

            if (_value == InputName)
            {
                _value = _graph.AddNode("Identity", "output/Identity", new[] { _value });
            }

            _graph.Rename(_value, OutputName);
            LayerShape s = _network.Output;
            long[] dimensions = s.Kind switch
            {
                LayerShapeKind.Image => new long[] { -1, s.Height, s.Width, s.Channels },
                LayerShapeKind.Sequence => new long[] { -1, s.Steps, s.Channels },
                _ => new long[] { -1, s.Channels },
            };
            _graph.AddOutput(OutputName, DataType.Float, dimensions);
        }

        /// <summary>Conv2D: kernel [kh, kw, cin, cout] becomes ONNX's [cout, cin, kh, kw]; pads are explicit.</summary>
        private void AddConv2D(Conv2DLayer c)
        {
            ToLayout(Layout.Nchw, c.Name);
            int kh = c.KernelHeight, kw = c.KernelWidth, cin = c.Input.Channels, cout = c.Output.Channels;
            ReadOnlySpan<float> kernel = _parameters.Slice(c.Offset, c.KernelLength);
            float[] weights = new float[c.KernelLength];
            for (int o = 0; o < cout; o++)
            {
                for (int i = 0; i < cin; i++)
                {
                    for (int y = 0; y < kh; y++)
                    {
                        for (int x = 0; x < kw; x++)
                        {
                            weights[((o * cin + i) * kh + y) * kw + x] = kernel[((y * kw + x) * cin + i) * cout + o];
                        }
                    }
                }
            }

            string w = _graph.AddInitializer(c.Name + "/kernel", weights, cout, cin, kh, kw);
            string b = _graph.AddInitializer(
                c.Name + "/bias", _parameters.Slice(c.Offset + c.KernelLength, cout), cout);
            _value = _graph.AddNode("Conv", c.Name + "/Conv", new[] { _value, w, b },
                IntsAttribute("kernel_shape", kh, kw),
                IntsAttribute("strides", c.Stride, c.Stride),
                IntsAttribute("pads", c.PadTop, c.PadLeft, c.PadBottom, c.PadRight));
            Activate(c.Name, c.Activation);
        }

        /// <summary>
        /// MaxPool2D. ONNX max pooling ignores padded cells (they act as -infinity), which is what Keras does with
        /// windows that hang over a Same border, so Keras' pads carry over unchanged.
        /// </summary>
        private void AddMaxPool2D(MaxPool2DLayer p)
        {
            ToLayout(Layout.Nchw, p.Name);
            _value = _graph.AddNode("MaxPool", p.Name + "/MaxPool", new[] { _value },
                IntsAttribute("kernel_shape", p.PoolSize, p.PoolSize),
                IntsAttribute("strides", p.Stride, p.Stride),
                IntsAttribute("pads", p.PadTop, p.PadLeft, p.PadBottom, p.PadRight));
        }

        /// <summary>Flatten in Keras order: (h, w, c) for images, (t, f) for sequences.</summary>
        private void AddFlatten(FlattenLayer f)
        {
            ToLayout(f.Input.Kind == LayerShapeKind.Image ? Layout.Nhwc : Layout.BatchMajor, f.Name);
            _value = _graph.AddNode("Flatten", f.Name + "/Flatten", new[] { _value }, IntAttribute("axis", 1));
            _layout = Layout.Vector;
        }

        /// <summary>Dense, kernel [in, out]: Gemm on vectors; on sequences MatMul on the last axis, per step.</summary>
        private void AddDense(DenseLayer d)
        {
            int kernelLength = d.InputUnits * d.Units;
            string kernel = _graph.AddInitializer(d.Name + "/kernel", _parameters.Slice(d.Offset, kernelLength),
                d.InputUnits, d.Units);
            string bias = _graph.AddInitializer(d.Name + "/bias", _parameters.Slice(d.Offset + kernelLength, d.Units),
                d.Units);
            if (_layout == Layout.Vector)
            {
                _value = _graph.AddNode("Gemm", d.Name + "/Gemm", new[] { _value, kernel, bias });
            }
            else
            {
                string product = _graph.AddNode("MatMul", d.Name + "/MatMul", new[] { _value, kernel });
                _value = _graph.AddNode("Add", d.Name + "/BiasAdd", new[] { product, bias });
            }

            Activate(d.Name, d.Activation);
        }

        /// <summary>
        /// Embedding: Gather from the [inputDim, outputDim] table (int32 ids index directly). When an LSTM follows,
        /// the ids are transposed first, which is cheaper than transposing the embedded floats afterwards.
        /// </summary>
        private void AddEmbedding(EmbeddingLayer e)
        {
            bool timeMajor = false;
            foreach (ArchitectureLayer layer in _network.Layers)
            {
                timeMajor |= layer is LstmLayer;
            }

            string table = _graph.AddInitializer(e.Name + "/embeddings", _parameters.Slice(e.Offset, e.ParameterCount),
                e.InputDim, e.OutputDim);
            string ids = _value;
            if (timeMajor)
            {
                ids = _graph.AddNode(
                    "Transpose", e.Name + "/time_major_ids", new[] { ids }, IntsAttribute("perm", 1, 0));
            }

            _value = _graph.AddNode("Gather", e.Name + "/Gather", new[] { table, ids }, IntAttribute("axis", 0));
            _layout = timeMajor ? Layout.TimeMajor : Layout.BatchMajor;
            if (e.MaskZero && timeMajor)
            {
                string zero = _graph.AddInt32Scalar(e.Name + "/padding_id", 0);
                string padding = _graph.AddNode("Equal", e.Name + "/is_padding", new[] { ids, zero });
                string kept = _graph.AddNode("Not", e.Name + "/is_token", new[] { padding });
                string axes = _graph.AddInt64s(e.Name + "/mask_axes", 2);
                _mask = _graph.AddNode("Unsqueeze", e.Name + "/mask", new[] { kept, axes });
            }
        }

        /// <summary>
        /// An unmasked LSTM as the ONNX LSTM operator: W [1, 4U, F] and R [1, 4U, U] are the transposed Keras kernels
        /// with their gate blocks reordered, B [1, 8U] is the Keras bias (reordered) followed by a zero recurrent bias.
        /// </summary>
        private void AddLstm(LstmLayer l)
        {
            ToLayout(Layout.TimeMajor, l.Name);
            int u = l.Units, f = l.Features, gates = 4 * u;
            ReadOnlySpan<float> kernel = _parameters.Slice(l.Offset, l.KernelLength);
            ReadOnlySpan<float> recurrent = _parameters.Slice(l.RecurrentOffset, u * gates);
            ReadOnlySpan<float> bias = _parameters.Slice(l.BiasOffset, gates);
            float[] w = new float[gates * f], r = new float[gates * u], b = new float[2 * gates];
            for (int gate = 0; gate < 4; gate++)
            {
                for (int j = 0; j < u; j++)
                {
                    int row = gate * u + j, column = s_kerasGate[gate] * u + j;
                    for (int x = 0; x < f; x++)
                    {
                        w[row * f + x] = kernel[x * gates + column];
                    }

                    for (int h = 0; h < u; h++)
                    {
                        r[row * u + h] = recurrent[h * gates + column];
                    }

                    b[row] = bias[column];
                }
            }

            string wName = _graph.AddInitializer(l.Name + "/W", w, 1, gates, f);
            string rName = _graph.AddInitializer(l.Name + "/R", r, 1, gates, u);
            string bName = _graph.AddInitializer(l.Name + "/B", b, 1, 2 * gates);

            // Y is [T, 1, N, U] (every step), Y_h is [1, N, U] (the last step); only the one needed is produced.
            string[] outputs = _graph.AddNode("LSTM", l.Name + "/LSTM", new[] { _value, wName, rName, bName },
                l.ReturnSequences ? new string?[] { "Y" } : new string?[] { null, "Y_h" },
                IntAttribute("hidden_size", u));
            if (l.ReturnSequences)
            {
                string axes = _graph.AddInt64s(l.Name + "/direction_axis", 1);
                _value = _graph.AddNode("Squeeze", l.Name + "/sequence", new[] { outputs[0], axes });
                _layout = Layout.TimeMajor;
            }
            else
            {
                string axes = _graph.AddInt64s(l.Name + "/direction_axis", 0);
                _value = _graph.AddNode("Squeeze", l.Name + "/last", new[] { outputs[1], axes });
                _layout = Layout.Vector;
            }
        }

        /// <summary>
        /// A masked LSTM as a Scan over steps. The ONNX LSTM operator only knows per-sample lengths (padding at the
        /// end), but Keras' mask may skip any step, and a skipped step carries h and c over unchanged. The Scan body
        /// is one Keras LSTM step (gates i, f, c, o in Keras order, so the weights need no reordering) followed by
        /// Where(mask, new, previous).
        /// </summary>
        private void AddMaskedLstm(LstmLayer l)
        {
            ToLayout(Layout.TimeMajor, l.Name);
            int u = l.Units, f = l.Features, gates = 4 * u;
            string kernel = _graph.AddInitializer(
                l.Name + "/kernel", _parameters.Slice(l.Offset, l.KernelLength), f, gates);
            string recurrent = _graph.AddInitializer(l.Name + "/recurrent_kernel",
                _parameters.Slice(l.RecurrentOffset, u * gates), u, gates);
            string bias = _graph.AddInitializer(l.Name + "/bias", _parameters.Slice(l.BiasOffset, gates), gates);

            // x·W + b for every step at once: [T, N, 4U].
            string product = _graph.AddNode("MatMul", l.Name + "/input_projection", new[] { _value, kernel });
            string projection = _graph.AddNode("Add", l.Name + "/input_projection_bias", new[] { product, bias });

            // Zero initial h and c, [N, U], sized from the batch axis of the input.
            string batch = _graph.AddNode("Shape", l.Name + "/batch_size", new[] { _value },
                IntAttribute("start", 1), IntAttribute("end", 2));
            string units = _graph.AddInt64s(l.Name + "/units", u);
            string stateShape = _graph.AddNode("Concat", l.Name + "/state_shape", new[] { batch, units },
                IntAttribute("axis", 0));
            var zero = new TensorProto { DataType = (int)DataType.Float };
            zero.Dims.Add(1);
            zero.FloatData.Add(0f);
            string initial = _graph.AddNode("ConstantOfShape", l.Name + "/initial_state", new[] { stateShape },
                TensorAttribute("value", zero));

            GraphProto body = BuildMaskedStep(l, recurrent);
            string[] outputs = _graph.AddNode("Scan", l.Name + "/Scan",
                new[] { initial, initial, projection, _mask ?? throw new InvalidOperationException("No mask.") },
                new string?[] { "h", "c", "sequence" },
                GraphAttribute("body", body), IntAttribute("num_scan_inputs", 2));
            (_value, _layout) = l.ReturnSequences ? (outputs[2], Layout.TimeMajor) : (outputs[0], Layout.Vector);
        }

        /// <summary>
        /// One step, shapes per batch: h, c [N, U], projected gates [N, 4U], mask [N, 1]. z = gates + h·U; i, f, o =
        /// sigmoid; c~ = tanh; c' = f·c + i·c~; h' = o·tanh(c'); a masked step keeps h and c.
        /// </summary>
        private readonly GraphProto BuildMaskedStep(LstmLayer l, string recurrent)
        {
            int u = l.Units;
            string p = l.Name + "/step/";
            OnnxGraphBuilder step = _graph.Subgraph(l.Name + "_step");
            string h = step.AddInput(p + "h_previous", DataType.Float, -1, u);
            string c = step.AddInput(p + "c_previous", DataType.Float, -1, u);
            string projected = step.AddInput(p + "projected_gates", DataType.Float, -1, 4 * u);
            string mask = step.AddInput(p + "mask", DataType.Bool, -1, 1);

            string hU = step.AddNode("MatMul", p + "recurrent", new[] { h, recurrent });
            string z = step.AddNode("Add", p + "z", new[] { projected, hU });
            string[] parts = step.AddNode("Split", p + "Split", new[] { z }, new string?[] { "i", "f", "c", "o" },
                IntAttribute("axis", 1));
            string input = step.AddNode("Sigmoid", p + "input_gate", new[] { parts[0] });
            string forget = step.AddNode("Sigmoid", p + "forget_gate", new[] { parts[1] });
            string candidate = step.AddNode("Tanh", p + "candidate", new[] { parts[2] });
            string output = step.AddNode("Sigmoid", p + "output_gate", new[] { parts[3] });
            string kept = step.AddNode("Mul", p + "kept_cell", new[] { forget, c });
            string added = step.AddNode("Mul", p + "added_cell", new[] { input, candidate });
            string cell = step.AddNode("Add", p + "cell", new[] { kept, added });
            string squashed = step.AddNode("Tanh", p + "cell_tanh", new[] { cell });
            string hidden = step.AddNode("Mul", p + "hidden", new[] { output, squashed });
            string hOut = step.AddNode("Where", p + "h", new[] { mask, hidden, h });
            string cOut = step.AddNode("Where", p + "c", new[] { mask, cell, c });

            // A graph output cannot be listed twice, so the per-step output is a copy of h.
            string hStep = step.AddNode("Identity", p + "h_sequence", new[] { hOut });
            step.AddOutput(hOut, DataType.Float, -1, u);
            step.AddOutput(cOut, DataType.Float, -1, u);
            step.AddOutput(hStep, DataType.Float, -1, u);
            return step.Graph;
        }

        private void Activate(string layer, Activation activation)
        {
            string? op = activation switch
            {
                Activation.ReLU => "Relu",
                Activation.Sigmoid => "Sigmoid",
                Activation.Tanh => "Tanh",
                Activation.Softmax => "Softmax",
                _ => null,
            };
            if (op is null)
            {
                return;
            }

            // Softmax normalises over channels, Keras' last axis; channels-first moves them to axis 1.
            _value = activation == Activation.Softmax
                ? _graph.AddNode(op, layer + "/" + op, new[] { _value },
                    IntAttribute("axis", _layout == Layout.Nchw ? 1 : -1))
                : _graph.AddNode(op, layer + "/" + op, new[] { _value });
        }

        private void ToLayout(Layout target, string layer)
        {
            if (_layout == target)
            {
                return;
            }

            (long[] perm, string name) = (_layout, target) switch
            {
                (Layout.Nhwc, Layout.Nchw) => (new long[] { 0, 3, 1, 2 }, "to_nchw"),
                (Layout.Nchw, Layout.Nhwc) => (new long[] { 0, 2, 3, 1 }, "to_nhwc"),
                (Layout.BatchMajor, Layout.TimeMajor) => (new long[] { 1, 0, 2 }, "to_time_major"),
                (Layout.TimeMajor, Layout.BatchMajor) => (new long[] { 1, 0, 2 }, "to_batch_major"),
                _ => throw new InvalidOperationException($"No transpose from {_layout} to {target}."),
            };
            _value = _graph.AddNode("Transpose", layer + "/" + name, new[] { _value }, IntsAttribute("perm", perm));
            _layout = target;
        }
    }
}
