using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using System.Numerics.Tensors;
using NetCompiler;
using NetCompiler.Samples;
using static System.FormattableString;

namespace WeightsImportSample;

/// <summary>
/// The import path end to end: a state_dict saved by train_pytorch.py goes into <see cref="FashionCnn"/>, is
/// evaluated on the Fashion-MNIST test images and compared with PyTorch's own predictions, then saved as a
/// NetCompiler checkpoint. The native build of this program loads that checkpoint. Run with --help for the options.
/// </summary>
internal static class Program
{
    private const string CanImportPyTorchSwitch = "WeightsImportSample.CanImportPyTorch";
    private const string CheckpointFileName = "fashion-cnn.nccp";
    private const string TrainScript = "samples/WeightsImport/train_pytorch.py";
    private const string PretrainedWeights = "samples/WeightsImport/pretrained/fashion_cnn.pt";

    // Exit codes: 2 for a command line, file or data the user must fix, 1 when the imported network does not compute
    // what PyTorch computed.
    private const int ExitUsage = 2;
    private const int ExitFailure = 1;

    // Float rounding differs between the frameworks (summation order, fused multiply-adds), so an image whose two
    // best classes are nearly tied may flip; a wrong import (a transposed kernel, a mismatched twin) changes far more.
    private const double MinimumAgreement = 0.99;

    private static readonly string[] s_dataFiles =
    {
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
    };

    /// <summary>
    /// False in the native build only. PyTorchImport's pickle reader (Razorvine.Pickle) uses reflection that trimming
    /// cannot follow (warnings IL2075 and IL2077), and an application that ships a checkpoint does not need it.
    /// WeightsImport.csproj sets this switch when the native compiler runs, which then treats the property as the
    /// constant false and leaves the importer, and its warnings, out of the binary.
    /// </summary>
    [FeatureSwitchDefinition(CanImportPyTorchSwitch)]
    private static bool CanImportPyTorch =>
        !AppContext.TryGetSwitch(CanImportPyTorchSwitch, out bool enabled) || enabled;

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

        var model = new FashionCnn();
        int status = options.Checkpoint is not null
            ? LoadCheckpoint(options.Checkpoint, model)
            : Import(options.Weights!, model);
        if (status != 0)
        {
            return status;
        }

        FashionMnistData? data = LoadData(options, out string dataDescription, out status);
        if (data is null)
        {
            return status;
        }

        Console.WriteLine($"Data:     {dataDescription}");
        Console.WriteLine($"SIMD:     vector widths accelerated: {VectorSupport.AcceleratedWidths()}" +
            (CanImportPyTorch ? string.Empty : " (native build)"));
        var stopwatch = Stopwatch.StartNew();
        EvaluationResult test = model.Evaluate(data.TestImages, data.TestLabels);
        Console.WriteLine(Invariant($"NetCompiler test loss {test.Loss:F4}, test accuracy {test.Accuracy * 100:F2}% ") +
            Invariant($"on {test.Samples:N0} images ({stopwatch.Elapsed.TotalSeconds:F1} s)"));
        Console.WriteLine();

        // One more pass for the class of each image: the confusion matrix and the comparison with PyTorch share it.
        int[] predicted = PredictClasses(model, data.TestImages, data.TestCount);
        var confusion = new int[FashionMnist.ClassCount, FashionMnist.ClassCount];
        for (int i = 0; i < predicted.Length; i++)
        {
            confusion[data.TestLabels[i], predicted[i]]++;
        }

        ConfusionMatrixPrinter.Print(Console.Out, confusion, FashionMnist.ClassNames);
        Console.WriteLine();

        status = CompareWithPyTorch(options, predicted, data.TestLabels);
        if (status != 0 || options.Checkpoint is not null)
        {
            return status;
        }

        // Saved only once the comparison passed, so that a wrong import never becomes a checkpoint to ship.
        string checkpoint = Path.Combine(options.OutputDirectory, CheckpointFileName);
        try
        {
            Directory.CreateDirectory(options.OutputDirectory);
            model.Save(checkpoint);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(ExitUsage, e.Message,
                $"check that the output folder '{options.OutputDirectory}' is writable, or choose one with --output.");
        }

        string reference = options.Reference is not null && File.Exists(options.Reference)
            ? $" --reference {options.Reference}"
            : string.Empty;
        Console.WriteLine($"Saved the imported weights as a NetCompiler checkpoint: {checkpoint}");
        Console.WriteLine("Ship it with a native build, which loads it without the importer:");
        Console.WriteLine("  dotnet publish -c Release -r linux-x64 samples/WeightsImport -o native");
        Console.WriteLine($"  native/WeightsImport --checkpoint {checkpoint}{reference}");
        return 0;
    }

    /// <summary>Reads the state_dict into <paramref name="model"/>: the step this sample is about.</summary>
    private static int Import(string weights, FashionCnn model)
    {
        if (!CanImportPyTorch)
        {
            return Fail(ExitUsage, "this native build does not read PyTorch files; it loads NetCompiler checkpoints.",
                "import with the JIT build (dotnet run -c Release --project samples/WeightsImport -- --weights " +
                $"FILE), then run this binary with --checkpoint out/{CheckpointFileName}.");
        }

        if (!File.Exists(weights))
        {
            return Fail(ExitUsage, $"the PyTorch weights '{weights}' do not exist.",
                $"train them in PyTorch first: python3 {TrainScript} --output {weights} (on Debian: apt-get " +
                "install python3-torch, then run the script with /usr/bin/python3), or pass " +
                $"--weights {PretrainedWeights}, a state_dict that script saved for this repository.");
        }

        var stopwatch = Stopwatch.StartNew();
        try
        {
            // Layouts are converted on the way in: Conv2d (out, in, kh, kw) to (kh, kw, in, out), Linear (out, in)
            // to (in, out), and the rows of the Linear after nn.Flatten from channel-first to channel-last order.
            IReadOnlyDictionary<string, TensorData> state = PyTorchImport.LoadStateDict(weights);
            PyTorchImport.Apply(state, FashionCnn.Architecture, model.Parameters);
            Console.WriteLine(Invariant($"Imported {weights} ({stopwatch.Elapsed.TotalMilliseconds:F0} ms): ") +
                string.Join(", ", state.Select(entry => $"{entry.Key} {entry.Value}")));
        }
        catch (InvalidDataException e)
        {
            return Fail(ExitUsage, e.Message,
                "--weights must be torch.save(model.state_dict(), FILE) of the network fashion_cnn() builds in " +
                $"{TrainScript}, which mirrors FashionCnn.cs (see docs/weights-import.md).");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(ExitUsage, e.Message, $"check that '{weights}' can be read.");
        }

        Console.WriteLine(FashionCnn.Summary);
        return 0;
    }

    private static int LoadCheckpoint(string checkpoint, FashionCnn model)
    {
        try
        {
            model.Load(checkpoint);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return Fail(ExitUsage, e.Message,
                $"pass --checkpoint the {CheckpointFileName} an import saved (dotnet run -c Release --project " +
                "samples/WeightsImport -- --weights FILE writes it to out/).");
        }

        Console.WriteLine($"Loaded the NetCompiler checkpoint {checkpoint}");
        return 0;
    }

    /// <summary>
    /// Compares with the results train_pytorch.py wrote: accuracy, and image by image which class each framework
    /// picks. Returns non-zero when the two disagree on too many images to be the same function.
    /// </summary>
    private static int CompareWithPyTorch(SampleOptions options, int[] predicted, int[] labels)
    {
        if (options.Reference is null)
        {
            return 0;
        }

        if (!File.Exists(options.Reference))
        {
            if (options.ReferenceGiven)
            {
                return Fail(ExitUsage, $"the PyTorch results '{options.Reference}' do not exist.",
                    "pass --reference the .json that train_pytorch.py wrote beside the state_dict.");
            }

            Console.WriteLine($"No PyTorch results at {options.Reference}, so nothing to compare with " +
                "(train_pytorch.py writes them beside the state_dict).");
            return 0;
        }

        PyTorchResults torch;
        try
        {
            torch = PyTorchResults.Load(options.Reference);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return Fail(ExitUsage, e.Message, "pass --reference the .json that train_pytorch.py wrote.");
        }

        // The committed subset is the first 1,000 test images, so PyTorch's results for all 10,000 cover it too.
        int count = labels.Length;
        if (count > torch.Labels.Length || !torch.Labels.AsSpan(0, count).SequenceEqual(labels))
        {
            Console.WriteLine(Invariant($"{torch.Framework} reported {torch.TestAccuracy * 100:F2}% on ") +
                Invariant($"{torch.Labels.Length:N0} test images, which are not the ones evaluated here (their ") +
                "labels differ), so the predictions are not compared.");
            return 0;
        }

        int agree = 0, torchRight = 0;
        for (int i = 0; i < count; i++)
        {
            agree += predicted[i] == torch.Predictions[i] ? 1 : 0;
            torchRight += torch.Predictions[i] == labels[i] ? 1 : 0;
        }

        string scope = count < torch.Labels.Length
            ? Invariant($" (the first {count:N0} of the {torch.Labels.Length:N0} it was evaluated on)")
            : string.Empty;
        Console.WriteLine(Invariant($"{torch.Framework}, {torch.Epochs} epoch(s): test accuracy ") +
            Invariant($"{100.0 * torchRight / count:F2}% on these {count:N0} images{scope}"));
        Console.WriteLine(Invariant($"Same class as PyTorch for {agree:N0} of {count:N0} test images ") +
            Invariant($"({100.0 * agree / count:F2}%)"));
        Console.WriteLine();
        if (agree < MinimumAgreement * count)
        {
            return Fail(ExitFailure, Invariant($"this network and PyTorch disagree on {count - agree:N0} ") +
                "images: they do not compute the same function.",
                "check that FashionCnn.cs and the PyTorch model have the same layers, sizes, padding and " +
                "activations in the same order (docs/weights-import.md, Writing the twin model).");
        }

        return 0;
    }

    private static int[] PredictClasses(FashionCnn model, float[] images, int count)
    {
        var outputs = new float[count * FashionCnn.OutputLength];
        model.Predict(images, outputs);
        var classes = new int[count];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> scores = outputs.AsSpan(i * FashionCnn.OutputLength, FashionCnn.OutputLength);
            classes[i] = TensorPrimitives.IndexOfMax(scores);
        }

        return classes;
    }

    /// <summary>
    /// Finds the data as the FashionMnist sample does: --data, else Debian's package, else the subset copied next to
    /// the program. Returns null (with the exit code to use) after reporting a problem the user must fix.
    /// </summary>
    private static FashionMnistData? LoadData(SampleOptions options, out string description, out int exitCode)
    {
        exitCode = 0;
        string directory;
        if (options.DataDirectory is not null)
        {
            directory = options.DataDirectory;
            description = $"{Path.GetFullPath(directory)} (--data)";
        }
        else if (MissingFiles(FashionMnist.DebianDirectory) == 0)
        {
            directory = FashionMnist.DebianDirectory;
            description = $"{directory} (Debian's dataset-fashion-mnist)";
        }
        else
        {
            directory = Path.Combine(AppContext.BaseDirectory, "data");
            description = "the first 1,000 test images, shipped in samples/FashionMnist/data " +
                "(apt-get install dataset-fashion-mnist for all 10,000)";
        }

        try
        {
            return FashionMnist.Load(directory);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            exitCode = Fail(ExitUsage, e.Message,
                "pass --data a folder holding the four Fashion-MNIST IDX files, such as " +
                $"{FashionMnist.DebianDirectory} (apt-get install dataset-fashion-mnist) or " +
                "samples/FashionMnist/data.");
            return null;
        }
    }

    private static int MissingFiles(string directory) => s_dataFiles.Count(name =>
        !File.Exists(Path.Combine(directory, name)) && !File.Exists(Path.Combine(directory, name + ".gz")));

    /// <summary>Reports an error on stderr with a suggested fix, and returns the exit code to use.</summary>
    private static int Fail(int exitCode, string message, string hint)
    {
        Console.Error.WriteLine($"error: {message}");
        Console.Error.WriteLine($"hint: {hint}");
        return exitCode;
    }
}
