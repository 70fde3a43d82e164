using System;
using System.IO;
using System.Text.Json;

namespace WeightsImportSample;

/// <summary>
/// What train_pytorch.py measured in PyTorch (the .json it writes beside the state_dict): its test accuracy, and
/// its predicted class and the true class of every test image, one digit each.
/// </summary>
internal sealed record PyTorchResults(
    string Framework, int Epochs, double TestAccuracy, int[] Predictions, int[] Labels)
{
    /// <exception cref="InvalidDataException">The file is not JSON, or lacks a field or holds a wrong one.</exception>
    public static PyTorchResults Load(string path)
    {
        // JsonDocument rather than a serializer: it needs no reflection, so the native build stays warning-free.
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = document.RootElement;
            int[] predictions = Digits(Field(root, "test_predictions", path), "test_predictions");
            int[] labels = Digits(Field(root, "test_labels", path), "test_labels");
            if (predictions.Length != labels.Length)
            {
                throw new InvalidDataException(
                    $"'{path}' has {predictions.Length} predictions but {labels.Length} labels.");
            }

            return new PyTorchResults(
                Field(root, "framework", path).GetString() ?? "PyTorch",
                Field(root, "epochs", path).GetInt32(),
                Field(root, "test_accuracy", path).GetDouble(),
                predictions,
                labels);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException(
                $"'{path}' is not a results file written by train_pytorch.py ({e.Message})", e);
        }
    }

    private static JsonElement Field(JsonElement root, string name, string path) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out JsonElement value)
            ? value
            : throw new InvalidDataException($"'{path}' has no field '{name}', so train_pytorch.py did not write it.");

    private static int[] Digits(JsonElement element, string name)
    {
        string text = element.GetString() ?? string.Empty;
        var digits = new int[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            digits[i] = text[i] is >= '0' and <= '9'
                ? text[i] - '0'
                : throw new FormatException($"'{name}' holds '{text[i]}' at position {i}, not a class digit.");
        }

        return digits;
    }
}
