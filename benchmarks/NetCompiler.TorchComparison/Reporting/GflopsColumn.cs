using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NetCompiler.TorchComparison;

/// <summary>Achieved GFLOP/s: the <see cref="FlopsAttribute"/> count of a call divided by its mean time.</summary>
internal sealed class GflopsColumn : IColumn
{
    public static readonly GflopsColumn Instance = new();

    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Floating-point operations per second (a multiply-add counts 2), from the FLOPs of one call and its mean";

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        Measure(summary, benchmarkCase) is double gflops ? gflops.ToString("F1", style.CultureInfo) : "-";

    /// <summary>GFLOP/s of a case, or null when it has no FLOP count or no result.</summary>
    public static double? Measure(Summary summary, BenchmarkCase benchmarkCase)
    {
        var flops = benchmarkCase.Descriptor.WorkloadMethod
            .GetCustomAttributes(typeof(FlopsAttribute), false).Cast<FlopsAttribute>().FirstOrDefault();
        double? meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (flops is null || meanNanoseconds is not > 0)
        {
            return null;
        }

        // FLOPs per nanosecond are GFLOP/s.
        return flops.PerCall / meanNanoseconds.Value;
    }

    public override string ToString() => ColumnName;
}
