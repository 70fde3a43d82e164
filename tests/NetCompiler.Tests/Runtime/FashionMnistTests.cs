using System;
using System.IO;
using System.Linq;
using Xunit;

namespace NetCompiler.Tests.Runtime;

public sealed class FashionMnistTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("netcompiler-fmnist-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Load_RawAndGzippedFiles_ReadsAllFour()
    {
        WriteDataset(trainCount: 3, testCount: 2);

        FashionMnistData data = FashionMnist.Load(_directory);

        Assert.Equal((3, 2), (data.TrainCount, data.TestCount));
        Assert.Equal(3 * FashionMnist.PixelsPerImage, data.TrainImages.Length);
        Assert.Equal(2 * FashionMnist.PixelsPerImage, data.TestImages.Length);
        Assert.Equal([0, 1, 2], data.TrainLabels);
        Assert.Equal([9, 8], data.TestLabels);
        Assert.Equal(PixelOf(1, 5) / 255f, data.TrainImages[FashionMnist.PixelsPerImage + 5]);
        Assert.Equal(_directory, data.Source);
    }

    [Fact]
    public void Load_MissingFile_NamesIt()
    {
        WriteDataset(trainCount: 3, testCount: 2);
        File.Delete(Path.Combine(_directory, "t10k-labels-idx1-ubyte.gz"));

        var error = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(_directory));

        Assert.Contains("'t10k-labels-idx1-ubyte' (or 't10k-labels-idx1-ubyte.gz') is missing", error.Message);
        Assert.Equal(Path.Combine(_directory, "t10k-labels-idx1-ubyte"), error.FileName);
    }

    [Fact]
    public void TryLoad_GivenDirectory_WithMissingFiles_IsAnErrorNotNull()
    {
        Assert.Throws<FileNotFoundException>(() => FashionMnist.TryLoad(_directory));
        Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.TryLoad(Path.Combine(_directory, "absent")));
    }

    [Fact]
    public void Load_WrongImageSize_IsRefused()
    {
        WriteDataset(trainCount: 3, testCount: 2);
        byte[] narrow = IdxReaderTests.ImagesFile(2, 27, 28, new byte[2 * 27 * 28]);
        File.WriteAllBytes(Path.Combine(_directory, "t10k-images-idx3-ubyte"), narrow);

        var error = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_directory));

        Assert.Contains("holds 27x28 images, but Fashion-MNIST images are 28x28", error.Message);
    }

    [Fact]
    public void Load_LabelCountDifferentFromImageCount_IsRefused()
    {
        WriteDataset(trainCount: 3, testCount: 2);
        File.WriteAllBytes(Path.Combine(_directory, "train-labels-idx1-ubyte"), IdxReaderTests.LabelsFile([1, 2]));

        var error = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_directory));

        Assert.Contains("holds 2 labels, but", error.Message);
        Assert.Contains("holds 3 images", error.Message);
    }

    [Fact]
    public void Load_LabelOutOfRange_IsRefused()
    {
        WriteDataset(trainCount: 3, testCount: 2);
        File.WriteAllBytes(Path.Combine(_directory, "train-labels-idx1-ubyte"), IdxReaderTests.LabelsFile([1, 10, 2]));

        var error = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_directory));

        Assert.Contains("gives label 10 to sample 1", error.Message);
    }

    [Fact]
    public void Take_KeepsTheFirstSamplesAsCopies()
    {
        WriteDataset(trainCount: 3, testCount: 2);
        FashionMnistData data = FashionMnist.Load(_directory);

        FashionMnistData subset = data.Take(2, 1);

        Assert.Equal((2, 1), (subset.TrainCount, subset.TestCount));
        Assert.Equal(data.TrainImages[..(2 * FashionMnist.PixelsPerImage)], subset.TrainImages);
        Assert.Equal([0, 1], subset.TrainLabels);
        Assert.Equal([9], subset.TestLabels);
        Assert.Equal(data.Source, subset.Source);
        subset.TrainLabels[0] = 5;
        Assert.Equal(0, data.TrainLabels[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Take(4, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Take(1, -1));
    }

    [Fact]
    public void ClassNames_AreTheTenFashionMnistClasses()
    {
        Assert.Equal(10, FashionMnist.ClassNames.Length);
        Assert.Equal("T-shirt/top", FashionMnist.ClassNames[0]);
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[9]);
    }

    [Fact]
    public void TryLoad_Default_LoadsTheDebianPackageWhenInstalled()
    {
        FashionMnistData? data = FashionMnist.TryLoad(null);

        if (!Directory.Exists(FashionMnist.DebianDirectory))
        {
            Assert.Null(data);
            return;
        }

        // The real files: 60,000 + 10,000 images, both sets starting with an ankle boot.
        Assert.NotNull(data);
        Assert.Equal((60_000, 10_000), (data.TrainCount, data.TestCount));
        Assert.Equal(9, data.TrainLabels[0]);
        Assert.Equal(9, data.TestLabels[0]);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6000, data.TrainLabels.Count(l => l == c)));
        Assert.InRange(data.TrainImages.Average(), 0.25f, 0.35f);
    }

    private static byte PixelOf(int image, int index) => (byte)((image * 31 + index) % 256);

    /// <summary>Writes a tiny dataset, the training files raw and the test files gzipped.</summary>
    private void WriteDataset(int trainCount, int testCount)
    {
        // Training labels count up from 0, test labels down from 9.
        byte[] trainLabels = Enumerable.Range(0, trainCount).Select(i => (byte)i).ToArray();
        byte[] testLabels = Enumerable.Range(0, testCount).Select(i => (byte)(9 - i)).ToArray();
        Write("train-images-idx3-ubyte", Images(trainCount));
        Write("train-labels-idx1-ubyte", IdxReaderTests.LabelsFile(trainLabels));
        Write("t10k-images-idx3-ubyte.gz", IdxReaderTests.Gzip(Images(testCount)));
        Write("t10k-labels-idx1-ubyte.gz", IdxReaderTests.Gzip(IdxReaderTests.LabelsFile(testLabels)));

        static byte[] Images(int count)
        {
            var pixels = new byte[count * FashionMnist.PixelsPerImage];
            for (int i = 0; i < pixels.Length; i++)
            {
                pixels[i] = PixelOf(i / FashionMnist.PixelsPerImage, i % FashionMnist.PixelsPerImage);
            }

            return IdxReaderTests.ImagesFile(count, 28, 28, pixels);
        }

        void Write(string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(_directory, name), bytes);
    }
}
