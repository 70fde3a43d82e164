using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetCompiler.Generators.Tests.Helpers;
using Xunit;

namespace NetCompiler.Generators.Tests;

/// <summary>
/// Rules about the generated text that hold for every network, and that a snapshot diff would only show one
/// network at a time: layout (the project never puts two blank lines in a row) and doc comments that describe the model
/// they are generated for.
/// </summary>
public sealed class GeneratedSourceTests
{
    private const string Training = """
        [Loss(LossFunction.SparseCategoricalCrossEntropy)]
        [Adam]
        public partial class Net;
        """;

    /// <summary>One small network per input kind: image, vector, float sequence (it streams), token ids.</summary>
    public static TheoryData<string> Declarations => new()
    {
        "[Input(6, 6, 1)] [Conv2D(2, 3)] [Flatten] [Dense(2, Activation = Activation.Softmax)]",
        "[Input(4)] [Dense(2, Activation = Activation.Softmax)]",
        "[Input(5, 2)] [Lstm(3)] [Dense(2, Activation = Activation.Softmax)]",
        "[SequenceInput(5)] [Embedding(10, 3)] [Lstm(3)] [Dense(2, Activation = Activation.Softmax)]",
    };

    [Theory]
    [MemberData(nameof(Declarations))]
    public void GeneratedSource_NeverHasTwoBlankLinesInARow(string layers)
    {
        string[] lines = Generate(layers).Split('\n');

        int[] doubled = Enumerable.Range(1, lines.Length - 1)
            .Where(i => lines[i].Trim().Length == 0 && lines[i - 1].Trim().Length == 0)
            .Select(i => i + 1)
            .ToArray();
        Assert.True(doubled.Length == 0, "second blank line at line(s) " + string.Join(", ", doubled));
    }

    [Fact]
    public void TokenModel_InputLengthDocSaysTokenIdsNotFloats()
    {
        string summary = SummaryBefore(
            Generate("[SequenceInput(100)] [Embedding(10, 3)] [Lstm(3)] [Dense(2, Activation = Activation.Softmax)]"),
            "public const int InputLength = 100;");

        Assert.DoesNotContain("Floats", summary, StringComparison.Ordinal);
        Assert.Contains("token ids", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void SequenceModel_ConstructorDocNamesEveryInitialiser()
    {
        string summary = SummaryBefore(
            Generate("[SequenceInput(5)] [Embedding(10, 3)] [Lstm(3)] [Dense(2, Activation = Activation.Softmax)]"),
            "public Net(int seed)");

        Assert.Contains("orthogonal", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("zero biases", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void NestedNetworksOfTheSameName_EachGetTheirOwnFileAndCompile()
    {
        // Two classes called Model in different outer classes: one file name for both made the compiler reject the
        // generator's whole output, so every network in the project lost its members.
        const string source = """
            using NetCompiler;

            namespace App;

            public partial class TestsA
            {
                [Network] [Input(10)] [Dense(3, Activation = Activation.Softmax)]
                [Loss(LossFunction.SparseCategoricalCrossEntropy)] [Adam]
                public partial class Model;
            }

            public partial class TestsB
            {
                [Network] [Input(4)] [Dense(2, Activation = Activation.Softmax)]
                [Loss(LossFunction.SparseCategoricalCrossEntropy)] [Sgd]
                public partial class Model;
            }

            public static class Use
            {
                public const int Total = TestsA.Model.ParameterCount + TestsB.Model.ParameterCount;
            }
            """;
        GeneratorRun run = GeneratorRunner.Run(source);

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(
            new[] { "App.TestsA.Model.Network.g.cs", "App.TestsB.Model.Network.g.cs" },
            run.Sources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Empty(run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void UserTypesNamedLikeFrameworkTypes_DoNotBreakTheGeneratedCode()
    {
        // Types of the user's namespace are found before any using directive, so the generated file must name the
        // framework's types in full.
        const string source = """
            using NetCompiler;

            namespace App;

            public class Math { }
            public class MathF { }
            public class Unsafe { }
            public class MemoryMarshal { }
            public class Array { }
            public class Span<T> { }
            public class ReadOnlySpan<T> { }
            public class V512 { }
            public class V256 { }
            public class V128 { }
            public class MethodImplAttribute : System.Attribute { }

            [Network] [Input(6, 6, 8)] [Conv2D(8, 3, Activation = Activation.ReLU)] [MaxPool2D(2)] [Flatten]
            [Dense(2, Activation = Activation.Softmax)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy)] [Adam]
            public partial class Images;

            [Network] [SequenceInput(5)] [Embedding(10, 3, MaskZero = true)] [Lstm(4)]
            [Dense(2, Activation = Activation.Softmax)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy)] [Adam]
            public partial class Tokens;

            [Network] [Input(5, 2)] [Lstm(3)] [Dense(2, Activation = Activation.Softmax)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy)] [Sgd]
            public partial class Sensors;
            """;
        GeneratorRun run = GeneratorRunner.Run(source);

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(3, run.Sources.Length);
        Diagnostic[] errors = run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, string.Join("\n", errors.Take(5).Select(e => e.ToString())));
    }

    private static string Generate(string layers)
    {
        GeneratorRun run = GeneratorRunner.Run("using NetCompiler;\n\n[Network]\n" + layers + "\n" + Training);

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        return Snapshot.Normalize(run.SingleSourceText());
    }

    /// <summary>The one-line summary comment right above the line that starts with <paramref name="member"/>.</summary>
    private static string SummaryBefore(string source, string member)
    {
        string[] lines = source.Split('\n');
        int index = Array.FindIndex(lines, l => l.TrimStart().StartsWith(member, StringComparison.Ordinal));
        Assert.True(index > 0, $"'{member}' not found");
        string summary = lines[index - 1].Trim();
        Assert.StartsWith("/// <summary>", summary, StringComparison.Ordinal);
        return summary;
    }
}
