using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NetCompiler.Generators.Tests.Helpers;
using Xunit;
using Xunit.Abstractions;

namespace NetCompiler.Generators.Tests;

/// <summary>
/// A deterministic fuzz: random declarations, many of them nonsense, must never crash the generator, and must either
/// be rejected with an error and no code, or produce code that compiles without a single warning.
/// </summary>
public sealed class GeneratorRobustnessTests
{
    // Valid declarations dominate the run time, and a valid LSTM model takes two to three times as long to compile
    // as a valid image model. This count yields about 30 valid declarations in under a minute on two cores.
    private const int Count = 240;

    private readonly ITestOutputHelper _output;

    public GeneratorRobustnessTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void RandomDeclarations_NeverThrowAndFailCleanlyOrCompileCleanly()
    {
        // Declarations come from one seeded Random up front, so a failure names a case that reproduces exactly.
        const int seed = 20250601;
        var factory = new DeclarationFactory(new Random(seed));
        string[] declarations = Enumerable.Range(0, Count).Select(_ => factory.Create()).ToArray();

        // Compiling a generated network binds a few thousand lines of vector code (about a second), which is why
        // the cases run in parallel and why only a minority of them is valid.
        var stopwatch = Stopwatch.StartNew();
        var outcomes = new Outcome[Count];
        Parallel.For(0, Count, i => outcomes[i] = Check(declarations[i]));
        stopwatch.Stop();

        int generated = outcomes.Count(o => o.Generated);
        _output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{Count} declarations, {generated} generated, {Count - generated} rejected, " +
            $"{stopwatch.Elapsed.TotalSeconds:F1} s"));
        string[] failures = outcomes
            .Select((o, i) => (Outcome: o, Index: i))
            .Where(x => x.Outcome.Problem is not null)
            .Select(x => $"case {x.Index}: {x.Outcome.Problem}\n{declarations[x.Index]}")
            .ToArray();
        Assert.True(
            failures.Length == 0,
            $"{failures.Length} of {Count} failed (seed {seed}):\n\n" + string.Join("\n\n", failures.Take(5)));

        // Both halves of the property must be exercised, or the fuzz has drifted into testing nothing.
        Assert.InRange(generated, Count / 10, Count / 3);
    }

    private static Outcome Check(string declaration)
    {
        GeneratorRun run = GeneratorRunner.Run(declaration);
        if (run.Exception is not null)
        {
            return new Outcome(false, "the generator threw " + run.Exception);
        }

        Diagnostic[] errors = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        if (errors.Length > 0)
        {
            // NC0013 is the generator admitting an internal failure: a bug whatever the input.
            return run.Sources.IsEmpty && errors.All(e => e.Id != "NC0013")
                ? new Outcome(false, null)
                : new Outcome(false, $"errors with {run.Sources.Length} source(s): " + Describe(errors));
        }

        if (run.Sources.Length != 1)
        {
            return new Outcome(
                false, $"no error but {run.Sources.Length} sources; {Describe(run.GeneratorDiagnostics)}");
        }

        // The only thing the generator may say about a network it compiles is that its buffers are large.
        Diagnostic[] unexpected = run.GeneratorDiagnostics.Where(d => d.Id != "NC0017").ToArray();
        Diagnostic[] compiler = run.CompilationDiagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .ToArray();
        if (unexpected.Length > 0 || compiler.Length > 0)
        {
            return new Outcome(
                true, "generated code does not compile cleanly: " + Describe(unexpected.Concat(compiler).Take(5)));
        }

        // Code that compiles can still be wrong in a way any reader would spot: a buffer of no elements means a
        // size was lost (an int product that wrapped around, say) between the attributes and the emitter.
        string[] empty = s_lengthConstant.Matches(run.Sources[0].SourceText.ToString())
            .Where(m => long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) <= 0)
            .Select(m => m.Value)
            .ToArray();
        return empty.Length == 0
            ? new Outcome(true, null)
            : new Outcome(true, "generated sizes that are not positive: " + string.Join("; ", empty));
    }

    private static readonly Regex s_lengthConstant = new(
        @"const int (\w*(?:Length|Count)) = (-?\d+);", RegexOptions.CultureInvariant);

    private static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("; ", diagnostics.Select(d => d.ToString()));

    private sealed record Outcome(bool Generated, string? Problem);

    /// <summary>
    /// Writes one random declaration. Some follow the usual shape so that enough are valid: images, then Flatten; or
    /// token ids, then Embedding; or float sequences; then LSTMs (all but the last returning sequences) or Flatten,
    /// then Dense, Softmax or logits last. The rest are any sequence of layers. Arguments are mostly plausible and
    /// sometimes absurd: zero, negative, int.MinValue, int.MaxValue or large powers of two.
    /// </summary>
    private sealed class DeclarationFactory
    {
        private static readonly string[] s_activations = { "Linear", "ReLU", "Sigmoid", "Tanh", "Softmax" };

        private readonly Random _random;

        // A sane declaration draws only plausible arguments and a matching loss and optimizer; it may still be
        // invalid through its shapes (a kernel larger than what is left of the image).
        private bool _sane;

        public DeclarationFactory(Random random)
        {
            _random = random;
        }

        /// <summary>What one sample is, which decides the input attribute and the usual layers after it.</summary>
        private enum InputKind
        {
            Image,
            Vector,
            FloatSequence,
            Tokens,
        }

        public string Create()
        {
            _sane = Chance(0.08);
            var b = new StringBuilder("using NetCompiler;\n\nnamespace Fuzz;\n\n");
            b.Append(Chance(0.85)
                ? $"[Network(BatchSize = {Size(1, 16)}, Seed = {_random.Next(-5, 5)})]\n"
                : "[Network]\n");
            InputKind kind = _random.NextDouble() switch
            {
                < 0.45 => InputKind.Image,
                < 0.65 => InputKind.Vector,
                < 0.8 => InputKind.FloatSequence,
                _ => InputKind.Tokens,
            };
            if (_sane || Chance(0.95))
            {
                b.Append(kind switch
                {
                    InputKind.Image =>
                        $"[Input({Size(_sane ? 6 : 1, 16)}, {Size(_sane ? 6 : 1, 16)}, {Size(1, 4)})]\n",
                    InputKind.Vector => $"[Input({Size(1, 48)})]\n",
                    InputKind.FloatSequence => $"[Input({Size(1, 12)}, {Size(1, 6)})]\n",
                    _ => $"[SequenceInput({Size(1, 12)})]\n",
                });
            }

            // Both inputs at once (NC0018), whichever comes first.
            if (!_sane && Chance(0.03))
            {
                b.Append(kind == InputKind.Tokens ? $"[Input({Size(1, 48)})]\n" : $"[SequenceInput({Size(1, 12)})]\n");
            }

            List<string> layers = _sane || Chance(0.4) ? UsualLayers(kind) : AnyLayers();
            foreach (string layer in layers)
            {
                b.Append('[').Append(layer).Append("]\n");
            }

            bool logits = layers.Count > 0 && !layers[layers.Count - 1].Contains("Softmax", StringComparison.Ordinal);
            if (_sane || Chance(0.9))
            {
                b.Append((_sane ? logits : Chance(0.3))
                    ? "[Loss(LossFunction.SparseCategoricalCrossEntropy, FromLogits = true)]\n"
                    : "[Loss(LossFunction.SparseCategoricalCrossEntropy)]\n");
            }

            double optimizer = _sane ? _random.NextDouble() * 0.9 : _random.NextDouble();
            b.Append(optimizer switch
            {
                < 0.45 => Chance(0.7) ? "[Adam]\n" : $"[Adam(LearningRate = {Rate()}, Beta1 = {Rate()}{Clipping()})]\n",
                < 0.9 => Chance(0.5) ? "[Sgd]\n" : $"[Sgd(LearningRate = {Rate()}, Momentum = {Rate()}{Clipping()})]\n",
                < 0.95 => "[Adam]\n[Sgd]\n",
                _ => string.Empty,
            });
            b.Append("public partial class Net;\n");
            return b.ToString();
        }

        private List<string> UsualLayers(InputKind kind)
        {
            var layers = new List<string>();
            if (kind == InputKind.Image)
            {
                for (int i = _random.Next(0, 4); i > 0; i--)
                {
                    layers.Add(Chance(0.6) ? Conv() : Pool());
                }

                layers.Add("Flatten");
            }
            else if (kind != InputKind.Vector)
            {
                if (kind == InputKind.Tokens)
                {
                    layers.Add(Embedding());
                }

                // Per-step layers keep the time axis; then one LSTM keeps only the last step, or Flatten keeps all.
                for (int i = _random.Next(0, 3); i > 0; i--)
                {
                    layers.Add(Chance(0.7) ? Lstm(returnSequences: _sane || Chance(0.9)) : Dense(Hidden()));
                }

                layers.Add(Chance(0.7) ? Lstm(returnSequences: !_sane && Chance(0.1)) : "Flatten");
            }

            for (int i = _random.Next(0, 3); i > 0; i--)
            {
                layers.Add(Dense(Hidden()));
            }

            layers.Add(Dense(_sane ? (Chance(0.7) ? "Softmax" : "Linear") : Chance(0.8) ? "Softmax" : null));
            return layers;
        }

        private List<string> AnyLayers()
        {
            var layers = new List<string>();
            for (int i = _random.Next(0, 9); i > 0; i--)
            {
                layers.Add(_random.Next(6) switch
                {
                    0 => Conv(),
                    1 => Pool(),
                    2 => "Flatten",
                    3 => Embedding(),
                    4 => Lstm(Chance(0.5)),
                    _ => Dense(null),
                });
            }

            return layers;
        }

        /// <summary>A hidden layer's activation: never Softmax in a sane declaration, and rarely left out.</summary>
        private string? Hidden() => _sane || Chance(0.8) ? s_activations[_random.Next(0, 4)] : null;

        private string Embedding() =>
            $"Embedding({Size(1, 50)}, {Size(1, 12)}" + (Chance(0.4) ? ", MaskZero = true" : "") + ")";

        private string Lstm(bool returnSequences) =>
            $"Lstm({Size(1, 12)}" + (returnSequences ? ", ReturnSequences = true" : "") + ")";

        /// <summary>Keras' gradient clipping, usually off; the same values as the other hyperparameters.</summary>
        private string Clipping()
        {
            var options = new StringBuilder();
            if (Chance(0.3))
            {
                options.Append(", ClipNorm = ").Append(Rate());
            }

            if (Chance(0.3))
            {
                options.Append(", GlobalClipNorm = ").Append(Rate());
            }

            return options.ToString();
        }

        private string Conv()
        {
            string kernel = Chance(0.8) ? $"{Size(1, 4)}" : $"{Size(1, 4)}, {Size(1, 4)}";
            return $"Conv2D({Size(1, 12)}, {kernel}{Options(stride: true, padding: true, activation: true)})";
        }

        private string Pool() => $"MaxPool2D({Size(1, 3)}{Options(stride: true, padding: true, activation: false)})";

        private string Dense(string? activation) =>
            $"Dense({Size(1, 24)}" +
            (activation is null ? Options(false, false, true) : ", Activation = Activation." + activation) + ")";

        private string Options(bool stride, bool padding, bool activation)
        {
            var options = new StringBuilder();
            if (stride && Chance(0.3))
            {
                options.Append(", Stride = ").Append(Size(1, 3));
            }

            if (padding && Chance(0.4))
            {
                options.Append(_sane || Chance(0.95) ? ", Padding = Padding.Same" : ", Padding = (Padding)3");
            }

            if (activation && Chance(0.6))
            {
                // Sane hidden layers never use Softmax, which only the last layer may.
                options.Append(
                    _sane ? ", Activation = Activation." + s_activations[_random.Next(4)]
                    : Chance(0.97) ? ", Activation = Activation." + s_activations[_random.Next(s_activations.Length)]
                    : ", Activation = (Activation)(-1)");
            }

            return options.ToString();
        }

        /// <summary>A size in [min, max]; outside sane declarations, sometimes zero, negative or enormous.</summary>
        private string Size(int min, int max)
        {
            double roll = _sane ? 1 : _random.NextDouble();
            return roll switch
            {
                < 0.03 => "0",
                < 0.06 => (-_random.Next(1, 100)).ToString(CultureInfo.InvariantCulture),
                < 0.09 => _random.Next(4) switch
                {
                    0 => "int.MaxValue",
                    1 => "int.MinValue",
                    2 => "65536",
                    _ => (1 << _random.Next(10, 31)).ToString(CultureInfo.InvariantCulture),
                },
                _ => _random.Next(min, max + 1).ToString(CultureInfo.InvariantCulture),
            };
        }

        private string Rate() => _sane ? "0.01f" : _random.Next(6) switch
        {
            0 => "0f",
            1 => "-0.5f",
            2 => "1f",
            3 => "float.NaN",
            _ => "0.01f",
        };

        private bool Chance(double probability) => _random.NextDouble() < probability;
    }
}
