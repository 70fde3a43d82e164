using System;
using System.IO;
using Xunit;

namespace NetCompiler.Tests.Text;

public sealed class TextVocabularyTests
{
    // "the" 4 times, "cat" 3, "sat" and "mat" twice each ("sat" seen first), "on" and "a" once each ("on" first).
    private static readonly string[] s_corpus =
    [
        "The cat sat on the mat.",
        "THE CAT, the cat!",
        "a mat sat",
    ];

    [Fact]
    public void Build_IdsFollowFrequency_TiesByFirstOccurrence()
    {
        TextVocabulary vocabulary = TextVocabulary.Build(s_corpus, size: 100);

        Assert.Equal(8, vocabulary.Size);
        Assert.Equal(
            ["", "[UNK]", "the", "cat", "sat", "mat", "on", "a"],
            AllWords(vocabulary));
    }

    [Fact]
    public void Build_KeepsTheSizeMinusTwoMostFrequentWords()
    {
        TextVocabulary vocabulary = TextVocabulary.Build(s_corpus, size: 5);

        Assert.Equal(5, vocabulary.Size);
        Assert.Equal(["", "[UNK]", "the", "cat", "sat"], AllWords(vocabulary));
        Assert.Equal(TextVocabulary.OutOfVocabularyId, vocabulary.IdOf("mat"));
    }

    [Fact]
    public void Build_SizeTwo_KnowsNoWord()
    {
        TextVocabulary vocabulary = TextVocabulary.Build(s_corpus, size: 2);

        Assert.Equal(2, vocabulary.Size);
        Assert.Equal([1, 1, 1], vocabulary.Encode("the cat sat"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-5)]
    public void Build_SizeBelowTwo_IsRefused(int size)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TextVocabulary.Build(s_corpus, size));
    }

    [Fact]
    public void Build_NullText_IsRefusedWithItsIndex()
    {
        var error = Assert.Throws<ArgumentException>(() => TextVocabulary.Build(["fine", null!], 10));

        Assert.Contains("texts[1] is null", error.Message);
    }

    [Fact]
    public void Encode_UnknownWordsAreOne_KnownWordsKeepTheirIds()
    {
        TextVocabulary vocabulary = TextVocabulary.Build(s_corpus, size: 100);

        Assert.Equal([2, 1, 2, 3, 7, 1], vocabulary.Encode("The dog, the cat; a horse!"));
        Assert.Empty(vocabulary.Encode("... !!! --"));
    }

    [Fact]
    public void Tokenize_FoldsCase_KeepsApostrophesDigitsAndNonAsciiLetters()
    {
        Assert.Equal(
            ["don't", "stop", "'em", "rock'n'roll", "in", "1969", "über", "straße", "café"],
            TextVocabulary.Tokenize("Don't STOP 'em: rock'n'roll, in 1969 -- Über Straße, CAFÉ."));
    }

    [Fact]
    public void Tokenize_TypographicApostrophe_BecomesAscii()
    {
        Assert.Equal(["don't", "it's"], TextVocabulary.Tokenize("Don\u2019t it's"));
    }

    [Fact]
    public void Tokenize_QuoteMarksAlone_AreNotWords()
    {
        // Old Usenet texts quote `` like this ''; a run of apostrophes with no letter must not become a word.
        Assert.Equal(["like", "this"], TextVocabulary.Tokenize("`` like ' this '' "));
    }

    [Fact]
    public void Tokenize_CombiningMark_ContinuesTheWord()
    {
        Assert.Equal(["cafe\u0301", "ok"], TextVocabulary.Tokenize("Cafe\u0301 ok"));
    }

    [Fact]
    public void IdOf_FoldsCaseLikeEncode()
    {
        TextVocabulary vocabulary = TextVocabulary.Build(s_corpus, size: 100);

        Assert.Equal(2, vocabulary.IdOf("THE"));
        Assert.Equal(3, vocabulary.IdOf("Cat"));
        Assert.Equal(TextVocabulary.OutOfVocabularyId, vocabulary.IdOf("the cat"));
        Assert.Equal(TextVocabulary.OutOfVocabularyId, vocabulary.IdOf(""));
    }

    [Fact]
    public void WordOf_OutsideTheIds_IsRefused()
    {
        TextVocabulary vocabulary = TextVocabulary.Build(s_corpus, size: 100);

        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.WordOf(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.WordOf(vocabulary.Size));
    }

    [Fact]
    public void EncodeIntoSpan_ShortText_IsPaddedWithZerosOnTheLeft()
    {
        TextVocabulary vocabulary = TextVocabulary.Build(s_corpus, size: 100);
        var destination = new int[6];
        destination.AsSpan().Fill(-1);

        int written = vocabulary.Encode("the cat sat", destination);

        Assert.Equal(3, written);
        Assert.Equal([0, 0, 0, 2, 3, 4], destination);
    }

    [Fact]
    public void EncodeIntoSpan_LongText_KeepsTheLastWords()
    {
        TextVocabulary vocabulary = TextVocabulary.Build(s_corpus, size: 100);
        var destination = new int[3];

        int written = vocabulary.Encode("the cat sat on the mat", destination);

        Assert.Equal(3, written);
        Assert.Equal([6, 2, 5], destination);
    }

    [Fact]
    public void EncodeIntoSpan_AgreesWithEncodeThenPad()
    {
        TextVocabulary vocabulary = TextVocabulary.Build(s_corpus, size: 6);
        string[] texts = ["", "mat", "a cat on a mat sat there", "The cat sat on the mat. THE CAT, the cat!"];
        foreach (string text in texts)
        {
            for (int length = 1; length <= 12; length++)
            {
                var expected = new int[length];
                SequencePadding.PadOrTruncate(vocabulary.Encode(text), expected);
                var actual = new int[length];

                vocabulary.Encode(text, actual);

                Assert.Equal(expected, actual);
            }
        }
    }

    [Fact]
    public void EncodeIntoSpan_AllocatesNothing()
    {
        TextVocabulary vocabulary = TextVocabulary.Build(s_corpus, size: 100);
        var destination = new int[16];
        const string text = "The Cat sat on THE mat, and the dog didn't.";
        vocabulary.Encode(text, destination);

        long before = GC.GetAllocatedBytesForCurrentThread();
        vocabulary.Encode(text, destination);
        vocabulary.IdOf("Mat");
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void SaveThenLoad_GivesTheSameIds()
    {
        TextVocabulary vocabulary = TextVocabulary.Build(s_corpus, size: 100);
        var writer = new StringWriter();

        vocabulary.Save(writer);
        TextVocabulary loaded = TextVocabulary.Load(new StringReader(writer.ToString()));

        Assert.Equal("the\ncat\nsat\nmat\non\na\n", writer.ToString());
        Assert.Equal(AllWords(vocabulary), AllWords(loaded));
        Assert.Equal(vocabulary.Encode("a cat on the mat, purring"), loaded.Encode("a cat on the mat, purring"));
    }

    [Fact]
    public void SaveThenLoad_EmptyVocabulary_RoundTrips()
    {
        TextVocabulary vocabulary = TextVocabulary.Build([], size: 10);
        var writer = new StringWriter();

        vocabulary.Save(writer);
        TextVocabulary loaded = TextVocabulary.Load(new StringReader(writer.ToString()));

        Assert.Equal(string.Empty, writer.ToString());
        Assert.Equal(2, loaded.Size);
    }

    [Fact]
    public void Load_WindowsLineEnds_AreAccepted()
    {
        TextVocabulary loaded = TextVocabulary.Load(new StringReader("the\r\ncat\r\n"));

        Assert.Equal(["", "[UNK]", "the", "cat"], AllWords(loaded));
    }

    [Theory]
    [InlineData("the\n\ncat\n", "Line 2")]
    [InlineData("the\nCat\n", "Line 2")]
    [InlineData("the\nblack cat\n", "Line 2")]
    [InlineData("the\ncat\n'\n", "Line 3")]
    [InlineData("the\ncat\nthe\n", "Line 3 of the vocabulary repeats the word 'the'")]
    public void Load_LineThatIsNotOneNewWord_IsRefusedWithItsNumber(string content, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => TextVocabulary.Load(new StringReader(content)));

        Assert.Contains(expected, error.Message);
    }

    private static string[] AllWords(TextVocabulary vocabulary)
    {
        var words = new string[vocabulary.Size];
        for (int id = 0; id < words.Length; id++)
        {
            words[id] = vocabulary.WordOf(id);
        }

        return words;
    }
}
