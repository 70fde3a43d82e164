using System;
using System.IO;

namespace NetCompiler;

/// <summary>
/// Fashion-MNIST in memory: 28x28 grey images scaled to [0, 1], image after image, and their classes in [0, 10).
/// </summary>
/// <param name="TrainImages">The training images, <see cref="FashionMnist.PixelsPerImage"/> floats each.</param>
/// <param name="TrainLabels">The class of each training image.</param>
/// <param name="TestImages">The test images, <see cref="FashionMnist.PixelsPerImage"/> floats each.</param>
/// <param name="TestLabels">The class of each test image.</param>
/// <param name="Source">The directory the files were read from.</param>
public sealed record FashionMnistData(
    float[] TrainImages,
    int[] TrainLabels,
    float[] TestImages,
    int[] TestLabels,
    string Source)
{
    /// <summary>The number of training images.</summary>
    public int TrainCount => TrainLabels.Length;

    /// <summary>The number of test images.</summary>
    public int TestCount => TestLabels.Length;

    /// <summary>
    /// A copy holding only the first <paramref name="trainCount"/> training and <paramref name="testCount"/> test
    /// samples, for quick runs. The files are already shuffled, so a prefix keeps the classes balanced enough.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or more than there are samples.</exception>
    public FashionMnistData Take(int trainCount, int testCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trainCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(trainCount, TrainCount);
        ArgumentOutOfRangeException.ThrowIfNegative(testCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(testCount, TestCount);
        CheckPixels(TrainImages, TrainCount, nameof(TrainImages));
        CheckPixels(TestImages, TestCount, nameof(TestImages));

        return this with
        {
            TrainImages = TrainImages[..(trainCount * FashionMnist.PixelsPerImage)],
            TrainLabels = TrainLabels[..trainCount],
            TestImages = TestImages[..(testCount * FashionMnist.PixelsPerImage)],
            TestLabels = TestLabels[..testCount],
        };
    }

    private static void CheckPixels(float[] images, int count, string name)
    {
        // The record can be built by hand, so its arrays may disagree; slicing them would then be silently wrong.
        if (images.Length != (long)count * FashionMnist.PixelsPerImage)
        {
            throw new InvalidOperationException(
                $"{name} has {images.Length} floats, but {count} labels x {FashionMnist.PixelsPerImage} pixels = " +
                $"{(long)count * FashionMnist.PixelsPerImage} were expected.");
        }
    }
}

/// <summary>
/// Finds and loads Fashion-MNIST (Zalando's drop-in replacement for MNIST) from its four IDX files, raw or gzipped.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the gzipped files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The height of every image.</summary>
    public const int ImageRows = 28;

    /// <summary>The width of every image.</summary>
    public const int ImageColumns = 28;

    /// <summary>The number of floats per image.</summary>
    public const int PixelsPerImage = ImageRows * ImageColumns;

    /// <summary>The number of classes.</summary>
    public const int ClassCount = 10;

    private const string TrainImagesFile = "train-images-idx3-ubyte";
    private const string TrainLabelsFile = "train-labels-idx1-ubyte";
    private const string TestImagesFile = "t10k-images-idx3-ubyte";
    private const string TestLabelsFile = "t10k-labels-idx1-ubyte";

    /// <summary>The name of each class, indexed by label. The array is shared: do not change it.</summary>
    public static string[] ClassNames { get; } =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    /// <summary>
    /// Loads the dataset from <paramref name="directory"/> when one is given, where every file must then be present;
    /// otherwise from <see cref="DebianDirectory"/>, returning null when the dataset is not installed there.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing from a directory that has some of them.</exception>
    /// <exception cref="InvalidDataException">A file is not valid; the message names it.</exception>
    public static FashionMnistData? TryLoad(string? directory)
    {
        if (directory is not null)
        {
            return Load(directory);
        }

        // Absent means none of the files is there; a partial install is an error worth reporting, not a silent null.
        bool anyPresent = FindFile(DebianDirectory, TrainImagesFile) is not null ||
            FindFile(DebianDirectory, TrainLabelsFile) is not null ||
            FindFile(DebianDirectory, TestImagesFile) is not null ||
            FindFile(DebianDirectory, TestLabelsFile) is not null;
        return anyPresent ? Load(DebianDirectory) : null;
    }

    /// <summary>
    /// Loads the four files (<c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>,
    /// <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>, each raw or with <c>.gz</c>) from
    /// <paramref name="directory"/>, and checks that they hold 28x28 images with labels in [0, 10).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file is missing; the message names it.</exception>
    /// <exception cref="InvalidDataException">A file is not valid; the message names it.</exception>
    public static FashionMnistData Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The Fashion-MNIST directory '{directory}' does not exist.");
        }

        // Find all four before reading any, so that a missing file is reported at once, not after seconds of work.
        string trainImagesPath = RequireFile(directory, TrainImagesFile);
        string trainLabelsPath = RequireFile(directory, TrainLabelsFile);
        string testImagesPath = RequireFile(directory, TestImagesFile);
        string testLabelsPath = RequireFile(directory, TestLabelsFile);

        float[] trainImages = ReadImages(trainImagesPath);
        int[] trainLabels = ReadLabels(trainLabelsPath, trainImages.Length / PixelsPerImage, trainImagesPath);
        float[] testImages = ReadImages(testImagesPath);
        int[] testLabels = ReadLabels(testLabelsPath, testImages.Length / PixelsPerImage, testImagesPath);
        return new FashionMnistData(trainImages, trainLabels, testImages, testLabels, directory);
    }

    private static float[] ReadImages(string path)
    {
        IdxImages images = IdxReader.ReadImages(path);
        if (images.Rows != ImageRows || images.Columns != ImageColumns)
        {
            throw new InvalidDataException(
                $"'{path}' holds {images.Rows}x{images.Columns} images, but Fashion-MNIST images are " +
                $"{ImageRows}x{ImageColumns}.");
        }

        return images.Pixels;
    }

    private static int[] ReadLabels(string path, int imageCount, string imagesPath)
    {
        int[] labels = IdxReader.ReadLabels(path);
        if (labels.Length != imageCount)
        {
            throw new InvalidDataException(
                $"'{path}' holds {labels.Length} labels, but '{imagesPath}' holds {imageCount} images.");
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= ClassCount)
            {
                throw new InvalidDataException(
                    $"'{path}' gives label {labels[i]} to sample {i}, but Fashion-MNIST labels are in " +
                    $"[0, {ClassCount}).");
            }
        }

        return labels;
    }

    private static string RequireFile(string directory, string name) =>
        FindFile(directory, name) ?? throw new FileNotFoundException(
            $"Fashion-MNIST file '{name}' (or '{name}.gz') is missing from '{directory}'.",
            Path.Combine(directory, name));

    private static string? FindFile(string directory, string name)
    {
        // Prefer the raw file: it reads faster, and someone who unpacked the archive meant it to be used.
        string raw = Path.Combine(directory, name);
        if (File.Exists(raw))
        {
            return raw;
        }

        string gzipped = raw + ".gz";
        return File.Exists(gzipped) ? gzipped : null;
    }
}
