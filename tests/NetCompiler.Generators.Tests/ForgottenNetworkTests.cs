using System.Linq;
using Microsoft.CodeAnalysis;
using NetCompiler.Generators.Tests.Helpers;
using Xunit;

namespace NetCompiler.Generators.Tests;

/// <summary>NC0021: layers on a class without [Network] are reported on the input attribute, not silently ignored.</summary>
public sealed class ForgottenNetworkTests
{
    [Theory]
    [InlineData("Input(28, 28, 1)", "Input")]
    [InlineData("SequenceInput(10)", "SequenceInput")]
    public void InputWithoutNetwork_ReportsNC0021OnTheInputAttribute(string input, string name)
    {
        string source = $$"""
            using NetCompiler;
            [{{input}}]
            [Flatten]
            [Dense(10, Activation = Activation.Softmax)]
            public partial class Forgotten;
            """;
        GeneratorRun run = GeneratorRunner.Run(source);

        Assert.Null(run.Exception);
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("NC0021", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(input, source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains($"declares [{name}] but no [Network]", diagnostic.GetMessage());
        Assert.True(run.Sources.IsEmpty);
    }

    [Fact]
    public void InputWithNetwork_ReportsNoNC0021()
    {
        const string source = """
            using NetCompiler;
            [Network]
            [Input(4)]
            [Dense(2, Activation = Activation.Softmax)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy)]
            [Adam]
            public partial class Fine;
            """;
        GeneratorRun run = GeneratorRunner.Run(source);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "NC0021");
        Assert.Single(run.Sources);
    }
}
