using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;

namespace NetCompiler.TorchComparison;

/// <summary>
/// The settings every comparison shares: allocations measured, results grouped by category (one library against
/// the others), a column against ONNX Runtime next to the Ratio against TorchSharp, GFLOP/s and % of peak columns,
/// and the build step that lets the TorchSharp shim load.
/// </summary>
internal static class ComparisonConfig
{
    /// <summary>1, and all cores when there are several: the thread counts each comparison runs at.</summary>
    public static IEnumerable<int> ThreadCounts => new[] { 1, Environment.ProcessorCount }.Distinct();

    public static IConfig Create()
    {
        // BenchmarkDotNet builds each job in a project it generates, which does not see this project's build steps;
        // giving it the same CustomAfterMicrosoftCommonTargets makes it patch its own copy of libLibTorchSharp.so
        // (build/LibTorchSharp.targets explains why). As a mutator it adds to whatever job runs (--job short, or
        // the default one) instead of replacing it.
        string targets = Path.Combine(AppContext.BaseDirectory, "build", "LibTorchSharp.targets");
        Job shimPatch = new Job()
            .WithArguments(new[] { new MsBuildArgument($"/p:CustomAfterMicrosoftCommonTargets={targets}") })
            .AsMutator();

        return DefaultConfig.Instance
            .AddJob(shimPatch)
            .AddDiagnoser(MemoryDiagnoser.Default)
            // The minimum and median next to the mean: on a busy machine the fastest iteration is the one least
            // disturbed by other processes.
            .AddColumn(StatisticColumn.Median, StatisticColumn.Min)
            .AddColumn(CategoriesColumn.Default, VsOrtColumn.Instance)
            .AddColumn(GflopsColumn.Instance, PercentOfPeakColumn.Instance)
            .AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)
            // One table for all classes, so that % of peak can use the FMA microkernel's result.
            .WithOption(ConfigOptions.JoinSummary, true)
            .WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend));
    }
}
