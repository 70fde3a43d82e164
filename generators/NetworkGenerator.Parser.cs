using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetCompiler.Generators.Diagnostics;
using NetCompiler.Generators.Helpers;
using NetCompiler.Generators.Model;

namespace NetCompiler.Generators;

public sealed partial class NetworkGenerator
{
    /// <summary>
    /// Reads the attributes of one [Network] class, resolves every layer's shapes, and checks the declaration.
    /// Everything it returns is plain data.
    /// </summary>
    internal static class Parser
    {
        private const string Namespace = "NetCompiler.";

        /// <summary>Static buffers above this size get a warning; a single buffer must also fit an array.</summary>
        private const long LargeModelBytes = 1L << 30;

        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var symbol = (INamedTypeSymbol)context.TargetSymbol;
            var diagnostics = new List<DiagnosticInfo>();
            try
            {
                NetworkSpec? spec = ParseNetwork(symbol, (TypeDeclarationSyntax)context.TargetNode, diagnostics, cancellationToken);
                bool hasErrors = diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error);
                return new ParseResult(hasErrors ? null : spec, new EquatableArray<DiagnosticInfo>(diagnostics));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Never let an exception reach the compiler: say what happened on the class instead.
                var failure = DiagnosticInfo.Create(
                    DiagnosticDescriptors.GeneratorFailure, context.TargetNode.GetLocation(), symbol.Name, ex.GetType().Name + ": " + ex.Message);
                return new ParseResult(null, new EquatableArray<DiagnosticInfo>(new[] { failure }));
            }
        }

        /// <summary>The input attribute of a class without [Network], as a diagnostic; null when [Network] is there.</summary>
        public static DiagnosticInfo? CheckForgottenNetwork(GeneratorAttributeSyntaxContext context, CancellationToken ct)
        {
            foreach (AttributeData attribute in context.TargetSymbol.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == NetworkAttributeName)
                {
                    return null;
                }
            }

            AttributeData input = context.Attributes[0];
            return DiagnosticInfo.Create(DiagnosticDescriptors.MissingNetwork, LocationOf(input, ct), context.TargetSymbol.Name,
                input.AttributeClass?.Name.Replace("Attribute", string.Empty) ?? "Input");
        }

        private static NetworkSpec? ParseNetwork(
            INamedTypeSymbol symbol, TypeDeclarationSyntax syntax, List<DiagnosticInfo> diagnostics, CancellationToken ct)
        {
            string className = symbol.Name;
            Location classLocation = syntax.Identifier.GetLocation();

            // The class and every type around it must be partial, and nothing may be generic.
            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, classLocation, className, string.Empty));
            }

            string? kind = symbol.IsRecord ? "a record" : symbol.IsStatic ? "static" : symbol.IsAbstract ? "abstract" : null;
            if (kind is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPlainClass, classLocation, className, kind));
            }

            var containingTypes = new List<string>();
            for (INamedTypeSymbol? outer = symbol.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                if (outer.DeclaringSyntaxReferences.Select(r => r.GetSyntax(ct)).OfType<TypeDeclarationSyntax>()
                    .Any(t => !t.Modifiers.Any(SyntaxKind.PartialKeyword)))
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.NotPartial, classLocation, className, $" and so must its containing type '{outer.Name}'"));
                }

                containingTypes.Insert(0, TypeKeyword(outer) + " " + outer.Name);
            }

            // IsGenericType is also true inside a generic outer type, which is just as impossible to compile.
            if (symbol.IsGenericType)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericNetwork, classLocation, className));
            }

            // Sort the attributes we know into the network settings, the input, the layers and the training setup.
            AttributeData? network = null, input = null, sequenceInput = null, loss = null, adam = null, sgd = null;
            var layers = new List<AttributeData>();
            foreach (AttributeData attribute in symbol.GetAttributes())
            {
                string? name = attribute.AttributeClass?.ToDisplayString();
                if (name is null || !name.StartsWith(Namespace, StringComparison.Ordinal))
                {
                    continue;
                }

                switch (name.Substring(Namespace.Length))
                {
                    case "NetworkAttribute": network = attribute; break;
                    case "InputAttribute": input = attribute; break;
                    case "SequenceInputAttribute": sequenceInput = attribute; break;
                    case "LossAttribute": loss = attribute; break;
                    case "AdamAttribute": adam = attribute; break;
                    case "SgdAttribute": sgd = attribute; break;
                    case "Conv2DAttribute":
                    case "MaxPool2DAttribute":
                    case "FlattenAttribute":
                    case "DenseAttribute":
                    case "EmbeddingAttribute":
                    case "LstmAttribute":
                        layers.Add(attribute);
                        break;
                }
            }

            // Layer order is source order, which is only defined within one declaration.
            var layerNodes = layers.Select(a => a.ApplicationSyntaxReference?.GetSyntax(ct)).ToList();
            var owners = layerNodes.Select(n => n?.FirstAncestorOrSelf<ClassDeclarationSyntax>()).Distinct().ToList();
            if (owners.Count > 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayersOnSeveralDeclarations, classLocation, className));
                return null;
            }

            layers = layers.OrderBy(a => a.ApplicationSyntaxReference?.Span.Start ?? 0).ToList();

            int batchSize = NamedInt(network, "BatchSize", 32);
            int seed = NamedInt(network, "Seed", 0);
            if (batchSize <= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.NonPositiveSize, LocationOf(network!, ct), "BatchSize", "[Network]", batchSize));
            }

            if (input is not null && sequenceInput is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SeveralInputs, LocationOf(sequenceInput, ct), className));
                return null;
            }

            input ??= sequenceInput;
            if (input is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInput, LocationOf(network!, ct), className));
                return null;
            }

            Shape? inputShape = ParseInput(input, input == sequenceInput, diagnostics, ct);
            if (inputShape is null)
            {
                return null;
            }

            if (layers.Count == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, LocationOf(input, ct), className));
                return null;
            }

            List<LayerSpec>? specs = ParseLayers(layers, inputShape.Value, System.Math.Max(batchSize, 1), network!, className, diagnostics, ct);
            LossSpec? lossSpec = ParseLoss(loss, network!, className, specs, diagnostics, ct);
            OptimizerSpec? optimizer = ParseOptimizer(adam, sgd, network!, className, diagnostics, ct);
            if (specs is null || lossSpec is null || optimizer is null)
            {
                return null;
            }

            CheckBufferSizes(specs, batchSize, network!, className, diagnostics, ct);
            string? ns = symbol.ContainingNamespace.IsGlobalNamespace ? null : symbol.ContainingNamespace.ToDisplayString();
            return new NetworkSpec(
                ns,
                className,
                new EquatableArray<string>(containingTypes),
                batchSize,
                seed,
                inputShape.Value,
                new EquatableArray<LayerSpec>(specs),
                lossSpec,
                optimizer);
        }

        private static Shape? ParseInput(AttributeData input, bool tokens, List<DiagnosticInfo> diagnostics, CancellationToken ct)
        {
            int[] dims = input.ConstructorArguments.Select(a => a.Value is int v ? v : 0).ToArray();
            string display = tokens ? "[SequenceInput]" : "[Input]";
            if (dims.Length is not (1 or 2 or 3) || input.ConstructorArguments.Any(a => a.Value is not int))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnreadableAttribute, LocationOf(input, ct), display,
                    "expected (length), (steps, features) or (height, width, channels)"));
                return null;
            }

            string[] names = dims.Length switch
            {
                1 => new[] { "Length" },
                2 => new[] { "Steps", "Features" },
                _ => new[] { "Height", "Width", "Channels" },
            };
            bool valid = true;
            for (int i = 0; i < dims.Length; i++)
            {
                if (dims[i] <= 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.NonPositiveSize, LocationOf(input, ct), names[i], display, dims[i]));
                    valid = false;
                }
            }

            if (!valid)
            {
                return null;
            }

            return dims.Length switch
            {
                1 => tokens ? Shape.Tokens(dims[0]) : Shape.Vector(dims[0]),
                2 => Shape.Sequence(dims[0], dims[1]),
                _ => Shape.Image(dims[0], dims[1], dims[2]),
            };
        }

        private static List<LayerSpec>? ParseLayers(
            List<AttributeData> layers, Shape input, int batchSize, AttributeData network, string className,
            List<DiagnosticInfo> diagnostics, CancellationToken ct)
        {
            long totalParameters = 0;
            var specs = new List<LayerSpec>();
            var nameCounts = new Dictionary<string, int>();
            Shape current = input;
            bool masked = false;
            for (int i = 0; i < layers.Count; i++)
            {
                AttributeData attribute = layers[i];
                Location location = LocationOf(attribute, ct);
                string display = $"layer {i + 1} ([{AttributeText(attribute, ct)}])";
                string kind = attribute.AttributeClass!.Name;
                bool isLast = i == layers.Count - 1;
                if (current.Kind == ShapeKind.Tokens && kind != "EmbeddingAttribute")
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TokensNeedEmbedding, location, i + 1, KindName(kind)));
                    return null;
                }

                LayerSpec? spec = kind switch
                {
                    "EmbeddingAttribute" => ParseEmbedding(attribute, i, current, display, location, diagnostics),
                    "LstmAttribute" => ParseLstm(attribute, i, current, masked, display, location, diagnostics),
                    "Conv2DAttribute" => ParseConv(attribute, i, current, display, location, diagnostics),
                    "DenseAttribute" => ParseDense(attribute, i, current, display, location, diagnostics),
                    "MaxPool2DAttribute" => ParsePool(attribute, i, current, display, location, diagnostics),
                    _ => ParseFlatten(i, current, display, location, diagnostics),
                };
                if (spec is null)
                {
                    return null;
                }

                // Sizes are ints in generated code: check them in long arithmetic before anything multiplies them.
                string? tooLarge = TooLarge(spec, batchSize, ref totalParameters);
                if (tooLarge is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, LocationOf(network, ct), className,
                        "more than " + (MaxElements * 4).ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                        $"{display}: {tooLarge}"));
                    return null;
                }

                if (spec is ConvLayerSpec { Activation: ActivationKind.Softmax } && !isLast)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxNotLast, location, i + 1, spec.KerasType));
                    return null;
                }

                // Keras names: conv2d, conv2d_1, dense, ... They name checkpoint tensors and summary rows.
                string baseName = KerasBaseName(spec.KerasType);
                nameCounts.TryGetValue(baseName, out int count);
                nameCounts[baseName] = count + 1;
                spec = spec with { Name = count == 0 ? baseName : baseName + "_" + count };
                specs.Add(spec);
                current = spec.Output;
                masked |= spec is EmbeddingLayerSpec { MaskZero: true };
            }

            return specs;
        }

        private static LayerSpec? ParseConv(
            AttributeData a, int index, Shape input, string display, Location location, List<DiagnosticInfo> diagnostics)
        {
            if (!TryCtorInts(a, out int[] args) || args.Length is not (2 or 3))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnreadableAttribute, location, display, "expected (filters, kernelSize)"));
                return null;
            }

            int filters = args[0], kh = args[1], kw = args.Length == 3 ? args[2] : args[1];
            int stride = NamedInt(a, "Stride", 1);
            var padding = (PaddingKind)NamedInt(a, "Padding", 0);
            var activation = (ActivationKind)NamedInt(a, "Activation", 0);
            if (!Positive(diagnostics, location, display, ("Filters", filters), ("Kernel height", kh), ("Kernel width", kw), ("Stride", stride))
                || !KnownEnums(diagnostics, location, display, padding, activation))
            {
                return null;
            }

            if (!input.IsImage)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerDoesNotFitInput, location, index + 1, "Conv2D", input,
                    "Conv2D needs an image (height, width, channels)"));
                return null;
            }

            if (!Window(input, kh, kw, stride, padding, out int oh, out int ow, out int top, out int left, out int bottom, out int right))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerDoesNotFitInput, location, index + 1, "Conv2D", input,
                    padding == PaddingKind.Valid
                        ? $"the {kh}x{kw} kernel is larger than the {input.Height}x{input.Width} input with valid padding"
                        : $"the {kh}x{kw} kernel with stride {stride} would need more padding than an array can hold"));
                return null;
            }

            return new ConvLayerSpec(index, string.Empty, input, Shape.Image(oh, ow, filters), false, kh, kw, stride, padding,
                top, left, bottom, right, activation);
        }

        private static LayerSpec? ParseDense(
            AttributeData a, int index, Shape input, string display, Location location, List<DiagnosticInfo> diagnostics)
        {
            if (!TryCtorInts(a, out int[] args) || args.Length != 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnreadableAttribute, location, display, "expected (units)"));
                return null;
            }

            var activation = (ActivationKind)NamedInt(a, "Activation", 0);
            if (!Positive(diagnostics, location, display, ("Units", args[0]))
                || !KnownEnums(diagnostics, location, display, PaddingKind.Valid, activation))
            {
                return null;
            }

            if (input.IsImage)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DenseOnImage, location, index + 1, input));
                return null;
            }

            // On a sequence Keras applies Dense to the last axis, once per time step: a 1x1 convolution over steps.
            Shape output = input.Kind == ShapeKind.Sequence ? Shape.Sequence(input.Steps, args[0]) : Shape.Vector(args[0]);
            return new ConvLayerSpec(index, string.Empty, input, output, true, 1, 1, 1, PaddingKind.Valid,
                0, 0, 0, 0, activation);
        }

        private static LayerSpec? ParsePool(
            AttributeData a, int index, Shape input, string display, Location location, List<DiagnosticInfo> diagnostics)
        {
            if (!TryCtorInts(a, out int[] args) || args.Length != 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnreadableAttribute, location, display, "expected (poolSize)"));
                return null;
            }

            int pool = args[0];
            int stride = NamedInt(a, "Stride", 0);
            var padding = (PaddingKind)NamedInt(a, "Padding", 0);
            if (stride == 0)
            {
                stride = pool;
            }

            if (!Positive(diagnostics, location, display, ("Pool size", pool), ("Stride", stride))
                || !KnownEnums(diagnostics, location, display, padding, ActivationKind.Linear))
            {
                return null;
            }

            if (!input.IsImage)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerDoesNotFitInput, location, index + 1, "MaxPool2D", input,
                    "MaxPool2D needs an image (height, width, channels)"));
                return null;
            }

            if (!Window(input, pool, pool, stride, padding, out int oh, out int ow, out int top, out int left, out _, out _))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerDoesNotFitInput, location, index + 1, "MaxPool2D", input,
                    $"the {pool}x{pool} pool is larger than the {input.Height}x{input.Width} input with valid padding"));
                return null;
            }

            return new MaxPoolLayerSpec(index, string.Empty, input, Shape.Image(oh, ow, input.Channels), pool, stride, padding, top, left);
        }

        private static LayerSpec? ParseEmbedding(
            AttributeData a, int index, Shape input, string display, Location location, List<DiagnosticInfo> diagnostics)
        {
            if (input.Kind != ShapeKind.Tokens)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmbeddingNeedsTokens, location, index + 1, input));
                return null;
            }

            if (!TryCtorInts(a, out int[] args) || args.Length != 2)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnreadableAttribute, location, display, "expected (inputDim, outputDim)"));
                return null;
            }

            if (!Positive(diagnostics, location, display, ("InputDim", args[0]), ("OutputDim", args[1])))
            {
                return null;
            }

            return new EmbeddingLayerSpec(index, string.Empty, input, Shape.Sequence(input.Steps, args[1]), args[0], args[1],
                NamedBool(a, "MaskZero"));
        }

        private static LayerSpec? ParseLstm(
            AttributeData a, int index, Shape input, bool masked, string display, Location location, List<DiagnosticInfo> diagnostics)
        {
            if (!TryCtorInts(a, out int[] args) || args.Length != 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnreadableAttribute, location, display, "expected (units)"));
                return null;
            }

            if (!Positive(diagnostics, location, display, ("Units", args[0])))
            {
                return null;
            }

            if (input.Kind != ShapeKind.Sequence)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerDoesNotFitInput, location, index + 1, "Lstm", input,
                    "Lstm needs a sequence (steps, features): declare [Input(steps, features)] or [SequenceInput] with " +
                    "[Embedding], or set ReturnSequences = true on the LSTM before it"));
                return null;
            }

            bool returnSequences = NamedBool(a, "ReturnSequences");
            Shape output = returnSequences ? Shape.Sequence(input.Steps, args[0]) : Shape.Vector(args[0]);
            return new LstmLayerSpec(index, string.Empty, input, output, args[0], returnSequences, masked);
        }

        private static LayerSpec? ParseFlatten(int index, Shape input, string display, Location location, List<DiagnosticInfo> diagnostics)
        {
            if (input.Kind == ShapeKind.Vector)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerDoesNotFitInput, location, index + 1, "Flatten", input,
                    "the input is already a vector; remove [Flatten]"));
                return null;
            }

            return new FlattenLayerSpec(index, string.Empty, input, Shape.Vector(input.Length));
        }

        /// <summary>The most elements one generated array may hold (the runtime's array limit, rounded down).</summary>
        private const long MaxElements = 0x7FFF_FFC0;

        /// <summary>What about a layer would not fit the generated code's int sizes and arrays, or null.</summary>
        private static string? TooLarge(LayerSpec spec, long batch, ref long totalParameters)
        {
            static long Length(Shape s) => (long)s.Height * s.Width * s.Channels;
            long largest = batch * System.Math.Max(Length(spec.Input), Length(spec.Output));
            long parameters = 0;
            switch (spec)
            {
                case ConvLayerSpec c:
                    parameters = (long)c.KernelHeight * c.KernelWidth * c.InChannels * c.OutChannels + c.OutChannels;
                    long padded = ((long)c.Input.Height + c.PadTop + c.PadBottom) * ((long)c.Input.Width + c.PadLeft + c.PadRight);
                    largest = System.Math.Max(largest, batch * padded * c.InChannels);
                    break;
                case EmbeddingLayerSpec e:
                    parameters = (long)e.InputDim * e.OutputDim;
                    break;
                case LstmLayerSpec l:
                    long gates = 4L * l.Units;
                    parameters = (long)l.Features * gates + l.Units * gates + gates;
                    largest = System.Math.Max(largest, batch * l.Steps * gates);
                    break;
            }

            totalParameters += parameters;
            if (largest > MaxElements)
            {
                return $"a buffer of {largest:N0} elements for a batch would not fit in an array";
            }

            return parameters > MaxElements || totalParameters > MaxElements
                ? $"{totalParameters:N0} parameters would not fit in an array"
                : null;
        }

        /// <summary>
        /// Keras' output size and padding for a window: valid floors, same gives ceil(input / stride) and puts the
        /// odd padding pixel at the bottom and right.
        /// </summary>
        private static bool Window(
            Shape input, int kh, int kw, int stride, PaddingKind padding,
            out int outHeight, out int outWidth, out int top, out int left, out int bottom, out int right)
        {
            top = left = bottom = right = 0;
            if (padding == PaddingKind.Valid)
            {
                outHeight = input.Height >= kh ? (int)(((long)input.Height - kh) / stride + 1) : 0;
                outWidth = input.Width >= kw ? (int)(((long)input.Width - kw) / stride + 1) : 0;
                return outHeight > 0 && outWidth > 0;
            }

            // In long arithmetic: a stride or kernel near int.MaxValue must not wrap (Keras gives 1 output then).
            outHeight = (int)(((long)input.Height + stride - 1) / stride);
            outWidth = (int)(((long)input.Width + stride - 1) / stride);
            long padHeight = Math.Max((long)(outHeight - 1) * stride + kh - input.Height, 0);
            long padWidth = Math.Max((long)(outWidth - 1) * stride + kw - input.Width, 0);
            if (padHeight > int.MaxValue / 2 || padWidth > int.MaxValue / 2)
            {
                return false;
            }

            top = (int)(padHeight / 2);
            bottom = (int)(padHeight - top);
            left = (int)(padWidth / 2);
            right = (int)(padWidth - left);
            return true;
        }

        private static LossSpec? ParseLoss(
            AttributeData? loss, AttributeData network, string className, List<LayerSpec>? layers,
            List<DiagnosticInfo> diagnostics, CancellationToken ct)
        {
            if (loss is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingTraining, LocationOf(network, ct), className, "loss",
                    "[Loss(LossFunction.SparseCategoricalCrossEntropy)]"));
                return null;
            }

            // LossFunction has one member, 0; a cast such as (LossFunction)5 compiles but names no loss.
            if (loss.ConstructorArguments.Length != 1 || loss.ConstructorArguments[0].Value is not int function || function != 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnreadableAttribute, LocationOf(loss, ct), "[Loss]",
                    "LossFunction is not one of the enum's named values"));
                return null;
            }

            bool fromLogits = NamedBool(loss, "FromLogits");
            if (layers is null)
            {
                return null;
            }

            LayerSpec last = layers[layers.Count - 1];
            ActivationKind activation = last is ConvLayerSpec conv ? conv.Activation : ActivationKind.Linear;
            string? problem = null;
            if (last.Output.Kind != ShapeKind.Vector || last is not ConvLayerSpec)
            {
                problem = $"the last layer outputs {last.Output}, but the loss needs one score per class from Dense";
            }
            else if (!fromLogits && activation != ActivationKind.Softmax)
            {
                problem = $"the last layer's activation is {activation}, so its outputs are not probabilities: " +
                    "use Activation.Softmax, or Activation.Linear with FromLogits = true";
            }
            else if (fromLogits && activation != ActivationKind.Linear)
            {
                problem = $"FromLogits = true needs a Linear last layer, but its activation is {activation}";
            }

            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LossDoesNotFit, LocationOf(loss, ct), problem));
                return null;
            }

            return new LossSpec(LossKind.SparseCategoricalCrossEntropy, fromLogits);
        }

        private static OptimizerSpec? ParseOptimizer(
            AttributeData? adam, AttributeData? sgd, AttributeData network, string className,
            List<DiagnosticInfo> diagnostics, CancellationToken ct)
        {
            if (adam is not null && sgd is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SeveralOptimizers, LocationOf(sgd, ct), className));
                return null;
            }

            if (adam is null && sgd is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingTraining, LocationOf(network, ct), className,
                    "optimizer", "[Adam] or [Sgd]"));
                return null;
            }

            AttributeData attribute = (adam ?? sgd)!;
            Location location = LocationOf(attribute, ct);
            bool ok = true;
            void Check(string name, float value, bool inRange, string range)
            {
                if (!inRange)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, location, name,
                        adam is not null ? "[Adam]" : "[Sgd]", range, value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
                    ok = false;
                }
            }

            if (adam is not null)
            {
                float lr = NamedFloat(adam, "LearningRate", 0.001f), b1 = NamedFloat(adam, "Beta1", 0.9f);
                float b2 = NamedFloat(adam, "Beta2", 0.999f), eps = NamedFloat(adam, "Epsilon", 1e-7f);
                Check("LearningRate", lr, lr > 0 && !float.IsInfinity(lr), "(0, +inf)");
                Check("Beta1", b1, b1 >= 0 && b1 < 1, "[0, 1)");
                Check("Beta2", b2, b2 >= 0 && b2 < 1, "[0, 1)");
                Check("Epsilon", eps, eps > 0 && !float.IsInfinity(eps), "(0, +inf)");
            }

            float clipNorm = NamedFloat(attribute, "ClipNorm", 0f), globalClipNorm = NamedFloat(attribute, "GlobalClipNorm", 0f);
            Check("ClipNorm", clipNorm, clipNorm >= 0 && !float.IsInfinity(clipNorm), "[0, +inf), 0 = off");
            Check("GlobalClipNorm", globalClipNorm, globalClipNorm >= 0 && !float.IsInfinity(globalClipNorm), "[0, +inf), 0 = off");
            if (adam is not null)
            {
                return ok
                    ? new OptimizerSpec(OptimizerKind.Adam, NamedFloat(adam, "LearningRate", 0.001f), NamedFloat(adam, "Beta1", 0.9f),
                        NamedFloat(adam, "Beta2", 0.999f), NamedFloat(adam, "Epsilon", 1e-7f), 0f, clipNorm, globalClipNorm)
                    : null;
            }

            float rate = NamedFloat(sgd!, "LearningRate", 0.01f), momentum = NamedFloat(sgd!, "Momentum", 0f);
            Check("LearningRate", rate, rate > 0 && !float.IsInfinity(rate), "(0, +inf)");
            Check("Momentum", momentum, momentum >= 0 && momentum < 1, "[0, 1)");
            return ok ? new OptimizerSpec(OptimizerKind.Sgd, rate, 0f, 0f, 0f, momentum, clipNorm, globalClipNorm) : null;
        }

        /// <summary>Every buffer is one array: a length past int.MaxValue cannot exist, and a huge total deserves a warning.</summary>
        private static void CheckBufferSizes(
            List<LayerSpec> layers, int batchSize, AttributeData network, string className,
            List<DiagnosticInfo> diagnostics, CancellationToken ct)
        {
            long parameters = layers.Sum(l => (long)l.ParameterCount);
            long activations = layers.Sum(l => (long)l.Output.Length * batchSize);
            long largest = Math.Max(parameters, layers.Max(l => (long)Math.Max(l.Output.Length, l.Input.Length) * batchSize));
            long bytes = 4 * (parameters * 4 + activations * 2);
            if (largest > int.MaxValue / 2)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, LocationOf(network, ct), className, bytes,
                    "one of its buffers would hold more elements than an array can"));
            }
            else if (bytes > LargeModelBytes)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LargeModel, LocationOf(network, ct), className, bytes));
            }
        }

        private static bool Positive(
            List<DiagnosticInfo> diagnostics, Location location, string display, params (string Name, int Value)[] values)
        {
            bool ok = true;
            foreach ((string name, int value) in values)
            {
                if (value <= 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveSize, location, name, display, value));
                    ok = false;
                }
            }

            return ok;
        }

        private static bool KnownEnums(
            List<DiagnosticInfo> diagnostics, Location location, string display, PaddingKind padding, ActivationKind activation)
        {
            if (padding is PaddingKind.Valid or PaddingKind.Same && activation is >= ActivationKind.Linear and <= ActivationKind.Softmax)
            {
                return true;
            }

            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnreadableAttribute, location, display,
                "Padding or Activation is not one of the enum's named values"));
            return false;
        }

        private static bool TryCtorInts(AttributeData attribute, out int[] values)
        {
            values = attribute.ConstructorArguments.Select(a => a.Value is int v ? v : int.MinValue).ToArray();
            return attribute.ConstructorArguments.All(a => a.Kind == TypedConstantKind.Primitive && a.Value is int);
        }

        private static int NamedInt(AttributeData? attribute, string name, int fallback) =>
            Named(attribute, name) is { Value: int value } ? value : fallback;

        private static float NamedFloat(AttributeData attribute, string name, float fallback) =>
            Named(attribute, name) is { Value: float value } ? value : fallback;

        private static bool NamedBool(AttributeData attribute, string name) =>
            Named(attribute, name) is { Value: bool value } && value;

        private static TypedConstant? Named(AttributeData? attribute, string name)
        {
            if (attribute is null)
            {
                return null;
            }

            foreach (KeyValuePair<string, TypedConstant> pair in attribute.NamedArguments)
            {
                if (pair.Key == name)
                {
                    return pair.Value;
                }
            }

            return null;
        }

        private static Location LocationOf(AttributeData attribute, CancellationToken ct) =>
            attribute.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation() ?? Location.None;

        private static string AttributeText(AttributeData attribute, CancellationToken ct) =>
            attribute.ApplicationSyntaxReference?.GetSyntax(ct).ToString() ?? attribute.AttributeClass?.Name ?? "?";

        private static string KerasBaseName(string kerasType) => kerasType switch
        {
            "Conv2D" => "conv2d",
            "Dense" => "dense",
            "MaxPooling2D" => "max_pooling2d",
            "Embedding" => "embedding",
            "LSTM" => "lstm",
            _ => "flatten",
        };

        private static string KindName(string attributeClass) =>
            attributeClass.EndsWith("Attribute", StringComparison.Ordinal)
                ? attributeClass.Substring(0, attributeClass.Length - "Attribute".Length)
                : attributeClass;

        private static string TypeKeyword(INamedTypeSymbol type) => (type.IsRecord, type.TypeKind) switch
        {
            (true, TypeKind.Struct) => "record struct",
            (true, _) => "record",
            (_, TypeKind.Struct) => "struct",
            (_, TypeKind.Interface) => "interface",
            _ => "class",
        };
    }
}
