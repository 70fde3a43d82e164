using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using NetCompiler;
using NetCompiler.Samples;
using static System.FormattableString;

namespace FashionMnistSample;

/// <summary>
/// Trains <see cref="FashionCnn"/> on Fashion-MNIST, then reports test loss, accuracy and a confusion matrix, and saves
/// the weights and a plot of the training curves. Run with --help for the options.
/// </summary>
internal static class Program
{
    private const string WeightsFileName = "fashion-cnn.nccp";
    private const string PlotFileName = "training-curves.png";
    private const string OnnxFileName = "fashion-cnn.onnx";

    // Exit codes: 2 for a command line or data the user must fix, 1 for a failure while running, 130 for Ctrl+C
    // (128 + SIGINT, what shells report for an interrupted program).
    private const int ExitUsage = 2;
    private const int ExitFailure = 1;
    private const int ExitCancelled = 130;

    private static readonly string[] s_dataFiles =
    {
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
    };

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
        Console.CancelKeyPress += (_, e) =>
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

        try
        {
            FashionMnistData? data = LoadData(options, out string dataDescription, out int exitCode);
            if (data is null)
            {
                return exitCode;
            }

            progressBar = new ProgressBar(Console.Out, interactive: !Console.IsOutputRedirected, hasValidation: true);
            return Run(options, data, dataDescription, progressBar, cancellation.Token);
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

    private static int Run(SampleOptions options, FashionMnistData data, string dataDescription,
        ProgressBar progressBar, CancellationToken cancellationToken)
    {
        int networkSeed = options.Seed ?? typeof(FashionCnn).GetCustomAttribute<NetworkAttribute>()?.Seed ?? 0;
        var fitOptions = new FitOptions
        {
            Epochs = options.Epochs,
            Shuffle = true,
            MaxBatchesPerEpoch = options.MaxBatchesPerEpoch,

            // One seed for both, as --help says: without --seed the shuffle used to start from 0 while the weights
            // came from the network's Seed, so the default run was not the run "--seed 42" names.
            ShuffleSeed = networkSeed,
        };

        if (options.EvaluateWeights is not null)
        {
            return EvaluateSaved(options, data, cancellationToken);
        }

        // Say what runs before it runs: a long job that prints nothing first looks hung.
        Console.WriteLine(Invariant($"Data:     {dataDescription}"));
        Console.WriteLine(Invariant($"          {data.TrainCount:N0} training and {data.TestCount:N0} test images"));
        Console.WriteLine(Invariant($"Training: {options.Epochs} epoch(s), batch size {FashionCnn.BatchSize}") +
            (options.MaxBatchesPerEpoch > 0
                ? Invariant($", at most {options.MaxBatchesPerEpoch} batches per epoch")
                : string.Empty) +
            Invariant($", weight seed {networkSeed}, shuffle seed {fitOptions.ShuffleSeed}"));
        Console.WriteLine($"SIMD:     vector widths accelerated: {VectorSupport.AcceleratedWidths()}");
        Console.WriteLine();
        Console.WriteLine(FashionCnn.Summary);
        Console.WriteLine(Invariant($"FashionCnn.ParameterCount = {FashionCnn.ParameterCount:N0}"));
        Console.WriteLine();

        // Made before training, so that an unwritable --output fails in a second rather than after the whole run.
        Directory.CreateDirectory(options.OutputDirectory);
        FashionCnn model = options.Seed is int weightSeed ? new FashionCnn(weightSeed) : new FashionCnn();

        // The test images double as validation data so the curves show over-fitting as it happens, as in Keras
        // examples; they are never trained on.
        var stopwatch = Stopwatch.StartNew();
        TrainingHistory history;
        try
        {
            history = model.Fit(data.TrainImages, data.TrainLabels, data.TestImages, data.TestLabels, fitOptions,
                progressBar, cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            // Fit's documented failure: a batch produced a NaN or infinite loss, so the weights are now useless.
            progressBar.BreakLine();
            return Fail(ExitFailure, e.Message,
                "training diverged; try another --seed, or report it with the command line you used.");
        }

        stopwatch.Stop();
        Console.WriteLine(Invariant(
            $"Training took {stopwatch.Elapsed.TotalSeconds:F1} s for {history.Epochs.Count} epoch(s), ") +
            "validation passes included.");
        Console.WriteLine();

        var evaluationTime = Stopwatch.StartNew();
        EvaluationResult test = model.Evaluate(data.TestImages, data.TestLabels, cancellationToken);
        Console.WriteLine(Invariant(
            $"Test loss {test.Loss:F4}, test accuracy {test.Accuracy * 100:F2}% on {test.Samples:N0} images") +
            Invariant($" ({evaluationTime.Elapsed.TotalSeconds:F1} s)"));
        Console.WriteLine();

        int[,] confusion = NetworkTrainer.ConfusionMatrix(model, data.TestImages, data.TestLabels);
        ConfusionMatrixPrinter.Print(Console.Out, confusion, FashionMnist.ClassNames);
        Console.WriteLine();

        string weightsPath = Path.Combine(options.OutputDirectory, WeightsFileName);
        model.Save(weightsPath);
        Console.WriteLine($"Saved weights and optimizer state to {weightsPath}");
        string onnxPath = Path.Combine(options.OutputDirectory, OnnxFileName);
        model.ExportOnnx(onnxPath);
        Console.WriteLine($"Exported the trained model for ONNX Runtime to {onnxPath}");

        string plotPath = Path.Combine(options.OutputDirectory, PlotFileName);
        long perEpoch = options.MaxBatchesPerEpoch > 0
            ? Math.Min(data.TrainCount, (long)options.MaxBatchesPerEpoch * FashionCnn.BatchSize)
            : data.TrainCount;
        string plotTitle = perEpoch < data.TrainCount
            ? Invariant($"FashionCnn, {perEpoch:N0} of {data.TrainCount:N0} training images per epoch")
            : Invariant($"FashionCnn, {data.TrainCount:N0} training images");
        string? fontWarning = CurvePlot.Save(history, plotTitle, plotPath);
        Console.WriteLine($"Saved loss and accuracy curves to {plotPath}");
        if (fontWarning is not null)
        {
            Console.Error.WriteLine($"warning: {fontWarning}");
        }

        return 0;
    }

    /// <summary>
    /// --evaluate: loads saved weights, reports test accuracy and, with --predictions, writes every test output as raw
    /// float32. The file lets CI check that a native build predicts bit for bit what the JIT build predicts.
    /// </summary>
    private static int EvaluateSaved(SampleOptions options, FashionMnistData data, CancellationToken cancellationToken)
    {
        var model = new FashionCnn();
        try
        {
            model.Load(options.EvaluateWeights!);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException)
        {
            return Fail(ExitUsage, e.Message, "pass --evaluate a weights file saved by this sample (fashion-cnn.nccp).");
        }

        EvaluationResult test = model.Evaluate(data.TestImages, data.TestLabels, cancellationToken);
        Console.WriteLine(Invariant($"Loaded {options.EvaluateWeights}: test loss {test.Loss:F4}, ") +
            Invariant($"test accuracy {test.Accuracy * 100:F2}% on {test.Samples:N0} images"));
        if (options.PredictionsFile is not null)
        {
            var outputs = new float[data.TestCount * FashionCnn.OutputLength];
            model.Predict(data.TestImages, outputs);
            using FileStream file = File.Create(options.PredictionsFile);
            file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(outputs.AsSpan()));
            Console.WriteLine(Invariant($"Wrote {outputs.Length:N0} outputs to {options.PredictionsFile}"));
        }

        return 0;
    }

    /// <summary>
    /// Finds the data: --data if given, else Debian's package, else the subset copied next to the program. Returns
    /// null (with the exit code to use) after reporting a problem the user must fix.
    /// </summary>
    private static FashionMnistData? LoadData(SampleOptions options, out string description, out int exitCode)
    {
        exitCode = 0;
        string directory;
        if (options.DataDirectory is not null)
        {
            directory = options.DataDirectory;
            if (!Directory.Exists(directory))
            {
                description = string.Empty;
                exitCode = Fail(ExitUsage, $"the data folder '{directory}' does not exist.",
                    "pass --data a folder that holds the four Fashion-MNIST IDX files, or leave --data out.");
                return null;
            }

            string[] missing = MissingFiles(directory);
            if (missing.Length > 0)
            {
                description = string.Empty;
                exitCode = Fail(ExitUsage,
                    $"'{directory}' lacks {string.Join(", ", missing)} (each may also end in .gz).",
                    $"--data must name a folder holding all four files, such as {FashionMnist.DebianDirectory} " +
                    "(apt-get install dataset-fashion-mnist) or samples/FashionMnist/data.");
                return null;
            }

            description = $"{Path.GetFullPath(directory)} (--data)";
        }
        else if (MissingFiles(FashionMnist.DebianDirectory).Length == 0)
        {
            directory = FashionMnist.DebianDirectory;
            description = $"{directory} (Debian's dataset-fashion-mnist)";
        }
        else
        {
            // A partly installed package is worth a word: the user may think the full data set is being used.
            int debianFiles = s_dataFiles.Length - MissingFiles(FashionMnist.DebianDirectory).Length;
            if (debianFiles > 0)
            {
                Console.Error.WriteLine(Invariant(
                    $"warning: {FashionMnist.DebianDirectory} holds only {debianFiles} of the 4 Fashion-MNIST files."));
            }

            directory = Path.Combine(AppContext.BaseDirectory, "data");
            if (MissingFiles(directory).Length > 0)
            {
                description = string.Empty;
                exitCode = Fail(ExitUsage, "Fashion-MNIST is not installed and the bundled subset is missing.",
                    "apt-get install dataset-fashion-mnist, or pass --data DIR with the four IDX files.");
                return null;
            }

            Console.WriteLine("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist); using the " +
                "6,000/1,000 subset shipped in samples/FashionMnist/data");
            description = "the 6,000/1,000 subset shipped in samples/FashionMnist/data";
        }

        FashionMnistData data;
        try
        {
            data = FashionMnist.Load(directory);
        }
        catch (InvalidDataException e)
        {
            exitCode = Fail(ExitUsage, e.Message,
                "the file is damaged or not Fashion-MNIST; reinstall it (apt-get install --reinstall " +
                "dataset-fashion-mnist) or rebuild the subset with tools/make-fashion-subset.py.");
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            exitCode = Fail(ExitUsage, e.Message, $"check that the files in '{directory}' can be read.");
            return null;
        }

        if (options.TrainLimit > 0 && options.TrainLimit < data.TrainCount)
        {
            data = data.Take(options.TrainLimit, data.TestCount);
            description += Invariant($", first {options.TrainLimit:N0} training images (--train-limit)");
        }

        return data;
    }

    private static string[] MissingFiles(string directory)
    {
        return s_dataFiles
            .Where(name => !File.Exists(Path.Combine(directory, name)) &&
                !File.Exists(Path.Combine(directory, name + ".gz")))
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
