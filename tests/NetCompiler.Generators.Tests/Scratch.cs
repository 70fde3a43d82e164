using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetCompiler.Generators.Tests.Helpers;
using Xunit;

namespace NetCompiler.Generators.Tests;

public sealed class Scratch
{
    [Theory]
    [InlineData("k", "[Input(65536)] [Dense(65536, Activation = Activation.Softmax)]")]
    [InlineData("i", "[Input(65536, 65536, 1)] [MaxPool2D(65536)] [Flatten] [Dense(2, Activation = Activation.Softmax)]")]
    [InlineData("p", "[Input(1, 100000, 1)] [Conv2D(1, 1000, 1, Padding = Padding.Same)] [Flatten] [Dense(2, Activation = Activation.Softmax)]")]
    [InlineData("s", "[Input(28, 28, 1)] [Conv2D(1, 3, Stride = int.MaxValue, Padding = Padding.Same)] [Flatten] [Dense(2, Activation = Activation.Softmax)]")]
    public void Probe(string name, string body)
    {
        var run = GeneratorRunner.Run("using NetCompiler;\n[Network]\n" + body + "\n[Loss(LossFunction.SparseCategoricalCrossEntropy)][Adam] public partial class Net;");
        using var w = new StreamWriter("/tmp/probe_" + name + ".txt");
        w.WriteLine("exc: " + run.Exception);
        foreach (var d in run.GeneratorDiagnostics) w.WriteLine("gen: " + d);
        foreach (var s in run.Sources) { w.WriteLine("src: " + s.HintName); File.WriteAllText("/tmp/probe_" + name + ".cs", s.SourceText.ToString()); }
        foreach (var d in run.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Take(20)) w.WriteLine("cmp: " + d);
    }
}
