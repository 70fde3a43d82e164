using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NetCompiler.Generators.Tests.Helpers;

/// <summary>
/// Compiles test source against the runtime library and runs <see cref="NetworkGenerator"/> over it in memory, the
/// way the compiler would, with step tracking on so incremental tests can inspect each named step.
/// </summary>
internal static class GeneratorRunner
{
    /// <summary>
    /// Diagnose (rather than the default Parse) makes the compiler check the XML docs the generator writes. Preview
    /// keeps generated code honest about the newest syntax rules a user could turn on.
    /// </summary>
    public static readonly CSharpParseOptions ParseOptions = new(
        LanguageVersion.Preview, DocumentationMode.Diagnose);

    // Warning level 9999 turns on every warning wave, as a current SDK does. CS1591 (missing XML docs) is off
    // because test declarations carry no docs; the generated file disables it itself.
    private static readonly CSharpCompilationOptions s_compilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        allowUnsafe: false,
        warningLevel: 9999,
        specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic> { ["CS1591"] = ReportDiagnostic.Suppress });

    // Loading ~170 references and building their symbols is the slow part of a run. Compilations derived from one
    // empty compilation share its reference manager, so that work happens once for the whole test assembly.
    private static readonly Lazy<CSharpCompilation> s_empty = new(() => CSharpCompilation.Create(
        "TestAssembly", syntaxTrees: null, LoadReferences(), s_compilationOptions));

    /// <summary>A fresh driver for the network generator, with step tracking on and nothing written to disk.</summary>
    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            additionalTexts: null,
            parseOptions: ParseOptions,
            optionsProvider: null,
            driverOptions: new GeneratorDriverOptions(
                IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        s_empty.Value.AddSyntaxTrees(
            sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, ParseOptions, path: $"Test{i}.cs")));

    /// <summary>Parses <paramref name="sources"/> (one file each) and runs the generator once.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(CreateCompilation(sources), CreateDriver());

    /// <summary>
    /// Runs <paramref name="driver"/> over <paramref name="compilation"/>. Pass the driver of an earlier run to see
    /// what the generator cached between the two.
    /// </summary>
    public static GeneratorRun Run(Compilation compilation, GeneratorDriver driver)
    {
        GeneratorDriver next = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        return new GeneratorRun(next, next.GetRunResult(), output);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The trusted platform assemblies hold the framework plus this test's own dependencies (xunit, Roslyn, the
        // generator). Keeping only the framework directory gives the compilation what a user project would see.
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string[] trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var paths = trusted
            .Where(p => string.Equals(Path.GetDirectoryName(p), frameworkDirectory, StringComparison.Ordinal))
            .ToList();

        // The runtime library and the packages it depends on (System.IO.Hashing), found by name in the same list.
        Assembly runtime = typeof(NetworkAttribute).Assembly;
        paths.Add(runtime.Location);
        var dependencyNames = new HashSet<string>(
            runtime.GetReferencedAssemblies().Select(a => a.Name + ".dll"), StringComparer.OrdinalIgnoreCase);
        paths.AddRange(trusted.Where(p => dependencyNames.Contains(Path.GetFileName(p)) && !paths.Contains(p)));

        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }
}

/// <summary>What one generator run produced, seen from a test.</summary>
internal sealed class GeneratorRun
{
    public GeneratorRun(GeneratorDriver driver, GeneratorDriverRunResult runResult, Compilation outputCompilation)
    {
        Driver = driver;
        RunResult = runResult;
        OutputCompilation = outputCompilation;
    }

    /// <summary>The driver after this run; run it again on an edited compilation for incremental tests.</summary>
    public GeneratorDriver Driver { get; }

    public GeneratorDriverRunResult RunResult { get; }

    /// <summary>The input compilation plus every generated file.</summary>
    public Compilation OutputCompilation { get; }

    /// <summary>The one generator's result: its sources, diagnostics, exception and tracked steps.</summary>
    public GeneratorRunResult Result => RunResult.Results.Single();

    public ImmutableArray<GeneratedSourceResult> Sources => Result.GeneratedSources;

    public ImmutableArray<Diagnostic> GeneratorDiagnostics => Result.Diagnostics;

    /// <summary>Set when the generator threw; Roslyn then reports CS8785 and drops all of its output.</summary>
    public Exception? Exception => Result.Exception;

    /// <summary>Every compiler diagnostic of the output compilation, the generated files included.</summary>
    public ImmutableArray<Diagnostic> CompilationDiagnostics => OutputCompilation.GetDiagnostics();

    /// <summary>The only generated file's text, or a failure naming how many there were.</summary>
    public string SingleSourceText()
    {
        if (Sources.Length != 1)
        {
            throw new InvalidOperationException(
                $"expected one generated file, got {Sources.Length}: " +
                string.Join(", ", Sources.Select(s => s.HintName)));
        }

        return Sources[0].SourceText.ToString();
    }
}
