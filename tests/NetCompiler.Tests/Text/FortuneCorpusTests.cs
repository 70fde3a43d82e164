using System;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace NetCompiler.Tests.Text;

public sealed class FortuneCorpusTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("netcompiler-fortunes-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ReadFortunes_SplitsOnPercentLines_TrimsAndDropsEmptyEntries()
    {
        string path = Write("mixed",
            "%\n" +
            "First fortune.\n" +
            "%\n" +
            "\n" +
            "   \n" +
            "%\n" +
            "  Second, on\n" +
            "\ttwo lines.  \n" +
            "%\n" +
            "%\n" +
            "100% sure\n" +
            "%%\n" +
            " % \n" +
            "%\n" +
            "Last one, with no separator after it\n");

        Assert.Equal(
            [
                "First fortune.",
                "Second, on\n\ttwo lines.",
                "100% sure\n%%\n %",
                "Last one, with no separator after it",
            ],
            FortuneCorpus.ReadFortunes(path));
    }

    [Fact]
    public void ReadFortunes_WindowsLineEnds_AreSeparatorsToo()
    {
        string path = Write("crlf", "One\r\n%\r\nTwo\r\nlines\r\n%\r\n");

        Assert.Equal(["One", "Two\nlines"], FortuneCorpus.ReadFortunes(path));
    }

    [Fact]
    public void ReadFortunes_Latin1File_IsDecodedAsLatin1()
    {
        // "café" and "naïve" in Latin-1: a lone 0xE9 or 0xEF byte is not valid UTF-8, so the reader must fall back.
        string path = Path.Combine(_directory, "latin1");
        File.WriteAllBytes(path, [.. "caf"u8, 0xE9, .. "\n%\nna"u8, 0xEF, .. "ve"u8]);

        Assert.Equal(["café", "naïve"], FortuneCorpus.ReadFortunes(path));
    }

    [Fact]
    public void ReadFortunes_Utf8WithByteOrderMark_DropsTheMark()
    {
        string path = Path.Combine(_directory, "bom");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("Über\n%\nnaïve")]);

        Assert.Equal(["Über", "naïve"], FortuneCorpus.ReadFortunes(path));
    }

    [Fact]
    public void ReadFortunes_Overstrikes_KeepWhatATeletypeShows()
    {
        string path = Write("overstrike",
            "Calm down, it's *____\b\b\b\bonly* ones.\n%\n\t\t-- H. Poincar'\be\n%\nI\bI win, `_\bn' tasks\n");

        Assert.Equal(
            ["Calm down, it's *only* ones.", "-- H. Poincare", "I win, `n' tasks"],
            FortuneCorpus.ReadFortunes(path));
    }

    [Fact]
    public void ReadFortunes_BinaryFile_IsRefused()
    {
        string path = Path.Combine(_directory, "people.dat");
        File.WriteAllBytes(path, [0, 0, 0, 2, 0, 0, 4, 0xE2]);

        var error = Assert.Throws<InvalidDataException>(() => FortuneCorpus.ReadFortunes(path));

        Assert.Contains("not a fortune file", error.Message);
    }

    [Fact]
    public void Load_LabelsEachFortuneWithTheIndexOfItsFile()
    {
        Write("b", "b1\n%\nb2\n%\n");
        Write("a", "a1\n%\n");

        LabelledTexts data = FortuneCorpus.Load(_directory, ["b", "a"]);

        Assert.Equal(["b1", "b2", "a1"], data.Texts);
        Assert.Equal([0, 0, 1], data.Labels);
        Assert.Equal(["b", "a"], data.Categories);
        Assert.Equal(3, data.Count);
    }

    [Fact]
    public void Load_MissingFile_NamesIt()
    {
        Write("people", "p\n%\n");

        var error = Assert.Throws<FileNotFoundException>(() => FortuneCorpus.Load(_directory, ["people", "work"]));

        Assert.Contains("'work' is missing", error.Message);
        Assert.Equal(Path.Combine(_directory, "work"), error.FileName);
    }

    [Fact]
    public void Load_MissingDirectory_SaysSo()
    {
        string absent = Path.Combine(_directory, "absent");

        var error = Assert.Throws<DirectoryNotFoundException>(() => FortuneCorpus.Load(absent, ["people"]));

        Assert.Contains(absent, error.Message);
    }

    [Fact]
    public void Load_FileWithoutFortunes_IsRefused()
    {
        Write("people", "p\n%\n");
        Write("work", "%\n\n%\n");

        var error = Assert.Throws<InvalidDataException>(() => FortuneCorpus.Load(_directory, ["people", "work"]));

        Assert.Contains("holds no fortune", error.Message);
    }

    [Theory]
    [InlineData("../people")]
    [InlineData("sub/people")]
    [InlineData("..")]
    [InlineData("")]
    public void Load_CategoryThatIsNotAFileName_IsRefused(string category)
    {
        Assert.Throws<ArgumentException>(() => FortuneCorpus.Load(_directory, [category]));
    }

    [Fact]
    public void Load_RepeatedCategory_IsRefused()
    {
        Write("people", "p\n%\n");

        var error = Assert.Throws<ArgumentException>(() => FortuneCorpus.Load(_directory, ["people", "people"]));

        Assert.Contains("listed twice", error.Message);
    }

    [Fact]
    public void Split_SameSeed_SameParts()
    {
        LabelledTexts data = Numbered(50);

        var (train1, test1) = FortuneCorpus.Split(data, 0.2, seed: 3);
        var (train2, test2) = FortuneCorpus.Split(data, 0.2, seed: 3);

        Assert.Equal(train1.Texts, train2.Texts);
        Assert.Equal(test1.Texts, test2.Texts);
        Assert.Equal(train1.Labels, train2.Labels);
    }

    [Fact]
    public void Split_PartsAreDisjoint_CoverEverything_AndKeepLabelsWithTexts()
    {
        LabelledTexts data = Numbered(101);

        var (train, test) = FortuneCorpus.Split(data, 0.2, seed: 7);

        // ceil(101 * 0.2) = 21 test texts, as scikit-learn counts.
        Assert.Equal((80, 21), (train.Count, test.Count));
        Assert.Empty(train.Texts.Intersect(test.Texts));
        Assert.Equal(data.Texts.Order(), train.Texts.Concat(test.Texts).Order());
        foreach (LabelledTexts part in new[] { train, test })
        {
            for (int i = 0; i < part.Count; i++)
            {
                Assert.Equal(int.Parse(part.Texts[i], System.Globalization.CultureInfo.InvariantCulture) % 3,
                    part.Labels[i]);
            }

            Assert.Same(data.Categories, part.Categories);
        }
    }

    [Fact]
    public void Split_IsShuffled_AndTheSeedMatters()
    {
        LabelledTexts data = Numbered(100);

        var (train7, _) = FortuneCorpus.Split(data, 0.2, seed: 7);
        var (train8, _) = FortuneCorpus.Split(data, 0.2, seed: 8);

        Assert.NotEqual(data.Texts.Take(80), train7.Texts);
        Assert.NotEqual(train7.Texts, train8.Texts);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Split_FractionOutsideZeroToOne_IsRefused(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FortuneCorpus.Split(Numbered(10), fraction, seed: 1));
    }

    [Fact]
    public void Split_TooFewTexts_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => FortuneCorpus.Split(Numbered(1), 0.2, seed: 1));
    }

    [Fact]
    public void CommittedCopies_HoldTheTenCategories()
    {
        // Counted from Debian's fortunes 1:1.99.1-7.3, which these files copy unchanged.
        int[] expected = [1251, 1203, 1133, 1051, 720, 703, 651, 630, 625, 582];
        string directory = Path.Combine(RepositoryRoot(), "samples", "TextClassification", "data");

        LabelledTexts data = FortuneCorpus.Load(directory, FortuneCorpus.DefaultCategories);

        Assert.Equal(
            ["people", "definitions", "cookie", "computers", "songs-poems",
             "politics", "miscellaneous", "work", "science", "men-women"],
            data.Categories);
        Assert.Equal(8549, data.Count);
        Assert.Equal(expected, data.Categories.Select((_, label) => data.Labels.Count(l => l == label)));
        Assert.DoesNotContain(data.Texts, text => text.Length == 0 || text.Contains('\b', StringComparison.Ordinal));

        // The sample's split: its majority class, people, is 14.97% of the test part, the baseline to beat.
        var (train, test) = FortuneCorpus.Split(data, 0.2, seed: 7);
        Assert.Equal((6839, 1710), (train.Count, test.Count));
        Assert.Equal(256, test.Labels.Count(l => l == 0));
    }

    private string Write(string name, string content)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    private static LabelledTexts Numbered(int count)
    {
        string[] texts = Enumerable.Range(0, count)
            .Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        int[] labels = Enumerable.Range(0, count).Select(i => i % 3).ToArray();
        return new LabelledTexts(texts, labels, ["zero", "one", "two"]);
    }

    private static string RepositoryRoot()
    {
        // Tests run from bin/<configuration>/<framework>; the solution file marks the top of the repository.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null;
            directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NetCompiler.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No NetCompiler.sln above {AppContext.BaseDirectory}.");
    }
}
