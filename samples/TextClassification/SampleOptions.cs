using static NetCompiler.Samples.CommandLine;

namespace TextClassificationSample;

/// <summary>The command line, parsed by hand so that the sample needs no package beyond NetCompiler.</summary>
internal sealed class SampleOptions
{
    public const string Usage =
        """
        Trains the TextClassifier network (Embedding, LSTM, Dense) to tell which of ten fortune files a fortune
        comes from, evaluates it on a held-out fifth of them, saves it, then lets you type sentences to classify.

        Usage: dotnet run -c Release --project samples/TextClassification -- [options]

        Options:
          --data DIR         Folder holding the ten fortune files (people, definitions, cookie, computers,
                             songs-poems, politics, miscellaneous, work, science, men-women). Default: Debian's
                             /usr/share/games/fortunes if installed, else the copies in samples/TextClassification/data.
          --epochs N         Passes over the training fortunes (default 10).
          --max-batches N    Train on at most N batches per epoch, for a quick run (default: all).
          --no-prompt        Do not ask for sentences to classify after training.
          --output DIR       Where to write text-classifier.nccp and vocabulary.txt (default ./out).
          --seed N           Seed of the weight initialisation and of the shuffle (default: the network's Seed, 7).
                             The 80/20 split of the fortunes never changes, so runs stay comparable.
          --help             Show this text.
        """;

    public string? DataDirectory { get; private set; }

    public int Epochs { get; private set; } = 10;

    /// <summary>0 means every batch, as in <c>FitOptions.MaxBatchesPerEpoch</c>.</summary>
    public int MaxBatchesPerEpoch { get; private set; }

    public bool NoPrompt { get; private set; }

    public string OutputDirectory { get; private set; } = "out";

    /// <summary>Null keeps the seed written in the network's <c>[Network(Seed = …)]</c> attribute.</summary>
    public int? Seed { get; private set; }

    public bool ShowHelp { get; private set; }

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
                case "--no-prompt":
                    options.NoPrompt = true;
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

        return options;
    }
}
