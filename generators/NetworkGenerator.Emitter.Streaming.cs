using System.Linq;
using NetCompiler.Generators.Helpers;
using NetCompiler.Generators.Model;

namespace NetCompiler.Generators;

public sealed partial class NetworkGenerator
{
    private static partial class Emitter
    {
        // Streaming for models on float sequences: Step advances every LSTM by one time step and keeps its state between
        // calls (real-time audio and sensor use). Feeding a whole sequence step by step gives what Forward gives for it.

        /// <summary>
        /// A model streams when its input is a float sequence and it is a chain of LSTMs and Dense layers: no
        /// Flatten (which needs every step at once) and nothing on images.
        /// </summary>
        private static bool IsStreamable(EmitModel m) =>
            m.Spec.Input.Kind == ShapeKind.Sequence && m.Layers.All(l => l is LstmLayerSpec || l is ConvLayerSpec { IsDense: true });

        /// <summary>A Dense or input projection applied to one step: a single-pixel version of a sequence layer.</summary>
        private static ConvLayerSpec SingleStep(ConvLayerSpec c) =>
            c with { Input = Shape.Vector(c.Input.Channels), Output = Shape.Vector(c.Output.Channels) };

        private static void EmitStreamingMembers(SourceWriter w, EmitModel m)
        {
            if (!IsStreamable(m))
            {
                return;
            }

            w.WriteLine("/// <summary>Floats in one time step of the input sequence, what <see cref=\"Step\"/> takes.</summary>");
            w.WriteLine($"public const int StepInputLength = {m.Spec.Input.Channels};");
            w.WriteLine();
            w.WriteLine("/// <summary>Forgets the recurrent state: the next <see cref=\"Step\"/> starts a new sequence.</summary>");
            using (w.Block("public void ResetState()"))
            {
                for (int i = 0; i < m.Layers.Length; i++)
                {
                    if (m.Layers[i] is LstmLayerSpec)
                    {
                        w.WriteLine($"{m.Names[i].Field("StreamHidden")}.Clear();");
                        w.WriteLine($"{m.Names[i].Field("StreamCell")}.Clear();");
                    }
                }
            }

            w.WriteLine();
            w.WriteLine("/// <summary>");
            w.WriteLine("/// Advances the recurrent state by one time step and writes the outputs the network would give if the sequence");
            w.WriteLine("/// ended here. Steps share scratch buffers with Forward and Predict, but not state.");
            w.WriteLine("/// </summary>");
            using (w.Block("public void Step(ReadOnlySpan<float> input, Span<float> output)"))
            {
                w.WriteLine("global::NetCompiler.NetworkGuard.CheckSample(input.Length, StepInputLength, nameof(input));");
                w.WriteLine("global::NetCompiler.NetworkGuard.CheckOutput(output.Length, OutputLength, nameof(output));");
                w.WriteLine("_outputCount = 0;");
                w.WriteLine("ref float parameters = ref _parameters.Reference;");
                w.WriteLine("ref float current = ref MemoryMarshal.GetReference(input);");
                for (int i = 0; i < m.Layers.Length; i++)
                {
                    LayerNames n = m.Names[i];
                    w.WriteLine();
                    w.WriteLine($"// Layer {i + 1}: {m.Layers[i].Name} ({m.Layers[i].KerasType}), one step");
                    switch (m.Layers[i])
                    {
                        case LstmLayerSpec l:
                            // The recurrence runs step 1 of two-step buffers whose step 0 holds the kept state.
                            string gates = $"ref {n.Field("StreamGates")}.Reference";
                            string hidden = $"ref {n.Field("StreamHidden")}.Reference";
                            string cell = $"ref {n.Field("StreamCell")}.Reference";
                            w.WriteLine($"{n.Prefix}StepProjectionForward(ref current, ref parameters, ref Unsafe.Add(ref {n.Field("StreamGates")}.Reference, {l.Gates}));");
                            // A step reads U from the parameters: Step does not keep the cache-partitioned copy current.
                            string rows = RecurrentRowLayout.For(l) is null ? "" : "ref Unsafe.NullRef<float>(), ";
                            w.WriteLine($"{n.Method}Recurrence(ref parameters, {rows}{gates}, {cell}, {hidden}, count: 1, from: 1, to: 2, keepGates: false);");
                            w.WriteLine($"{n.Field("StreamHidden")}.AsSpan({l.Units}).CopyTo({n.Field("StreamHidden")});");
                            w.WriteLine($"{n.Field("StreamCell")}.AsSpan({l.Units}).CopyTo({n.Field("StreamCell")});");
                            w.WriteLine($"current = ref {n.Field("StreamHidden")}.Reference;");
                            break;
                        case ConvLayerSpec c:
                            string method = c.IsSinglePixel ? n.Method : n.Prefix + "Step";
                            w.WriteLine($"{method}Forward(ref current, ref parameters, ref {n.Output}.Reference);");
                            EmitActivationForward(w, c, i == m.Last, $"{n.Output}.AsSpan(0, {c.OutChannels})");
                            w.WriteLine($"current = ref {n.Output}.Reference;");
                            break;
                    }
                }

                w.WriteLine();
                w.WriteLine("MemoryMarshal.CreateReadOnlySpan(ref current, OutputLength).CopyTo(output);");
            }

            w.WriteLine();
        }

        private static void EmitStreamingFields(SourceWriter w, EmitModel m)
        {
            if (!IsStreamable(m))
            {
                return;
            }

            w.WriteLine("// The recurrent state Step keeps between calls (the first half; the second is the next step), and scratch gates.");
            for (int i = 0; i < m.Layers.Length; i++)
            {
                if (m.Layers[i] is LstmLayerSpec l)
                {
                    LayerNames n = m.Names[i];
                    w.WriteLine($"private readonly global::NetCompiler.AlignedBuffer {n.Field("StreamHidden")} = new global::NetCompiler.AlignedBuffer({2 * l.Units});");
                    w.WriteLine($"private readonly global::NetCompiler.AlignedBuffer {n.Field("StreamCell")} = new global::NetCompiler.AlignedBuffer({2 * l.Units});");
                    w.WriteLine($"private readonly global::NetCompiler.AlignedBuffer {n.Field("StreamGates")} = new global::NetCompiler.AlignedBuffer({2 * l.Gates});");
                }
            }
        }

        private static void EmitStreamingKernels(SourceWriter w, EmitModel m)
        {
            if (!IsStreamable(m))
            {
                return;
            }

            for (int i = 0; i < m.Layers.Length; i++)
            {
                LayerNames n = m.Names[i];
                switch (m.Layers[i])
                {
                    case LstmLayerSpec l:
                        w.WriteLine();
                        EmitConvForward(w, SingleStep(Projection(l)), n with { Method = n.Prefix + "StepProjection" });
                        break;
                    case ConvLayerSpec { IsSinglePixel: false } c:
                        w.WriteLine();
                        EmitConvForward(w, SingleStep(c), n with { Method = n.Prefix + "Step" });
                        break;
                }
            }
        }
    }
}
