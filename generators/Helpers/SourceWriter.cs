using System;
using System.Text;

namespace NetCompiler.Generators.Helpers;

/// <summary>
/// Builds C# text with an indentation counter, so emitters say what to write and not how many spaces to put.
/// </summary>
internal sealed class SourceWriter
{
    private const int IndentSize = 4;
    private readonly StringBuilder _builder = new();
    private readonly Action<StringBuilder, string>? _appendLine;
    private int _indent;

    public SourceWriter()
    {
    }

    /// <summary>A writer that appends every line's text through <paramref name="appendLine"/> (after the indentation).</summary>
    public SourceWriter(Action<StringBuilder, string> appendLine)
    {
        _appendLine = appendLine;
    }

    public void WriteLine() => _builder.Append('\n');

    public void WriteLine(string line)
    {
        if (line.Length > 0)
        {
            _builder.Append(' ', _indent * IndentSize);
        }

        if (_appendLine is null)
        {
            _builder.Append(line);
        }
        else
        {
            _appendLine(_builder, line);
        }

        _builder.Append('\n');
    }

    /// <summary>Writes several lines (a raw string block) at the current indentation.</summary>
    public void WriteLines(string text)
    {
        foreach (string line in text.Replace("\r\n", "\n").Split('\n'))
        {
            WriteLine(line);
        }
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the returned scope ends.</summary>
    public Scope Block(string header)
    {
        WriteLine(header);
        WriteLine("{");
        _indent++;
        return new Scope(this);
    }

    public void Indent() => _indent++;

    public void Unindent() => _indent = Math.Max(0, _indent - 1);

    public override string ToString() => _builder.ToString();

    /// <summary>Closes a <see cref="Block"/> when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly SourceWriter _writer;

        public Scope(SourceWriter writer)
        {
            _writer = writer;
        }

        public void Dispose()
        {
            _writer._indent--;
            _writer.WriteLine("}");
        }
    }
}
