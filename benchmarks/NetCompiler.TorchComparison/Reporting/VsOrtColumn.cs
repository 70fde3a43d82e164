using System;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NetCompiler.TorchComparison;

/// <summary>
/// Each case against ONNX Runtime: the mean of the category's <see cref="OrtReferenceAttribute"/> case (same class,
/// same parameters, same job) over this case's mean, written as BenchmarkDotNet's Ratio column writes it in trend
/// style ("1.52x faster", "1.10x slower"). The Ratio column already sets each case against TorchSharp, the
/// category's baseline; a category has only one baseline, so the second comparison needs a column of its own.
/// </summary>
internal sealed class VsOrtColumn : IColumn
{
    public static readonly VsOrtColumn Instance = new();

    public string Id => nameof(VsOrtColumn);
    public string ColumnName => "vs ORT";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => -1;
    public bool IsNumeric => false;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "ONNX Runtime's mean over this case's mean, in the same category and parameters";

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (IsReference(benchmarkCase))
        {
            return "ORT";
        }

        BenchmarkCase? reference = summary.BenchmarksCases.FirstOrDefault(other =>
            IsReference(other)
            && other.Descriptor.Type == benchmarkCase.Descriptor.Type
            && other.Descriptor.Categories.SequenceEqual(benchmarkCase.Descriptor.Categories)
            && other.Parameters.DisplayInfo == benchmarkCase.Parameters.DisplayInfo
            && other.Job.DisplayInfo == benchmarkCase.Job.DisplayInfo);
        double? ortMean = reference is null ? null : summary[reference]?.ResultStatistics?.Mean;
        double? mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (ortMean is not > 0 || mean is not > 0)
        {
            return "-";
        }

        double speedup = ortMean.Value / mean.Value;
        return speedup >= 1
            ? speedup.ToString("N2", style.CultureInfo) + "x faster"
            : (1 / speedup).ToString("N2", style.CultureInfo) + "x slower";
    }

    private static bool IsReference(BenchmarkCase benchmarkCase) =>
        Attribute.IsDefined(benchmarkCase.Descriptor.WorkloadMethod, typeof(OrtReferenceAttribute));

    public override string ToString() => ColumnName;
}
