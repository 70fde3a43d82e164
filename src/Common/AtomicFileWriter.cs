using System;
using System.IO;

namespace NetCompiler;

/// <summary>
/// Writes a file so that readers only ever see the old file or the complete new one: the data goes to a temporary
/// file beside the target (so the final move is a rename within one file system), is flushed to disk, and replaces
/// the target on <see cref="Commit"/>. Disposing without committing deletes the temporary file.
/// </summary>
internal sealed class AtomicFileWriter : IDisposable
{
    private readonly string _target;
    private readonly string _temporary;
    private readonly FileStream _stream;
    private bool _committed;

    private AtomicFileWriter(string target, string temporary, FileStream stream)
    {
        (_target, _temporary, _stream) = (target, temporary, stream);
    }

    /// <summary>The stream to write the new content to.</summary>
    public Stream Stream => _stream;

    public static AtomicFileWriter Create(string path, int bufferSize = 4096)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string target = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(target) ?? throw new ArgumentException(
            $"'{path}' names no file inside a directory.", nameof(path));
        string temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        FileStream stream;
        try
        {
            stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The runtime's message names the temporary file, which the caller never asked for: name the target.
            string message = $"Cannot write '{path}' (the new content goes first to a temporary file beside it): {e.Message}";
            throw e switch
            {
                DirectoryNotFoundException => new DirectoryNotFoundException(message, e),
                UnauthorizedAccessException => new UnauthorizedAccessException(message, e),
                _ => new IOException(message, e),
            };
        }

        return new AtomicFileWriter(target, temporary, stream);
    }

    /// <summary>Flushes to disk and replaces the target in one step.</summary>
    public void Commit()
    {
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(_temporary, _target, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        _stream.Dispose();

        // Best effort: the failure that stopped the write matters more than a leftover temporary file.
        try
        {
            File.Delete(_temporary);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
