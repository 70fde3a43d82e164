using System;
using System.IO;
using System.Runtime.CompilerServices;
using Xunit;

namespace NetCompiler.Generators.Tests.Helpers;

/// <summary>
/// Golden files for generated source. <c>Snapshots/&lt;Name&gt;.verified.cs</c> in the test project holds the
/// reviewed text; a mismatch writes <c>&lt;Name&gt;.received.cs</c> beside it for a diff tool and fails. Nothing is
/// ever accepted automatically: a person reads the received file and renames it.
/// </summary>
internal static class Snapshot
{
    /// <summary>Fails unless <paramref name="actual"/> equals the verified snapshot <paramref name="name"/>.</summary>
    /// <param name="callerFile">
    /// Filled by the compiler with the test file's source path, which leads back to the project folder even when the
    /// tests run from bin/.
    /// </param>
    public static void Match(string actual, string name, [CallerFilePath] string callerFile = "")
    {
        string directory = Path.Combine(FindProjectDirectory(callerFile), "Snapshots");
        string verifiedPath = Path.Combine(directory, name + ".verified.cs");
        string receivedPath = Path.Combine(directory, name + ".received.cs");
        string received = Normalize(actual);

        // CI checks out the repository fresh; a missing verified file there means someone forgot to commit it.
        bool inCi = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
        if (File.Exists(verifiedPath))
        {
            string verified = Normalize(File.ReadAllText(verifiedPath));
            if (verified == received)
            {
                // A stale received file from an earlier failure would only confuse the next reader.
                File.Delete(receivedPath);
                return;
            }

            File.WriteAllText(receivedPath, received);
            Assert.Fail(
                $"Snapshot '{name}' differs from {verifiedPath}.\n{FirstDifference(verified, received)}\n" +
                $"The new text is in {receivedPath}. If the change is intended, review it and rename it to " +
                $"{name}.verified.cs.");
        }

        File.WriteAllText(receivedPath, received);
        Assert.Fail(inCi
            ? $"Snapshot '{name}' has no verified file ({verifiedPath}); CI never creates one. Run the tests " +
              $"locally, review {name}.received.cs, rename it to {name}.verified.cs and commit it."
            : $"Snapshot '{name}' has no verified file yet. Review {receivedPath} and, if it is right, rename it " +
              $"to {name}.verified.cs.");
    }

    /// <summary>
    /// Snapshots compare text, not bytes: a checkout with CRLF line endings, or an editor that adds a final newline,
    /// must not fail them.
    /// </summary>
    public static string Normalize(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n').TrimEnd('\n') + "\n";

    private static string FirstDifference(string expected, string actual)
    {
        string[] expectedLines = expected.Split('\n');
        string[] actualLines = actual.Split('\n');
        int count = Math.Min(expectedLines.Length, actualLines.Length);
        for (int i = 0; i < count; i++)
        {
            if (expectedLines[i] != actualLines[i])
            {
                return $"First difference at line {i + 1}:\n" +
                    $"  verified: {expectedLines[i]}\n  received: {actualLines[i]}";
            }
        }

        return $"The files agree for {count} lines, then the verified file has {expectedLines.Length} lines and the " +
            $"received one {actualLines.Length}.";
    }

    private static string FindProjectDirectory(string callerFile)
    {
        // Walk up from the test file to its project, so test files may live in subfolders.
        for (string? directory = Path.GetDirectoryName(callerFile);
             directory is not null;
             directory = Path.GetDirectoryName(directory))
        {
            if (Directory.Exists(directory) && Directory.GetFiles(directory, "*.csproj").Length > 0)
            {
                return directory;
            }
        }

        // A build with mapped source paths (deterministic CI builds) records paths that do not exist on disk.
        throw new InvalidOperationException(
            $"No project folder above '{callerFile}'; snapshot tests need the sources' real paths (no PathMap).");
    }
}
