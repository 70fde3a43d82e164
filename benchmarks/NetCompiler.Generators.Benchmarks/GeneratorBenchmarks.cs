using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetCompiler.Generators;

namespace NetCompiler.Generators.Benchmarks;

/// <summary>
/// The generator's cost for the two seed networks: a cold run (parse, check and emit) and a warm run after an edit
/// elsewhere in the compilation, which the incremental pipeline should answer from its cache.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const string Cnn = """
        using NetCompiler;
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

    private const string Lstm = """
        using NetCompiler;
        [Network(BatchSize = 32, Seed = 7)]
        [SequenceInput(100)]
        [Embedding(10000, 64)]
        [Lstm(64)]
        [Dense(10, Activation = Activation.Softmax)]
        [Loss(LossFunction.SparseCategoricalCrossEntropy)]
        [Adam(ClipNorm = 1.0f)]
        public partial class TextClassifier;
        """;

    private CSharpCompilation _cnn = null!;
    private CSharpCompilation _lstm = null!;
    private GeneratorDriver _warmCnn = null!;
    private CSharpCompilation _editedCnn = null!;

    [GlobalSetup]
    public void Setup()
    {
        _cnn = Compile(Cnn);
        _lstm = Compile(Lstm);
        _warmCnn = NewDriver().RunGenerators(_cnn);
        _editedCnn = _cnn.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { int X => 1; }"));
    }

    [Benchmark]
    public GeneratorDriver SeedCnn_Cold() => NewDriver().RunGenerators(_cnn);

    [Benchmark]
    public GeneratorDriver TextLstm_Cold() => NewDriver().RunGenerators(_lstm);

    [Benchmark]
    public GeneratorDriver SeedCnn_AfterUnrelatedEdit() => _warmCnn.RunGenerators(_editedCnn);

    private static GeneratorDriver NewDriver() =>
        CSharpGeneratorDriver.Create(new NetworkGenerator().AsSourceGenerator());

    private static CSharpCompilation Compile(string source)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(System.IO.Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(NetCompiler.NetworkAttribute).Assembly.Location));
        return CSharpCompilation.Create(
            "Benchmark",
            new[] { CSharpSyntaxTree.ParseText(source) },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
    }
}

/// <summary>Entry point: BenchmarkDotNet's switcher.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
