using System;
using System.IO;
using System.Text;
using NetCompiler;
using static System.FormattableString;

namespace NetCompiler.Samples;

/// <summary>
/// Shows training progress the way Keras does. On a terminal, one line per epoch is redrawn in place with a carriage
/// return; when the output goes to a file or a CI log, where a redrawn line would pile up as hundreds of lines, only
/// the finished epoch is written, once.
/// </summary>
/// <remarks>
/// It implements <see cref="IProgress{T}"/> directly instead of using <see cref="Progress{T}"/>: that class posts each
/// report to the thread pool, so reports could arrive out of order and after <c>Fit</c> has returned.
/// </remarks>
internal sealed class ProgressBar : IProgress<TrainingProgress>
{
    private const int MinimumBarWidth = 10;
    private const int MaximumBarWidth = 30;

    private readonly TextWriter _writer;
    private readonly bool _interactive;
    private readonly bool _hasValidation;
    private readonly object _gate = new();
    private int _lastLineLength;
    private bool _lineOpen;

    // The end-of-epoch report's Elapsed includes the validation pass, which would understate the training speed,
    // so the last rate seen while training is kept for the summary of the epoch.
    private double _trainingRate;

    public ProgressBar(TextWriter writer, bool interactive, bool hasValidation)
    {
        _writer = writer;
        _interactive = interactive;
        _hasValidation = hasValidation;
    }

    public void Report(TrainingProgress value)
    {
        lock (_gate)
        {
            if (!value.EpochCompleted && value.SamplesDone > 0)
            {
                _trainingRate = value.SamplesPerSecond;
            }

            double rate = value.EpochCompleted && _trainingRate > 0 ? _trainingRate : value.SamplesPerSecond;
            if (_interactive)
            {
                Redraw(value, rate);
            }
            else if (value.EpochCompleted)
            {
                _writer.WriteLine(PlainLine(value, rate));
                _writer.Flush();
            }

            if (value.EpochCompleted)
            {
                _trainingRate = 0;
            }
        }
    }

    /// <summary>Ends a half-drawn line so that a message (such as "cancelling") starts on a line of its own.</summary>
    public void BreakLine()
    {
        lock (_gate)
        {
            if (_lineOpen)
            {
                _writer.WriteLine();
                _writer.Flush();
                _lineOpen = false;
                _lastLineLength = 0;
            }
        }
    }

    private void Redraw(TrainingProgress p, double rate)
    {
        string counter = Invariant($"Epoch {p.Epoch}/{p.Epochs} ");

        // Padding the changing numbers to their final width keeps the columns from jumping between redraws.
        string total = Invariant($"{p.SamplesTotal:N0}");
        string numbers = " " + Invariant($"{p.SamplesDone:N0}").PadLeft(total.Length) + "/" + total +
            Invariant($" {rate,6:N0} samples/s  loss {p.Loss:F4}  acc {p.Accuracy:F4}");
        string tail;
        if (p.EpochCompleted)
        {
            tail = Invariant($"  {p.Elapsed.TotalSeconds:F1} s");
            if (p.ValidationLoss is float validationLoss && p.ValidationAccuracy is float validationAccuracy)
            {
                tail += Invariant($"  val_loss {validationLoss:F4}  val_acc {validationAccuracy:F4}");
            }
        }
        else if (p.SamplesDone >= p.SamplesTotal)
        {
            tail = _hasValidation ? "  validating..." : string.Empty;
        }
        else
        {
            tail = "  ETA " + FormatDuration(EstimateRemaining(p));
        }

        // The bar takes whatever room the terminal leaves, and is dropped when there is too little. A line that is
        // redrawn must not be wider than the terminal: it would wrap, and \r would return only to the wrapped part.
        int room = TerminalWidth() - 1;
        // Room is kept for the longest tail, the end-of-epoch one, so that the bar keeps its width all epoch.
        int tailRoom = Math.Max(tail.Length, _hasValidation ? "  000.0 s  val_loss 0.0000  val_acc 0.0000".Length : 10);
        int barWidth = Math.Min(room - counter.Length - numbers.Length - tailRoom - 2, MaximumBarWidth);
        string bar = barWidth >= MinimumBarWidth ? Bar(p.SamplesDone, p.SamplesTotal, barWidth) : string.Empty;
        string line = counter + bar + numbers + tail;
        if (!p.EpochCompleted && line.Length > room)
        {
            line = line.Substring(0, Math.Max(0, room));
        }

        // Spaces rub out the end of a longer previous line, since \r only moves the cursor.
        var text = new StringBuilder("\r").Append(line);
        if (_lastLineLength > line.Length)
        {
            text.Append(' ', _lastLineLength - line.Length);
        }

        _lastLineLength = line.Length;
        _writer.Write(text.ToString());
        _lineOpen = true;
        if (p.EpochCompleted)
        {
            BreakLine();
        }

        _writer.Flush();
    }

    private static string PlainLine(TrainingProgress p, double rate)
    {
        string line = Invariant($"Epoch {p.Epoch}/{p.Epochs}: {p.SamplesDone:N0} samples in ") +
            Invariant($"{p.Elapsed.TotalSeconds:F1} s ({rate:N0} samples/s while training), ") +
            Invariant($"loss {p.Loss:F4}, accuracy {p.Accuracy:F4}");
        if (p.ValidationLoss is float validationLoss && p.ValidationAccuracy is float validationAccuracy)
        {
            line += Invariant($", validation loss {validationLoss:F4}, validation accuracy {validationAccuracy:F4}");
        }

        return line;
    }

    private static string Bar(int done, int total, int width)
    {
        int filled = total > 0 ? (int)((long)width * Math.Min(done, total) / total) : 0;
        var bar = new StringBuilder(width + 2).Append('[');
        bar.Append('=', filled);
        if (filled < width)
        {
            bar.Append('>');
            bar.Append('.', width - filled - 1);
        }

        return bar.Append(']').ToString();
    }

    private static TimeSpan EstimateRemaining(TrainingProgress p)
    {
        double rate = p.SamplesPerSecond;
        return rate > 0 ? TimeSpan.FromSeconds((p.SamplesTotal - p.SamplesDone) / rate) : TimeSpan.Zero;
    }

    private static string FormatDuration(TimeSpan time)
    {
        return time.TotalHours >= 1
            ? Invariant($"{(int)time.TotalHours}:{time.Minutes:00}:{time.Seconds:00}")
            : Invariant($"{time.Minutes}:{time.Seconds:00}");
    }

    private static int TerminalWidth()
    {
        try
        {
            int width = Console.WindowWidth;
            return width > 20 ? width : 80;
        }
        catch (IOException)
        {
            // Some terminals (and pseudo-terminals without a size) cannot report one.
            return 80;
        }
    }
}
