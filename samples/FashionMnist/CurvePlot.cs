using System;
using System.Collections.Generic;
using System.Linq;
using NetCompiler;
using ScottPlot;

namespace FashionMnistSample;

/// <summary>Draws the loss and accuracy of each epoch, training and validation, side by side in one PNG.</summary>
internal static class CurvePlot
{
    private const int Width = 1400;
    private const int Height = 560;

    // Skia's Linux build that ScottPlot ships (SkiaSharp.NativeAssets.Linux.NoDependencies) has no fontconfig: it
    // scans /usr/share/fonts itself, and left to choose it may pick a serif face. Debian's fonts-dejavu-core
    // provides the first of these.
    private static readonly string[] s_preferredFonts = { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial" };

    /// <summary>
    /// Writes the plot; <paramref name="title"/> (a short description of the run) heads both halves, because a
    /// Multiplot has no title of its own. Returns a warning for the user when no known font was found, else null.
    /// </summary>
    public static string? Save(TrainingHistory history, string title, string path)
    {
        string? fontWarning = null;
        string? font = s_preferredFonts.FirstOrDefault(IsInstalled);
        if (font is not null)
        {
            Fonts.Default = font;
        }
        else
        {
            fontWarning = "no DejaVu Sans font was found, so the plot's text may be missing or in another face. " +
                "Install it with: apt-get install fonts-dejavu-core";
        }

        double[] epochs = history.Epochs.Select(e => (double)e.Epoch).ToArray();

        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();

        Plot loss = multiplot.GetPlot(0);
        AddCurves(loss, epochs, history.Loss, history.ValidationLoss, scale: 1.0);
        loss.Title($"Loss: {title}");
        loss.YLabel("sparse categorical cross-entropy");
        loss.ShowLegend(Alignment.UpperRight);

        Plot accuracy = multiplot.GetPlot(1);
        AddCurves(accuracy, epochs, history.Accuracy, history.ValidationAccuracy, scale: 100.0);
        accuracy.Title($"Accuracy: {title}");
        accuracy.YLabel("accuracy (%)");
        accuracy.ShowLegend(Alignment.LowerRight);

        foreach (Plot plot in new[] { loss, accuracy })
        {
            plot.XLabel("epoch");

            // Epochs are whole numbers; automatic ticks would label 1.5 and 2.5 as well.
            double interval = Math.Max(1, Math.Ceiling(epochs.Length / 10.0));
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(interval);
            plot.Axes.SetLimitsX(0.5, Math.Max(epochs.Length, 1) + 0.5);
        }

        multiplot.SavePng(path, Width, Height);
        return fontWarning;
    }

    private static bool IsInstalled(string family)
    {
        // GetTypeface never returns null: for an unknown family it hands back a fallback face, so compare names.
        string found = Fonts.GetTypeface(family, bold: false, italic: false).FamilyName;
        return string.Equals(found, family, StringComparison.OrdinalIgnoreCase);
    }

    private static void AddCurves(Plot plot, double[] epochs, IReadOnlyList<float> train,
        IReadOnlyList<float> validation, double scale)
    {
        var trainLine = plot.Add.Scatter(epochs, train.Select(v => v * scale).ToArray());
        trainLine.LegendText = "training";
        trainLine.LineWidth = 2;
        trainLine.MarkerSize = 7;

        if (validation.Count == epochs.Length && epochs.Length > 0)
        {
            var validationLine = plot.Add.Scatter(epochs, validation.Select(v => v * scale).ToArray());
            validationLine.LegendText = "validation (test images)";
            validationLine.LineWidth = 2;
            validationLine.MarkerSize = 7;
            validationLine.LinePattern = LinePattern.Dashed;
        }
    }
}
