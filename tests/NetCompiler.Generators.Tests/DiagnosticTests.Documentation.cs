using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetCompiler.Generators.Tests.Helpers;
using Xunit;

namespace NetCompiler.Generators.Tests;

/// <summary>
/// The pages in docs/diagnostics show a declaration and quote what the compiler says about it. A reader copies both,
/// so the quote must be what the generator really reports for that declaration, word for word.
/// </summary>
public sealed partial class DiagnosticTests
{
    private const string ExampleStart = "```csharp\n";
    private const string ExampleEnd = "\n```";

    /// <summary>Every id whose page has an example declaration (NC0013 has none: no declaration causes it).</summary>
    public static TheoryData<string> DocumentedExamples
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (string path in Directory.GetFiles(DiagnosticsDirectory(), "NC*.md").OrderBy(p => p))
            {
                if (ReadPage(path).Contains(ExampleStart, StringComparison.Ordinal))
                {
                    data.Add(Path.GetFileNameWithoutExtension(path));
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(DocumentedExamples))]
    public void DocumentationExample_ReportsExactlyWhatThePageQuotes(string id)
    {
        string page = ReadPage(Path.Combine(DiagnosticsDirectory(), id + ".md"));
        int start = page.IndexOf(ExampleStart, StringComparison.Ordinal) + ExampleStart.Length;
        string example = page.Substring(start, page.IndexOf(ExampleEnd, start, StringComparison.Ordinal) - start);
        string[] quoted = QuotedDiagnostics(page);

        // The pages leave out the using directive, as their README says.
        GeneratorRun run = GeneratorRunner.Run("using NetCompiler;\n\n" + example);

        Assert.Null(run.Exception);
        Assert.NotEmpty(quoted);
        Assert.All(quoted, q => Assert.Contains($" {id}: ", q, StringComparison.Ordinal));
        string[] reported = run.GeneratorDiagnostics
            .Select(d => $"{d.Severity.ToString().ToLowerInvariant()} {d.Id}: {d.GetMessage()}")
            .ToArray();
        Assert.Equal(quoted.OrderBy(q => q, StringComparer.Ordinal), reported.OrderBy(r => r, StringComparer.Ordinal));
    }

    /// <summary>
    /// The quoted diagnostics of a page: blocks of lines that start with "&gt; error" or "&gt; warning", continued
    /// by further "&gt; " lines, which rejoin with single spaces. A bare "&gt;" line separates two diagnostics.
    /// </summary>
    private static string[] QuotedDiagnostics(string page)
    {
        var diagnostics = new List<string>();
        string? current = null;
        foreach (string line in page.Split('\n'))
        {
            bool opens = line.StartsWith("> error ", StringComparison.Ordinal) ||
                line.StartsWith("> warning ", StringComparison.Ordinal);
            if (current is not null && (opens || !line.StartsWith("> ", StringComparison.Ordinal)))
            {
                diagnostics.Add(current);
                current = null;
            }

            if (opens)
            {
                current = line.Substring(2);
            }
            else if (current is not null)
            {
                current += " " + line.Substring(2);
            }
        }

        if (current is not null)
        {
            diagnostics.Add(current);
        }

        return diagnostics.ToArray();
    }

    private static string ReadPage(string path) => File.ReadAllText(path).Replace("\r\n", "\n");

    private static string DiagnosticsDirectory() => Path.Combine(RepositoryRoot(), "docs", "diagnostics");
}
