using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NetCompiler.Generators.Helpers;

namespace NetCompiler.Generators.Diagnostics;

/// <summary>
/// A location reduced to plain data. Roslyn's <see cref="Location"/> holds a syntax tree, which would keep the whole
/// compilation alive in the pipeline's cache and defeat comparisons between runs.
/// </summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    // TODO: the compiler treats a location rebuilt this way as external, so `#pragma warning disable NC0017` and
    // .editorconfig severities do not reach the warning (only NoWarn and .globalconfig do). Reporting from a branch
    // that keeps the real syntax location, without caching it, would fix suppression.
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(Location? location)
    {
        if (location is null || location.SourceTree is null)
        {
            return null;
        }

        return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }
}

/// <summary>A diagnostic waiting to be reported, equatable so it can cross the pipeline.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params object[] arguments)
    {
        var texts = new string[arguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            texts[i] = arguments[i]?.ToString() ?? string.Empty;
        }

        return new DiagnosticInfo(descriptor, LocationInfo.From(location), new EquatableArray<string>(texts));
    }

    public Diagnostic ToDiagnostic()
    {
        var arguments = new object[Arguments.Count];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = Arguments[i];
        }

        return Diagnostic.Create(Descriptor, Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, arguments);
    }
}
