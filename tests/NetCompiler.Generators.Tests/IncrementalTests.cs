using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetCompiler.Generators.Tests.Helpers;
using Xunit;

namespace NetCompiler.Generators.Tests;

/// <summary>
/// The generator runs on every keystroke in an IDE, so edits that cannot change a network must reuse the cached spec
/// and emit nothing new, while edits to the network must regenerate it. Each test runs the same driver twice.
/// </summary>
public sealed class IncrementalTests
{
    private const string FashionCnn = """
        using NetCompiler;

        namespace Samples;

        public static class Helpers
        {
            public static int Answer() => 42;
        }

        [Network(BatchSize = 32, Seed = 42)]
        [Input(28, 28, 1)]
        [Conv2D(32, 3, Activation = Activation.ReLU)]
        [MaxPool2D(2)]
        [Conv2D(64, 3, Activation = Activation.ReLU)]
        [MaxPool2D(2)]
        [Flatten]
        [Dense(128, Activation = Activation.ReLU)]
        [Dense(10, Activation = Activation.Softmax)]
        [Loss(LossFunction.SparseCategoricalCrossEntropy)]
        [Adam(LearningRate = 0.001f)]
        public partial class FashionCnn;
        """;

    [Fact]
    public void SameCompilationAgain_LeavesEverythingCached()
    {
        CSharpCompilation compilation = GeneratorRunner.CreateCompilation(FashionCnn);
        GeneratorRun first = GeneratorRunner.Run(compilation, GeneratorRunner.CreateDriver());

        GeneratorRun second = GeneratorRunner.Run(compilation, first.Driver);

        AssertSpecReasons(second, IncrementalStepRunReason.Cached);
        AssertSourceOutputReasons(second, IncrementalStepRunReason.Cached);
        Assert.Equal(first.SingleSourceText(), second.SingleSourceText());
    }

    [Fact]
    public void UnrelatedFileAdded_LeavesSpecCached()
    {
        CSharpCompilation compilation = GeneratorRunner.CreateCompilation(FashionCnn);
        GeneratorRun first = GeneratorRunner.Run(compilation, GeneratorRunner.CreateDriver());

        CSharpCompilation edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Other; public sealed class Unrelated { public int Value { get; set; } }",
            GeneratorRunner.ParseOptions,
            path: "Unrelated.cs"));
        GeneratorRun second = GeneratorRunner.Run(edited, first.Driver);

        AssertSpecReasons(second, IncrementalStepRunReason.Cached);
        AssertSourceOutputReasons(second, IncrementalStepRunReason.Cached);
        Assert.Equal(first.SingleSourceText(), second.SingleSourceText());
    }

    [Fact]
    public void UnrelatedMethodEditedInSameFile_LeavesSpecUnchanged()
    {
        // The file holding the network changes, so Roslyn parses the network again; the resulting spec compares
        // equal to the old one, and that comparison is what stops the emitter from running.
        CSharpCompilation compilation = GeneratorRunner.CreateCompilation(FashionCnn);
        GeneratorRun first = GeneratorRunner.Run(compilation, GeneratorRunner.CreateDriver());

        GeneratorRun second = GeneratorRunner.Run(
            Edit(
                compilation,
                "public static int Answer() => 42;",
                "public static int Answer()\n    {\n        return 41;\n    }"),
            first.Driver);

        AssertStepReasons(second, NetworkGenerator.StepNames.Parse, IncrementalStepRunReason.Unchanged);
        AssertSpecReasons(second, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertSourceOutputReasons(second, IncrementalStepRunReason.Cached);
        Assert.Equal(first.SingleSourceText(), second.SingleSourceText());
    }

    [Fact]
    public void LayerChanged_RegeneratesSource()
    {
        CSharpCompilation compilation = GeneratorRunner.CreateCompilation(FashionCnn);
        GeneratorRun first = GeneratorRunner.Run(compilation, GeneratorRunner.CreateDriver());

        GeneratorRun second = GeneratorRunner.Run(
            Edit(
                compilation,
                "[Dense(128, Activation = Activation.ReLU)]",
                "[Dense(64, Activation = Activation.ReLU)]"),
            first.Driver);

        AssertSpecReasons(second, IncrementalStepRunReason.Modified);
        AssertSourceOutputReasons(second, IncrementalStepRunReason.Modified);
        string before = first.SingleSourceText();
        string after = second.SingleSourceText();
        Assert.NotEqual(before, after);
        Assert.Contains("// Layer 6: dense (Dense), (1600) -> (128)", before, StringComparison.Ordinal);
        Assert.Contains("// Layer 6: dense (Dense), (1600) -> (64)", after, StringComparison.Ordinal);
        Assert.Empty(second.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void OptimizerSettingChanged_RegeneratesSource()
    {
        CSharpCompilation compilation = GeneratorRunner.CreateCompilation(FashionCnn);
        GeneratorRun first = GeneratorRunner.Run(compilation, GeneratorRunner.CreateDriver());

        GeneratorRun second = GeneratorRunner.Run(
            Edit(compilation, "[Adam(LearningRate = 0.001f)]", "[Adam(LearningRate = 0.002f)]"), first.Driver);

        AssertSpecReasons(second, IncrementalStepRunReason.Modified);
        Assert.NotEqual(first.SingleSourceText(), second.SingleSourceText());
    }

    [Fact]
    public void LineAddedAboveInvalidNetwork_MovesItsDiagnostic()
    {
        // Locations live only on the diagnostics branch; that branch must not serve a stale line from its cache.
        const string invalid = """
            using NetCompiler;

            [Network]
            [Input(28, 28, 1)]
            [Dense(10, Activation = Activation.Softmax)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy)]
            [Adam]
            public partial class Net;
            """;
        CSharpCompilation compilation = GeneratorRunner.CreateCompilation(invalid);
        GeneratorRun first = GeneratorRunner.Run(compilation, GeneratorRunner.CreateDriver());

        GeneratorRun second = GeneratorRunner.Run(
            Edit(compilation, "using NetCompiler;", "using NetCompiler;\n// A comment that moves the network down."),
            first.Driver);

        Diagnostic before = Assert.Single(first.GeneratorDiagnostics);
        Diagnostic after = Assert.Single(second.GeneratorDiagnostics);
        Assert.Equal("NC0004", after.Id);
        Assert.Equal(
            before.Location.GetLineSpan().StartLinePosition.Line + 1,
            after.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Empty(second.Sources);
    }

    [Fact]
    public void PipelineOutputs_HoldNoRoslynObjects()
    {
        // A symbol, syntax node or compilation held in the cache would keep an old compilation alive and, worse,
        // make equal networks compare unequal, so nothing would ever be cached.
        GeneratorRun run = GeneratorRunner.Run(FashionCnn);

        foreach (string step in new[] { NetworkGenerator.StepNames.Parse, NetworkGenerator.StepNames.Spec })
        {
            foreach (IncrementalGeneratorRunStep runStep in run.Result.TrackedSteps[step])
            {
                foreach ((object value, IncrementalStepRunReason _) in runStep.Outputs)
                {
                    AssertNoRoslynObjects(value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
                }
            }
        }
    }

    private static CSharpCompilation Edit(CSharpCompilation compilation, string oldText, string newText)
    {
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        string text = tree.GetText().ToString();
        Assert.Contains(oldText, text, StringComparison.Ordinal);
        int start = text.IndexOf(oldText, StringComparison.Ordinal);
        SyntaxTree edited = tree.WithChangedText(tree.GetText().Replace(start, oldText.Length, newText));
        return compilation.ReplaceSyntaxTree(tree, edited);
    }

    private static void AssertSpecReasons(GeneratorRun run, params IncrementalStepRunReason[] allowed) =>
        AssertStepReasons(run, NetworkGenerator.StepNames.Spec, allowed);

    private static void AssertStepReasons(GeneratorRun run, string stepName, params IncrementalStepRunReason[] allowed)
    {
        ImmutableArray<IncrementalGeneratorRunStep> steps = run.Result.TrackedSteps[stepName];
        IncrementalStepRunReason[] reasons = steps.SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
        Assert.NotEmpty(reasons);
        Assert.True(
            reasons.All(allowed.Contains),
            $"step {stepName}: expected only {string.Join("/", allowed)}, got {string.Join(", ", reasons)}");
    }

    private static void AssertSourceOutputReasons(GeneratorRun run, IncrementalStepRunReason expected)
    {
        // Roslyn tracks what each RegisterSourceOutput did; the source branch is the one fed by the Spec step.
        IncrementalStepRunReason[] reasons = run.Result.TrackedOutputSteps
            .SelectMany(pair => pair.Value)
            .Where(step => step.Inputs.Any(input => input.Source.Name == NetworkGenerator.StepNames.Spec))
            .SelectMany(step => step.Outputs)
            .Select(output => output.Reason)
            .ToArray();
        Assert.NotEmpty(reasons);
        Assert.Contains(expected, reasons);
        if (expected == IncrementalStepRunReason.Cached)
        {
            Assert.All(reasons, r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        }
    }

    private static void AssertNoRoslynObjects(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        Type type = value.GetType();
        Assert.False(
            value is ISymbol or SyntaxNode or SyntaxTree or Compilation or SemanticModel
                || value is Location { IsInSource: true },
            $"{path} holds a {type.FullName}");

        // Descriptors are static singletons shared by every run, so holding one keeps nothing alive.
        if (value is DiagnosticDescriptor || (!type.IsValueType && !seen.Add(value)))
        {
            return;
        }

        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (object? item in items)
            {
                AssertNoRoslynObjects(item, $"{path}[{i++}]", seen);
            }

            return;
        }

        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            const BindingFlags declaredFields =
                BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
            foreach (FieldInfo field in t.GetFields(declaredFields))
            {
                AssertNoRoslynObjects(field.GetValue(value), $"{path}.{field.Name}", seen);
            }
        }
    }
}
