using System;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NetCompiler.TorchComparison;

/// <summary>
/// GFLOP/s as a share of the machine's peak, measured in the same run: the best microkernel marked
/// <see cref="PeakReferenceAttribute"/> gives one core's peak, multiplied by the case's <c>Threads</c> parameter.
/// </summary>
internal sealed class PercentOfPeakColumn : IColumn
{
    public static readonly PercentOfPeakColumn Instance = new();

    public string Id => nameof(PercentOfPeakColumn);
    public string ColumnName => "% of peak";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 1;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "GFLOP/s over the FMA microkernel's best GFLOP/s in this run, times the thread count";

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? gflops = GflopsColumn.Measure(summary, benchmarkCase);
        double corePeak = summary.BenchmarksCases
            .Where(c => Attribute.IsDefined(c.Descriptor.WorkloadMethod, typeof(PeakReferenceAttribute)))
            .Select(c => GflopsColumn.Measure(summary, c) ?? 0)
            .DefaultIfEmpty(0)
            .Max();
        if (gflops is null || corePeak <= 0)
        {
            return "-";
        }

        object? threads = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Threads")?.Value;
        double cores = threads is int count ? count : 1;
        return (100 * gflops.Value / (corePeak * cores)).ToString("F1", style.CultureInfo) + "%";
    }

    public override string ToString() => ColumnName;
}
