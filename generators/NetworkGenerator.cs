using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using NetCompiler.Generators.Diagnostics;
using NetCompiler.Generators.Helpers;
using NetCompiler.Generators.Model;

namespace NetCompiler.Generators;

/// <summary>
/// Turns a partial class decorated with [Network] and layer attributes into a compiled network: forward, backward,
/// optimizer step, training loop glue and serialisation, specialised to its shapes.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class NetworkGenerator : IIncrementalGenerator
{
    internal const string NetworkAttributeName = "NetCompiler.NetworkAttribute";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Parse each [Network] class into plain data at once, so nothing from the compilation is cached.
        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkAttributeName,
                // Records too, so that a [Network] record gets NC0022 instead of silently nothing.
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax
                    or Microsoft.CodeAnalysis.CSharp.Syntax.RecordDeclarationSyntax,
                static (ctx, ct) => Parser.Parse(ctx, ct))
            .WithTrackingName(StepNames.Parse);

        // Source branch: only valid specs, compared by value, so an edit elsewhere leaves it cached.
        IncrementalValuesProvider<NetworkSpec> specs = parsed
            .Where(static r => r.Spec is not null)
            .Select(static (r, _) => r.Spec!)
            .WithTrackingName(StepNames.Spec);
        context.RegisterSourceOutput(specs, static (spc, spec) => Emit(spc, spec));

        // Diagnostics branch: kept apart so that locations (which move with every edit above them) never invalidate
        // the cached source.
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
            .Select(static (r, _) => r.Diagnostics)
            .WithTrackingName(StepNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (spc, list) =>
        {
            foreach (DiagnosticInfo info in list)
            {
                spc.ReportDiagnostic(info.ToDiagnostic());
            }
        });

        // An input without [Network] compiles to nothing, so it gets a diagnostic of its own.
        ReportForgottenNetwork(context, "NetCompiler.InputAttribute");
        ReportForgottenNetwork(context, "NetCompiler.SequenceInputAttribute");
    }

    /// <summary>Reports a class that declares an input but no [Network], which would otherwise generate nothing.</summary>
    private static void ReportForgottenNetwork(IncrementalGeneratorInitializationContext context, string inputAttribute)
    {
        IncrementalValuesProvider<DiagnosticInfo?> forgotten = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                inputAttribute,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                static (ctx, ct) => Parser.CheckForgottenNetwork(ctx, ct))
            .WithTrackingName(StepNames.ForgottenNetwork);
        context.RegisterSourceOutput(forgotten, static (spc, info) =>
        {
            if (info is not null)
            {
                spc.ReportDiagnostic(info.ToDiagnostic());
            }
        });
    }

    private static void Emit(SourceProductionContext context, NetworkSpec spec)
    {
        try
        {
            context.AddSource(HintName(spec), Emitter.Emit(spec));
        }
        catch (System.Exception ex) when (ex is not System.OperationCanceledException)
        {
            // The generator never throws at the compiler: the class compiles without its members and says why.
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.GeneratorFailure, Location.None, spec.ClassName, ex.GetType().Name + ": " + ex.Message));
        }
    }

    /// <summary>
    /// The generated file's name: namespace, containing types and class, which together are unique in a compilation
    /// (two nested classes called Model in different outer classes must not share one, or the compiler rejects both).
    /// </summary>
    internal static string HintName(NetworkSpec spec)
    {
        var parts = new System.Collections.Generic.List<string>();
        if (spec.Namespace is not null)
        {
            parts.Add(spec.Namespace);
        }

        foreach (string containing in spec.ContainingTypes)
        {
            // "class Outer" or "record struct Outer": the name is the last word.
            parts.Add(containing.Substring(containing.LastIndexOf(' ') + 1));
        }

        parts.Add(spec.ClassName);
        return string.Join(".", parts) + ".Network.g.cs";
    }

    /// <summary>The names of the pipeline's steps, which tests use to check what was cached.</summary>
    public static class StepNames
    {
        public const string Parse = nameof(Parse);
        public const string Spec = nameof(Spec);
        public const string Diagnostics = nameof(Diagnostics);
        public const string ForgottenNetwork = nameof(ForgottenNetwork);
    }

    /// <summary>A parsed network: its spec when valid, and every diagnostic found.</summary>
    internal sealed record ParseResult(NetworkSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);
}
