using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading;
using NetCompiler;
using NetCompiler.Samples;
using static System.FormattableString;

namespace TextClassificationSample;

/// <summary>
/// Trains <see cref="TextClassifier"/> to tell which of ten fortune files a fortune comes from, reports test accuracy
/// beside the majority-class baseline and a confusion matrix, saves the weights and the vocabulary, then classifies
/// sentences typed at the prompt. Run with --help for the options.
/// </summary>
internal static class Program
{
    private const string WeightsFileName = "text-classifier.nccp";
    private const string VocabularyFileName = "vocabulary.txt";

    // The split is fixed, not tied to --seed: changing the weights' seed must not change which fortunes are tested,
    // or runs could not be compared.
    private const int SplitSeed = 7;
    private const double TestFraction = 0.2;

    // Exit codes: 2 for a command line or data the user must fix, 1 for a failure while running, 130 for Ctrl+C
    // (128 + SIGINT, what shells report for an interrupted program).
    private const int ExitUsage = 2;
    private const int ExitFailure = 1;
    private const int ExitCancelled = 130;

    private static int Main(string[] args)
    {
        SampleOptions? options = SampleOptions.Parse(args, out string? error);
        if (options is null)
        {
            return Fail(ExitUsage, error!, "run with --help to see the options.");
        }

        if (options.ShowHelp)
        {
            Console.WriteLine(SampleOptions.Usage);
            return 0;
        }

        // Ctrl+C asks the training loop to stop at the next batch instead of killing the process mid-write; a second
        // Ctrl+C, once cancellation is already requested, ends the process at once.
        using var cancellation = new CancellationTokenSource();
        ProgressBar? progressBar = null;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cancellation.IsCancellationRequested)
            {
                return;
            }

            e.Cancel = true;
            progressBar?.BreakLine();
            Console.Error.WriteLine("Cancelling after the current batch... (press Ctrl+C again to stop at once)");
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;

        try
        {
            LabelledTexts? data = LoadData(options, out string dataDescription, out int exitCode);
            if (data is null)
            {
                return exitCode;
            }

            progressBar = new ProgressBar(Console.Out, interactive: !Console.IsOutputRedirected, hasValidation: true);
            (int result, TextClassifier? model, TextVocabulary? vocabulary) =
                Train(options, data, dataDescription, progressBar, cancellation.Token);
            if (result != 0 || options.NoPrompt || Console.IsInputRedirected)
            {
                return result;
            }

            // At the prompt there is nothing to cancel, so Ctrl+C ends the program the usual way.
            Console.CancelKeyPress -= onCancel;
            Prompt(model!, vocabulary!, data.Categories);
            return 0;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            progressBar?.BreakLine();
            Console.Error.WriteLine("Training was cancelled; nothing was evaluated or saved.");
            return ExitCancelled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            progressBar?.BreakLine();
            return Fail(ExitFailure, e.Message,
                $"check that the output folder '{options.OutputDirectory}' is writable, or choose one with --output.");
        }
    }

    private static (int ExitCode, TextClassifier? Model, TextVocabulary? Vocabulary) Train(SampleOptions options,
        LabelledTexts data, string dataDescription, ProgressBar progressBar, CancellationToken cancellationToken)
    {
        // The vocabulary must fill the Embedding's rows exactly; reading the attribute keeps the two from drifting.
        int vocabularySize = typeof(TextClassifier).GetCustomAttribute<EmbeddingAttribute>()?.InputDim
            ?? throw new InvalidOperationException("TextClassifier has lost its [Embedding] attribute.");
        int networkSeed = options.Seed ?? typeof(TextClassifier).GetCustomAttribute<NetworkAttribute>()?.Seed ?? 0;
        const int SequenceLength = TextClassifier.InputLength;

        // Split first and build the vocabulary from the training part only, so that test words stay unseen, as they
        // would be for real new text.
        (LabelledTexts train, LabelledTexts test) = FortuneCorpus.Split(data, TestFraction, SplitSeed);
        TextVocabulary vocabulary = TextVocabulary.Build(train.Texts, vocabularySize);
        int[] trainInputs = Encode(vocabulary, train, SequenceLength, out _, out _);
        int[] testInputs = Encode(vocabulary, test, SequenceLength, out double unknownShare, out int truncated);
        int distinctWords = train.Texts.SelectMany(TextVocabulary.Tokenize).Distinct(StringComparer.Ordinal).Count();

        var fitOptions = new FitOptions
        {
            Epochs = options.Epochs,
            Shuffle = true,
            MaxBatchesPerEpoch = options.MaxBatchesPerEpoch,

            // One seed for both, as --help says (the shuffle used to start from 0 unless --seed was given).
            ShuffleSeed = networkSeed,
        };

        // Say what runs before it runs: a long job that prints nothing first looks hung.
        Console.WriteLine(Invariant($"Data:       {dataDescription}"));
        Console.WriteLine(Invariant($"            {data.Count:N0} fortunes from {data.Categories.Count} files; ") +
            Invariant($"{train.Count:N0} train and {test.Count:N0} test (fixed {100 * (1 - TestFraction):F0}/") +
            Invariant($"{100 * TestFraction:F0} split, seed {SplitSeed})"));
        Console.WriteLine(Invariant($"Vocabulary: {vocabulary.Size:N0} ids: padding, unknown, and the ") +
            Invariant($"{vocabulary.Size - 2:N0} most frequent of {distinctWords:N0} distinct training words"));
        Console.WriteLine(Invariant($"            {unknownShare * 100:F1}% of test words are unknown; ") +
            Invariant($"{truncated:N0} test fortunes are cut to their last {SequenceLength} words"));
        Console.WriteLine(Invariant($"Training:   {options.Epochs} epoch(s), batch size {TextClassifier.BatchSize}") +
            (options.MaxBatchesPerEpoch > 0
                ? Invariant($", at most {options.MaxBatchesPerEpoch} batches per epoch")
                : string.Empty) +
            Invariant($", weight seed {networkSeed}, shuffle seed {fitOptions.ShuffleSeed}"));
        Console.WriteLine($"SIMD:       vector widths accelerated: {VectorSupport.AcceleratedWidths()}");
        Console.WriteLine();
        Console.WriteLine(TextClassifier.Summary);
        Console.WriteLine(Invariant($"TextClassifier.ParameterCount = {TextClassifier.ParameterCount:N0}"));
        Console.WriteLine();

        // Made before training, so that an unwritable --output fails in a second rather than after the whole run.
        Directory.CreateDirectory(options.OutputDirectory);
        TextClassifier model = options.Seed is int weightSeed ? new TextClassifier(weightSeed) : new TextClassifier();

        // The test fortunes double as validation data so that over-fitting shows epoch by epoch, as in Keras
        // examples; they are never trained on.
        var stopwatch = Stopwatch.StartNew();
        TrainingHistory history;
        try
        {
            history = model.Fit(trainInputs, train.Labels, testInputs, test.Labels, fitOptions, progressBar,
                cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            // Fit's documented failure: a batch produced a NaN or infinite loss, so the weights are now useless.
            progressBar.BreakLine();
            return (Fail(ExitFailure, e.Message,
                "training diverged; try another --seed, or report it with the command line you used."), null, null);
        }

        stopwatch.Stop();
        Console.WriteLine(Invariant(
            $"Training took {stopwatch.Elapsed.TotalSeconds:F1} s for {history.Epochs.Count} epoch(s), ") +
            "validation passes included.");
        Console.WriteLine();

        // The baseline answers the most common training class every time: a model that does not beat it has learnt
        // nothing from the words.
        int majority = MostCommon(train.Labels, data.Categories.Count);
        double baseline = (double)test.Labels.Count(label => label == majority) / test.Count;
        EvaluationResult result = model.Evaluate(testInputs, test.Labels, cancellationToken);
        Console.WriteLine(Invariant(
            $"Test accuracy {result.Accuracy * 100:F2}% (loss {result.Loss:F4}) on {result.Samples:N0} fortunes; ") +
            Invariant($"majority-class baseline {baseline * 100:F2}% (always '{data.Categories[majority]}')"));
        Console.WriteLine();

        int[,] confusion = NetworkTrainer.ConfusionMatrix(model, testInputs, test.Labels);
        ConfusionMatrixPrinter.Print(Console.Out, confusion, data.Categories);
        Console.WriteLine();

        // The weights are useless without the word ids they were trained on, so the vocabulary ships beside them.
        string weightsPath = Path.Combine(options.OutputDirectory, WeightsFileName);
        model.Save(weightsPath);
        string vocabularyPath = Path.Combine(options.OutputDirectory, VocabularyFileName);
        using (var writer = new StreamWriter(vocabularyPath, append: false, new UTF8Encoding(false)))
        {
            vocabulary.Save(writer);
        }

        Console.WriteLine($"Saved weights and optimizer state to {weightsPath}");
        Console.WriteLine($"Saved the vocabulary (one word per line, ids from 2) to {vocabularyPath}");
        return (0, model, vocabulary);
    }

    /// <summary>
    /// Classifies sentences typed by the user until an empty line or the end of input. Each answer shows the three
    /// likeliest files, since fortune categories overlap (a joke about programmers at work fits two of them).
    /// </summary>
    private static void Prompt(TextClassifier model, TextVocabulary vocabulary, IReadOnlyList<string> categories)
    {
        var ids = new int[TextClassifier.InputLength];
        var probabilities = new float[TextClassifier.OutputLength];
        Console.WriteLine();
        Console.WriteLine("Type a sentence and press Enter to see which fortune file it fits best; an empty line " +
            "or Ctrl+D quits.");
        while (true)
        {
            Console.Write("> ");
            string? line = Console.ReadLine();
            if (string.IsNullOrWhiteSpace(line))
            {
                return;
            }

            int words = vocabulary.Encode(line, ids);
            int known = words - ids.AsSpan(ids.Length - words).Count(TextVocabulary.OutOfVocabularyId);
            model.Forward(ids, probabilities);

            int[] ranking = Enumerable.Range(0, probabilities.Length)
                .OrderByDescending(c => probabilities[c])
                .ToArray();
            Console.WriteLine(Invariant($"  {categories[ranking[0]]} ({probabilities[ranking[0]] * 100:F1}%)") +
                Invariant($"; then {categories[ranking[1]]} ({probabilities[ranking[1]] * 100:F1}%)") +
                Invariant($", {categories[ranking[2]]} ({probabilities[ranking[2]] * 100:F1}%)"));
            if (known == 0)
            {
                Console.WriteLine("  (none of these words is in the vocabulary: the model saw only unknown-word ids)");
            }
            else if (known < words)
            {
                Console.WriteLine(Invariant($"  ({words - known} of {words} words unknown to the vocabulary)"));
            }
        }
    }

    /// <summary>Encodes and pads every text into one flat array of <paramref name="length"/> ids per text.</summary>
    private static int[] Encode(TextVocabulary vocabulary, LabelledTexts texts, int length, out double unknownShare,
        out int truncated)
    {
        var ids = new int[texts.Count * length];
        long words = 0;
        long unknown = 0;
        truncated = 0;
        for (int i = 0; i < texts.Count; i++)
        {
            Span<int> sequence = ids.AsSpan(i * length, length);
            int written = vocabulary.Encode(texts.Texts[i], sequence);
            words += written;
            unknown += sequence.Slice(length - written).Count(TextVocabulary.OutOfVocabularyId);
            if (written == length && TextVocabulary.Tokenize(texts.Texts[i]).Count > length)
            {
                truncated++;
            }
        }

        unknownShare = words > 0 ? (double)unknown / words : 0;
        return ids;
    }

    private static int MostCommon(int[] labels, int classes)
    {
        var counts = new int[classes];
        foreach (int label in labels)
        {
            counts[label]++;
        }

        // Ties go to the lower label, so the baseline does not depend on how the counts were traversed.
        return Array.IndexOf(counts, counts.Max());
    }

    /// <summary>
    /// Finds the data: --data if given, else Debian's package, else the copies next to the program. Returns null
    /// (with the exit code to use) after reporting a problem the user must fix.
    /// </summary>
    private static LabelledTexts? LoadData(SampleOptions options, out string description, out int exitCode)
    {
        exitCode = 0;
        IReadOnlyList<string> categories = FortuneCorpus.DefaultCategories;
        string directory;
        if (options.DataDirectory is not null)
        {
            directory = options.DataDirectory;
            description = $"{Path.GetFullPath(directory)} (--data)";
        }
        else if (MissingFiles(FortuneCorpus.DebianDirectory).Length == 0)
        {
            directory = FortuneCorpus.DebianDirectory;
            description = $"{directory} (Debian's fortunes package)";
        }
        else
        {
            // A partly installed package is worth a word: the user may think the installed files are being used.
            int installed = categories.Count - MissingFiles(FortuneCorpus.DebianDirectory).Length;
            if (installed > 0)
            {
                Console.Error.WriteLine(
                    Invariant($"warning: {FortuneCorpus.DebianDirectory} holds only {installed} of the ") +
                    Invariant($"{categories.Count} fortune files this sample uses (apt-get install fortunes ") +
                    "provides them all).");
            }

            directory = Path.Combine(AppContext.BaseDirectory, "data");
            Console.WriteLine("The fortunes package is not installed (apt-get install fortunes); using the copies " +
                "shipped in samples/TextClassification/data");
            description = "the copies shipped in samples/TextClassification/data";
        }

        try
        {
            return FortuneCorpus.Load(directory, categories);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            exitCode = Fail(ExitUsage, e.Message,
                "--data must name a folder holding the ten fortune files, such as " +
                $"{FortuneCorpus.DebianDirectory} (apt-get install fortunes) or samples/TextClassification/data.");
            return null;
        }
        catch (InvalidDataException e)
        {
            exitCode = Fail(ExitUsage, e.Message,
                "the file is damaged or not a fortune file; reinstall it (apt-get install --reinstall fortunes) " +
                "or restore samples/TextClassification/data from git.");
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            exitCode = Fail(ExitUsage, e.Message, $"check that the files in '{directory}' can be read.");
            return null;
        }
    }

    private static string[] MissingFiles(string directory)
    {
        return FortuneCorpus.DefaultCategories
            .Where(name => !File.Exists(Path.Combine(directory, name)))
            .ToArray();
    }

    /// <summary>Reports an error on stderr with a suggested fix, and returns the exit code to use.</summary>
    private static int Fail(int exitCode, string message, string hint)
    {
        Console.Error.WriteLine($"error: {message}");
        Console.Error.WriteLine($"hint: {hint}");
        return exitCode;
    }
}
