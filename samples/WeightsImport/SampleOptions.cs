using static NetCompiler.Samples.CommandLine;

namespace WeightsImportSample;

/// <summary>The command line, parsed with the helpers the samples share.</summary>
internal sealed class SampleOptions
{
    /// <summary>What train_pytorch.py writes when run without --output, so both default to the same file.</summary>
    public const string DefaultWeights = "fashion_cnn.pt";

    public const string Usage =
        """
        Imports a FashionCnn trained in PyTorch, evaluates it on the Fashion-MNIST test images, compares it with
        PyTorch's own results, and saves it as a NetCompiler checkpoint for a native build to load.

        Usage: dotnet run -c Release --project samples/WeightsImport -- [options]

        Options:
          --weights FILE     The state_dict train_pytorch.py saved with torch.save (default ./fashion_cnn.pt).
                             samples/WeightsImport/pretrained/fashion_cnn.pt is one it wrote earlier.
          --checkpoint FILE  Instead of --weights: load a NetCompiler checkpoint (.nccp) that an import saved. This
                             is what a native build does; it cannot read PyTorch files itself.
          --reference FILE   PyTorch's results to compare with (default: the .json beside --weights).
          --data DIR         Folder holding the four Fashion-MNIST IDX files (gzip or raw). Default: Debian's
                             /usr/share/datasets/fashion-mnist if installed, else the 6,000/1,000 subset shipped
                             in samples/FashionMnist/data.
          --output DIR       Where an import writes fashion-cnn.nccp (default ./out).
          --help             Show this text.
        """;

    /// <summary>Null when --checkpoint is given; otherwise --weights or its default.</summary>
    public string? Weights { get; private set; }

    public string? Checkpoint { get; private set; }

    /// <summary>PyTorch's results; null when there is nothing to compare with.</summary>
    public string? Reference { get; private set; }

    /// <summary>True if --reference was given: a missing file is then an error, not a skipped comparison.</summary>
    public bool ReferenceGiven { get; private set; }

    public string? DataDirectory { get; private set; }

    public string OutputDirectory { get; private set; } = "out";

    public bool ShowHelp { get; private set; }

    /// <summary>Parses <paramref name="args"/>; on a mistake returns null and a message saying how to fix it.</summary>
    public static SampleOptions? Parse(string[] args, out string? error)
    {
        var options = new SampleOptions();
        error = null;
        for (int i = 0; i < args.Length && error is null; i++)
        {
            string arg = SplitInlineValue(args[i], out string? inlineValue);
            switch (arg)
            {
                case "--help" or "-h" or "-?":
                    options.ShowHelp = true;
                    break;
                case "--weights":
                    options.Weights = TakeValue(args, ref i, arg, inlineValue, ref error);
                    break;
                case "--checkpoint":
                    options.Checkpoint = TakeValue(args, ref i, arg, inlineValue, ref error);
                    break;
                case "--reference":
                    options.Reference = TakeValue(args, ref i, arg, inlineValue, ref error);
                    options.ReferenceGiven = true;
                    break;
                case "--data":
                    options.DataDirectory = TakeValue(args, ref i, arg, inlineValue, ref error);
                    break;
                case "--output":
                    options.OutputDirectory =
                        TakeValue(args, ref i, arg, inlineValue, ref error) ?? options.OutputDirectory;
                    break;
                default:
                    error = $"unknown option '{args[i]}'.";
                    break;
            }
        }

        if (error is not null)
        {
            return null;
        }

        if (options.Weights is not null && options.Checkpoint is not null)
        {
            error = "give either --weights (a PyTorch state_dict to import) or --checkpoint (a saved import), " +
                "not both.";
            return null;
        }

        if (options.Checkpoint is null)
        {
            options.Weights ??= DefaultWeights;
            // train_pytorch.py writes its results beside the state_dict, under the same name.
            options.Reference ??= System.IO.Path.ChangeExtension(options.Weights, ".json");
        }

        return options;
    }
}
