using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace NetCompiler;

/// <summary>
/// Maps words to the integer ids an <c>Embedding</c> layer takes, in the manner of Keras' <c>TextVectorization</c>:
/// id 0 is padding, id 1 stands for every word outside the vocabulary, and ids 2, 3, ... go to the known words from
/// the most frequent down.
/// </summary>
/// <remarks>
/// <para>
/// A word is a run of Unicode letters, decimal digits and apostrophes that holds at least one letter or digit, so
/// "don't" and "'em" are words while a lone quote mark is not. Combining marks continue a word, so that text with
/// decomposed accents ("e" followed by U+0301) is not cut in two. Words are lower-cased with the invariant culture,
/// and the typographic apostrophe (U+2019) becomes the ASCII one, so "Don’t" and "don't" are the same word.
/// </para>
/// <para>
/// An instance never changes once built, so it may be shared between threads.
/// </para>
/// </remarks>
public sealed class TextVocabulary
{
    /// <summary>The id that fills the unused positions of a padded sequence.</summary>
    public const int PaddingId = 0;

    /// <summary>The id of every word that is not in the vocabulary.</summary>
    public const int OutOfVocabularyId = 1;

    /// <summary>What <see cref="WordOf"/> returns for <see cref="PaddingId"/>: empty, as in Keras.</summary>
    public const string PaddingToken = "";

    /// <summary>
    /// What <see cref="WordOf"/> returns for <see cref="OutOfVocabularyId"/>. Keras' marker; its brackets cannot
    /// occur in a word, so it never collides with a real one.
    /// </summary>
    public const string OutOfVocabularyToken = "[UNK]";

    // Words up to this length are folded in a stack buffer; longer ones (rare: no English word comes close) in a
    // heap array, which costs one allocation and keeps any length correct.
    private const int StackFoldLength = 128;

    private readonly string[] _words;
    private readonly Dictionary<string, int> _ids;

    // Looks up a span of characters directly, so that encoding a text allocates no string per word.
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private TextVocabulary(IReadOnlyList<string> words)
    {
        _words = new string[words.Count + 2];
        _words[PaddingId] = PaddingToken;
        _words[OutOfVocabularyId] = OutOfVocabularyToken;
        _ids = new Dictionary<string, int>(words.Count, StringComparer.Ordinal);
        for (int i = 0; i < words.Count; i++)
        {
            _words[i + 2] = words[i];
            _ids.Add(words[i], i + 2);
        }

        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// The number of ids in use, padding and out-of-vocabulary included: ids run from 0 to <c>Size - 1</c>. It is the
    /// size asked of <see cref="Build"/>, or less when the texts hold fewer distinct words.
    /// </summary>
    public int Size => _words.Length;

    /// <summary>
    /// Counts the words of <paramref name="texts"/> and keeps the <c><paramref name="size"/> - 2</c> most frequent.
    /// Words used equally often are ranked by their first occurrence, earliest first, which is what Keras'
    /// <c>Tokenizer</c> does; the result therefore depends on the order of the texts, never on hashing.
    /// </summary>
    /// <param name="texts">The corpus, usually the training texts only, so that test words stay unseen.</param>
    /// <param name="size">
    /// The largest number of ids, padding and out-of-vocabulary included; the input size of the <c>Embedding</c>.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> is null.</exception>
    /// <exception cref="ArgumentException">One of the texts is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is less than 2.</exception>
    public static TextVocabulary Build(IEnumerable<string> texts, int size)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);

        // Words get an index in order of first occurrence; counts[index] is how often each was seen.
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = indexOf.GetAlternateLookup<ReadOnlySpan<char>>();
        var words = new List<string>();
        var counts = new List<int>();
        Span<char> stackBuffer = stackalloc char[StackFoldLength];
        int textIndex = 0;
        foreach (string text in texts)
        {
            if (text is null)
            {
                throw new ArgumentException($"texts[{textIndex}] is null; every text must be a string.", nameof(texts));
            }

            foreach (ReadOnlySpan<char> word in EnumerateWords(text))
            {
                ReadOnlySpan<char> folded = Fold(word, stackBuffer);
                if (lookup.TryGetValue(folded, out int index))
                {
                    counts[index]++;
                }
                else
                {
                    string key = folded.ToString();
                    indexOf.Add(key, words.Count);
                    words.Add(key);
                    counts.Add(1);
                }
            }

            textIndex++;
        }

        // Most frequent first; the index (first occurrence) breaks ties, so the order is total and reproducible.
        var ranking = new int[words.Count];
        for (int i = 0; i < ranking.Length; i++)
        {
            ranking[i] = i;
        }

        Array.Sort(ranking, (a, b) => counts[a] != counts[b] ? counts[b].CompareTo(counts[a]) : a.CompareTo(b));
        int kept = Math.Min(size - 2, ranking.Length);
        var keptWords = new string[kept];
        for (int i = 0; i < kept; i++)
        {
            keptWords[i] = words[ranking[i]];
        }

        return new TextVocabulary(keptWords);
    }

    /// <summary>
    /// Reads a vocabulary written by <see cref="Save"/>: one word per line, the first line holding id 2.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is null.</exception>
    /// <exception cref="InvalidDataException">
    /// A line is empty, is not exactly one lower-case word, or repeats an earlier word; the message gives its number.
    /// </exception>
    public static TextVocabulary Load(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);

        // Every line is checked to be a word Encode could produce: a hand-edited or foreign file that breaks this
        // would hold entries no text can ever reach, and shift the ids of every word after them.
        var words = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Span<char> stackBuffer = stackalloc char[StackFoldLength];
        int lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (!IsSingleFoldedWord(line, stackBuffer))
            {
                throw new InvalidDataException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Line {lineNumber} of the vocabulary is '{line}', but every line must be exactly one " +
                    $"lower-case word of letters, digits and apostrophes."));
            }

            if (!seen.Add(line))
            {
                throw new InvalidDataException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Line {lineNumber} of the vocabulary repeats the word '{line}'; each word may appear once."));
            }

            words.Add(line);
        }

        return new TextVocabulary(words);
    }

    /// <summary>
    /// Writes the known words in id order, one per line, the first line holding id 2; padding and out-of-vocabulary
    /// are implied. Lines end in '\n' on every platform, so the file is the same wherever it is written.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    public void Save(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        for (int id = 2; id < _words.Length; id++)
        {
            writer.Write(_words[id]);
            writer.Write('\n');
        }

        writer.Flush();
    }

    /// <summary>
    /// The id of <paramref name="word"/>, after the same case folding as <see cref="Encode(string)"/>, or
    /// <see cref="OutOfVocabularyId"/> when it is not a known word (including any text that is not one word).
    /// </summary>
    public int IdOf(ReadOnlySpan<char> word)
    {
        Span<char> stackBuffer = stackalloc char[StackFoldLength];
        return _lookup.TryGetValue(Fold(word, stackBuffer), out int id) ? id : OutOfVocabularyId;
    }

    /// <summary>
    /// The word with id <paramref name="id"/>; <see cref="PaddingToken"/> for 0 and <see cref="OutOfVocabularyToken"/>
    /// for 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="id"/> is not in [0, <see cref="Size"/>).
    /// </exception>
    public string WordOf(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, _words.Length);
        return _words[id];
    }

    /// <summary>The ids of every word of <paramref name="text"/>, in order, without padding.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int count = CountWords(text);
        var ids = new int[count];
        Span<char> stackBuffer = stackalloc char[StackFoldLength];
        int i = 0;
        foreach (ReadOnlySpan<char> word in EnumerateWords(text))
        {
            ids[i++] = _lookup.TryGetValue(Fold(word, stackBuffer), out int id) ? id : OutOfVocabularyId;
        }

        return ids;
    }

    /// <summary>
    /// Encodes <paramref name="text"/> straight into a sequence of fixed length, as
    /// <c>SequencePadding.PadOrTruncate(Encode(text), destination)</c> would but without allocating: a short text is
    /// preceded by zeros, and a long one keeps its last <c>destination.Length</c> words (Keras' defaults).
    /// </summary>
    /// <returns>The number of word ids written, the rest of <paramref name="destination"/> being padding.</returns>
    public int Encode(ReadOnlySpan<char> text, Span<int> destination)
    {
        // Two passes: the first counts, so that the second knows how many leading words to drop.
        int count = CountWords(text);
        int written = Math.Min(count, destination.Length);
        int skip = count - written;
        int start = destination.Length - written;
        destination.Slice(0, start).Fill(PaddingId);

        Span<char> stackBuffer = stackalloc char[StackFoldLength];
        int position = 0;
        foreach (ReadOnlySpan<char> word in EnumerateWords(text))
        {
            if (position >= skip)
            {
                destination[start + position - skip] =
                    _lookup.TryGetValue(Fold(word, stackBuffer), out int id) ? id : OutOfVocabularyId;
            }

            position++;
        }

        return written;
    }

    /// <summary>
    /// The words of <paramref name="text"/>, lower-cased, in order: what <see cref="Build"/> counts and
    /// <see cref="Encode(string)"/> looks up.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        Span<char> stackBuffer = stackalloc char[StackFoldLength];
        foreach (ReadOnlySpan<char> word in EnumerateWords(text))
        {
            words.Add(Fold(word, stackBuffer).ToString());
        }

        return words;
    }

    /// <summary>
    /// Splits <paramref name="text"/> into words without allocating. Each word is a slice of the text as written,
    /// not yet lower-cased. Use it in a <c>foreach</c>.
    /// </summary>
    public static WordEnumerator EnumerateWords(ReadOnlySpan<char> text) => new(text);

    private static int CountWords(ReadOnlySpan<char> text)
    {
        int count = 0;
        foreach (ReadOnlySpan<char> _ in EnumerateWords(text))
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// Lower-cases <paramref name="word"/> and unifies apostrophes; the result lives in <paramref name="stackBuffer"/>
    /// when it fits, else in a new array. Invariant lower-casing maps each UTF-16 unit one to one, keeping the length.
    /// </summary>
    private static ReadOnlySpan<char> Fold(ReadOnlySpan<char> word, Span<char> stackBuffer)
    {
        Span<char> folded = word.Length <= stackBuffer.Length
            ? stackBuffer.Slice(0, word.Length)
            : new char[word.Length];
        word.ToLowerInvariant(folded);
        folded.Replace('\u2019', '\'');
        return folded;
    }

    private static bool IsSingleFoldedWord(string line, Span<char> stackBuffer)
    {
        WordEnumerator words = EnumerateWords(line);
        return words.MoveNext() && words.Current.Length == line.Length && !words.MoveNext() &&
            Fold(line, stackBuffer).SequenceEqual(line);
    }

    /// <summary>Walks the words of a text; see <see cref="EnumerateWords"/>.</summary>
    public ref struct WordEnumerator
    {
        private readonly ReadOnlySpan<char> _text;
        private int _next;
        private ReadOnlySpan<char> _current;

        internal WordEnumerator(ReadOnlySpan<char> text)
        {
            _text = text;
            _next = 0;
            _current = default;
        }

        /// <summary>The current word, as written in the text.</summary>
        public readonly ReadOnlySpan<char> Current => _current;

        /// <summary>Returns this enumerator, so that <c>foreach</c> works on <see cref="EnumerateWords"/>.</summary>
        public readonly WordEnumerator GetEnumerator() => this;

        /// <summary>Advances to the next word; false at the end of the text.</summary>
        public bool MoveNext()
        {
            while (_next < _text.Length)
            {
                // Find the next run of word characters; a run that holds no letter or digit (quote marks) is skipped.
                int start = -1;
                bool hasLetterOrDigit = false;
                int position = _next;
                while (position < _text.Length)
                {
                    Rune.DecodeFromUtf16(_text.Slice(position), out Rune rune, out int consumed);
                    bool letterOrDigit = Rune.IsLetterOrDigit(rune);
                    bool partOfWord = letterOrDigit || IsApostrophe(rune) || (start >= 0 && IsCombiningMark(rune));
                    if (!partOfWord)
                    {
                        if (start >= 0)
                        {
                            break;
                        }
                    }
                    else
                    {
                        if (start < 0)
                        {
                            start = position;
                        }

                        hasLetterOrDigit |= letterOrDigit;
                    }

                    position += consumed;
                }

                _next = position;
                if (start >= 0 && hasLetterOrDigit)
                {
                    _current = _text.Slice(start, position - start);
                    return true;
                }
            }

            _current = default;
            return false;
        }

        private static bool IsApostrophe(Rune rune) => rune.Value is '\'' or '\u2019';

        private static bool IsCombiningMark(Rune rune)
        {
            UnicodeCategory category = Rune.GetUnicodeCategory(rune);
            return category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
                or UnicodeCategory.EnclosingMark;
        }
    }
}
