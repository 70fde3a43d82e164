using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using static System.FormattableString;

namespace NetCompiler.Samples;

/// <summary>Writes a confusion matrix as an aligned text table, one row per true class.</summary>
internal static class ConfusionMatrixPrinter
{
    /// <param name="matrix">Counts indexed [true class, predicted class].</param>
    /// <param name="classNames">One name per class, in label order.</param>
    public static void Print(TextWriter writer, int[,] matrix, IReadOnlyList<string> classNames)
    {
        int classes = matrix.GetLength(0);
        if (matrix.GetLength(1) != classes || classNames.Count != classes)
        {
            throw new ArgumentException(
                $"A {matrix.GetLength(0)}x{matrix.GetLength(1)} matrix does not fit {classNames.Count} class names.");
        }

        // Columns are headed by label number only: ten names such as "T-shirt/top" side by side would not fit a
        // terminal, and the row labels below already pair each number with its name.
        int largest = matrix.Cast<int>().DefaultIfEmpty(0).Max();
        int cellWidth = Math.Max(Invariant($"{largest:N0}").Length, 3) + 2;
        int labelWidth = classNames.Max(name => name.Length) + 3;

        var header = new StringBuilder(new string(' ', labelWidth));
        for (int predicted = 0; predicted < classes; predicted++)
        {
            header.Append(Invariant($"{predicted}").PadLeft(cellWidth));
        }

        header.Append("   recall");
        writer.WriteLine("Confusion matrix (rows: true class, columns: predicted class; recall = right / row total)");
        writer.WriteLine(header.ToString());

        for (int actual = 0; actual < classes; actual++)
        {
            var row = new StringBuilder(Invariant($"{actual} {classNames[actual]}").PadRight(labelWidth));
            int total = 0;
            for (int predicted = 0; predicted < classes; predicted++)
            {
                row.Append(Invariant($"{matrix[actual, predicted]:N0}").PadLeft(cellWidth));
                total += matrix[actual, predicted];
            }

            string recall = total > 0 ? Invariant($"{100.0 * matrix[actual, actual] / total:F1}%") : "-";
            row.Append(recall.PadLeft(9));
            writer.WriteLine(row.ToString());
        }
    }
}
