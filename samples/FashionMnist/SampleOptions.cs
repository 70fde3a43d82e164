using static NetCompiler.Samples.CommandLine;

namespace FashionMnistSample;

/// <summary>The command line, parsed by hand so that the plot library is the sample's only dependency.</summary>
internal sealed class SampleOptions
{
    public const string Usage =
        """
        Trains the FashionCnn network on Fashion-MNIST, evaluates it on the test images and saves the result.

        Usage: dotnet run -c Release --project samples/FashionMnist -- [options]

        Options:
          --data DIR         Folder holding the four Fashion-MNIST IDX files (gzip or raw). Default: Debian's
                             /usr/share/datasets/fashion-mnist if installed, else the 6,000/1,000 subset shipped
                             in samples/FashionMnist/data.
          --epochs N         Passes over the training images (default 5).
          --max-batches N    Train on at most N batches per epoch, for a quick run (default: all).
          --train-limit N    Use only the first N training images (default: all).
          --output DIR       Where to write fashion-cnn.nccp and training-curves.png (default ./out).
          --seed N           Seed of the weight initialisation and of the shuffle (default: the network's Seed, 42).
          --evaluate FILE    Skip training: load weights saved by an earlier run, then evaluate on the test images.
          --predictions FILE With --evaluate: also write every test output as raw little-endian float32, so that a
                             native (AOT) build can be compared bit for bit with the JIT build.
          --help             Show this text.
        """;

    public string? DataDirectory { get; private set; }

    public int Epochs { get; private set; } = 5;

    /// <summary>0 means every batch, as in <c>FitOptions.MaxBatchesPerEpoch</c>.</summary>
    public int MaxBatchesPerEpoch { get; private set; }

    /// <summary>0 means every training image.</summary>
    public int TrainLimit { get; private set; }

    public string OutputDirectory { get; private set; } = "out";

    /// <summary>Null keeps the seed written in the network's <c>[Network(Seed = …)]</c> attribute.</summary>
    public int? Seed { get; private set; }

    public bool ShowHelp { get; private set; }

    /// <summary>Weights to load instead of training; null trains as usual.</summary>
    public string? EvaluateWeights { get; private set; }

    /// <summary>Where --evaluate writes the raw test outputs; null writes none.</summary>
    public string? PredictionsFile { get; private set; }

    /// <summary>Parses <paramref name="args"/>; on a mistake returns null and a message saying how to fix it.</summary>
    public static SampleOptions? Parse(string[] args, out string? error)
    {
        var options = new SampleOptions();
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = SplitInlineValue(args[i], out string? inlineValue);
            switch (arg)
            {
                case "--help" or "-h" or "-?":
                    options.ShowHelp = true;
                    break;
                case "--data":
                    options.DataDirectory = TakeValue(args, ref i, arg, inlineValue, ref error);
                    break;
                case "--output":
                    options.OutputDirectory =
                        TakeValue(args, ref i, arg, inlineValue, ref error) ?? options.OutputDirectory;
                    break;
                case "--epochs":
                    options.Epochs = TakeNumber(args, ref i, arg, inlineValue, minimum: 1, ref error);
                    break;
                case "--max-batches":
                    options.MaxBatchesPerEpoch = TakeNumber(args, ref i, arg, inlineValue, minimum: 1, ref error);
                    break;
                case "--train-limit":
                    options.TrainLimit = TakeNumber(args, ref i, arg, inlineValue, minimum: 1, ref error);
                    break;
                case "--evaluate":
                    options.EvaluateWeights = TakeValue(args, ref i, arg, inlineValue, ref error);
                    break;
                case "--predictions":
                    options.PredictionsFile = TakeValue(args, ref i, arg, inlineValue, ref error);
                    break;
                case "--seed":
                    options.Seed = TakeNumber(args, ref i, arg, inlineValue, minimum: int.MinValue, ref error);
                    break;
                default:
                    error = $"unknown option '{args[i]}'.";
                    break;
            }

            if (error is not null)
            {
                return null;
            }
        }

        if (error is null && options.PredictionsFile is not null && options.EvaluateWeights is null)
        {
            error = "--predictions needs --evaluate FILE (the weights whose predictions to write).";
            return null;
        }

        return options;
    }
}
