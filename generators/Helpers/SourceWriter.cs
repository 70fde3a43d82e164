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
    private int _indent;

    public void WriteLine() => _builder.Append('\n');

    public void WriteLine(string line)
    {
        if (line.Length > 0)
        {
            _builder.Append(' ', _indent * IndentSize);
        }

        _builder.Append(line).Append('\n');
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
