using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Text;

namespace NetCompiler;

/// <summary>Texts with a class each: text <c>i</c> belongs to <c>Categories[Labels[i]]</c>.</summary>
/// <param name="Texts">The texts.</param>
/// <param name="Labels">The class of each text, an index into <paramref name="Categories"/>.</param>
/// <param name="Categories">The name of each class, indexed by label.</param>
public sealed record LabelledTexts(IReadOnlyList<string> Texts, int[] Labels, IReadOnlyList<string> Categories)
{
    /// <summary>The number of texts.</summary>
    public int Count => Labels.Length;
}

/// <summary>
/// Reads the fortune files of BSD's <c>fortune</c> program (as packaged by Debian) as a text classification data set:
/// one example per fortune, labelled by the file it comes from.
/// </summary>
/// <remarks>
/// A fortune file is plain text in which a line holding only <c>%</c> ends each fortune. Some fortunes emphasise
/// words the way a teletype did, by overstriking (<c>_</c>, backspace, letter); <see cref="ReadFortunes"/> keeps only
/// what would have been visible, so such words reach the tokenizer whole.
/// </remarks>
public static class FortuneCorpus
{
    /// <summary>Where Debian's <c>fortunes</c> package installs the English files.</summary>
    public const string DebianDirectory = "/usr/share/games/fortunes";

    /// <summary>
    /// The ten English files of Debian's <c>fortunes</c> package with the most fortunes, largest first; label
    /// <c>i</c> is the file <c>DefaultCategories[i]</c>.
    /// </summary>
    public static IReadOnlyList<string> DefaultCategories { get; } = new ReadOnlyCollection<string>(
    [
        "people", "definitions", "cookie", "computers", "songs-poems",
        "politics", "miscellaneous", "work", "science", "men-women",
    ]);

    // Strict UTF-8: a byte sequence that is not UTF-8 throws instead of becoming U+FFFD, which is how a Latin-1 file
    // is recognised (Latin-1 text is almost never valid UTF-8 once it has any byte above 0x7F).
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false,
        throwOnInvalidBytes: true);

    /// <summary>
    /// Reads the fortunes of one file: the text between lines that are exactly <c>%</c>, trimmed, empty ones dropped.
    /// The file may be UTF-8 (with or without a byte order mark) or Latin-1, and may end lines in \n or \r\n.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file holds NUL characters, so it is not text.</exception>
    public static IReadOnlyList<string> ReadFortunes(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text = Decode(File.ReadAllBytes(path));

        // The .dat index next to each fortune file is binary and full of NULs; no text file has one.
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidDataException(
                $"'{path}' holds NUL characters, so it is not a fortune file (the binary .dat index, perhaps).");
        }

        var fortunes = new List<string>();
        var current = new StringBuilder();
        foreach (string rawLine in text.Split('\n'))
        {
            string line = rawLine.EndsWith('\r') ? rawLine[..^1] : rawLine;
            if (line == "%")
            {
                AddFortune(fortunes, current);
                continue;
            }

            current.Append(line).Append('\n');
        }

        // The last fortune of a file need not be followed by a separator.
        AddFortune(fortunes, current);
        return fortunes;
    }

    /// <summary>
    /// Reads every file of <paramref name="categories"/> from <paramref name="directory"/>, the label of each fortune
    /// being the index of its file in <paramref name="categories"/>. Texts come file by file, in file order.
    /// </summary>
    /// <param name="directory">The folder of the files; null means <see cref="DebianDirectory"/>.</param>
    /// <param name="categories">File names, such as <see cref="DefaultCategories"/>; each one is a class.</param>
    /// <exception cref="ArgumentException">
    /// The list is empty, repeats a name, or a name is not a plain file name.
    /// </exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file is missing; the message names it.</exception>
    /// <exception cref="InvalidDataException">A file is not text or holds no fortune; the message names it.</exception>
    public static LabelledTexts Load(string? directory, IReadOnlyList<string> categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        directory ??= DebianDirectory;
        CheckCategories(categories);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException(
                $"The fortune folder '{directory}' does not exist. On Debian or Ubuntu, apt-get install fortunes " +
                $"provides {DebianDirectory}.");
        }

        var texts = new List<string>();
        var labels = new List<int>();
        for (int label = 0; label < categories.Count; label++)
        {
            string path = Path.Combine(directory, categories[label]);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"The fortune file '{categories[label]}' is missing from '{directory}'.", path);
            }

            IReadOnlyList<string> fortunes = ReadFortunes(path);
            if (fortunes.Count == 0)
            {
                // A class without examples cannot be learnt and would silently skew the accuracy figures.
                throw new InvalidDataException($"The fortune file '{path}' holds no fortune.");
            }

            texts.AddRange(fortunes);
            for (int i = 0; i < fortunes.Count; i++)
            {
                labels.Add(label);
            }
        }

        return new LabelledTexts(texts.AsReadOnly(), labels.ToArray(), new ReadOnlyCollection<string>([.. categories]));
    }

    /// <summary>
    /// Splits <paramref name="data"/> at random into a training and a test part, the same way for the same seed on
    /// every run and machine: the indices are shuffled with <see cref="NetworkRandom"/>, the first part of the order
    /// trains and the rest tests. The test part holds <c>ceil(Count * testFraction)</c> texts, as scikit-learn's
    /// <c>train_test_split</c> counts, and both parts keep the shuffled order.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The texts and labels differ in number, or there are too few texts to leave both parts non-empty.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not in (0, 1).</exception>
    public static (LabelledTexts Train, LabelledTexts Test) Split(LabelledTexts data, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction,
                "The test fraction must be between 0 and 1, both excluded.");
        }

        if (data.Texts.Count != data.Labels.Length)
        {
            throw new ArgumentException(
                $"The data holds {data.Texts.Count} texts but {data.Labels.Length} labels; they must pair up.",
                nameof(data));
        }

        int count = data.Count;
        int testCount = (int)Math.Ceiling(count * testFraction);
        int trainCount = count - testCount;
        if (trainCount < 1)
        {
            throw new ArgumentException(
                $"{count} texts with a test fraction of {testFraction} leave none to train on.", nameof(data));
        }

        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        new NetworkRandom(seed).Shuffle(order);
        return (Take(data, order.AsSpan(0, trainCount)), Take(data, order.AsSpan(trainCount)));
    }

    private static LabelledTexts Take(LabelledTexts data, ReadOnlySpan<int> indices)
    {
        var texts = new string[indices.Length];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            texts[i] = data.Texts[indices[i]];
            labels[i] = data.Labels[indices[i]];
        }

        return new LabelledTexts(Array.AsReadOnly(texts), labels, data.Categories);
    }

    private static void CheckCategories(IReadOnlyList<string> categories)
    {
        if (categories.Count == 0)
        {
            throw new ArgumentException("At least one category (fortune file name) is needed.", nameof(categories));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string category in categories)
        {
            // A category names a file inside the folder; a path would let labels come from anywhere on the disk.
            if (string.IsNullOrEmpty(category) || category != Path.GetFileName(category) || category is "." or "..")
            {
                throw new ArgumentException(
                    $"'{category}' is not a plain file name; categories name fortune files inside the folder.",
                    nameof(categories));
            }

            if (!seen.Add(category))
            {
                throw new ArgumentException(
                    $"The category '{category}' is listed twice; each file may be one class only.", nameof(categories));
            }
        }
    }

    private static string Decode(byte[] bytes)
    {
        ReadOnlySpan<byte> content = bytes;
        ReadOnlySpan<byte> byteOrderMark = [0xEF, 0xBB, 0xBF];
        if (content.StartsWith(byteOrderMark))
        {
            content = content.Slice(byteOrderMark.Length);
        }

        try
        {
            return s_strictUtf8.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            // Every byte is a Latin-1 character, so this cannot fail; older fortune files were written in it.
            return Encoding.Latin1.GetString(content);
        }
    }

    private static void AddFortune(List<string> fortunes, StringBuilder current)
    {
        string fortune = RemoveOverstrikes(current.ToString()).Trim();
        current.Clear();
        if (fortune.Length > 0)
        {
            fortunes.Add(fortune);
        }
    }

    /// <summary>
    /// Prints <paramref name="text"/> on an imaginary teletype and returns what it shows: a backspace moves back one
    /// column, and a character struck over another replaces it, except an underscore, which only underlines.
    /// "____\b\b\b\bthis" becomes "this", "_\bn" becomes "n" and "'\be" (an accented e) becomes "e".
    /// </summary>
    private static string RemoveOverstrikes(string text)
    {
        if (!text.Contains('\b', StringComparison.Ordinal))
        {
            return text;
        }

        var shown = new StringBuilder(text.Length);
        int lineStart = 0;
        int column = 0;
        foreach (char c in text)
        {
            if (c == '\b')
            {
                column = Math.Max(column - 1, lineStart);
            }
            else if (c == '\n')
            {
                shown.Append(c);
                lineStart = shown.Length;
                column = shown.Length;
            }
            else if (column < shown.Length)
            {
                if (c != '_')
                {
                    shown[column] = c;
                }

                column++;
            }
            else
            {
                shown.Append(c);
                column++;
            }
        }

        return shown.ToString();
    }
}
