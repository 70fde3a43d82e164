using System;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using NetCompiler.Generators.Tests.Helpers;
using Xunit;

namespace NetCompiler.Generators.Tests;

/// <summary>
/// Which LSTMs get a copy of their recurrent kernel laid out by L1 cache set, and what that layout promises: read from
/// the offsets table in the generated source, so the rules are checked on what the network will really use.
/// </summary>
public sealed class RecurrentRowLayoutTests
{
    private const int WindowFloats = 1024; // 4 KB: one line in each of the 64 sets of the L1 caches targeted
    private const int LineFloats = 16;

    [Theory]
    [InlineData(48, true)]
    [InlineData(64, true)]
    [InlineData(32, false)] // U is 16 KB: it stays in L1 without help
    [InlineData(40, false)] // 25 KB
    [InlineData(50, false)] // not whole 16-float vectors
    [InlineData(80, false)] // more units than one tile's 16 registers hold
    public void OnlyLstmsWithAKernelLargerThanL1AndOneRegisterBlock_GetTheCopy(int units, bool expected)
    {
        string source = Generate(units);

        Assert.Equal(expected, source.Contains("RecurrenceV512x1Partitioned(", StringComparison.Ordinal));
        Assert.Equal(expected, source.Contains("PrepareInference();", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(48, 24)]
    [InlineData(64, 21)]
    public void Layout_KeepsResidentRowsOutOfTheStreamedRowsSets(int units, int expectedResident)
    {
        string source = Generate(units);
        int[] offsets = Offsets(source);
        int rowFloats = 4 * units, streamSlot = WindowFloats - rowFloats;
        Assert.Equal(units, offsets.Length);

        // Every row lies within one 4 KB window and no two rows share a float.
        Assert.All(offsets, o => Assert.True(o % WindowFloats + rowFloats <= WindowFloats, $"row at {o} crosses a window"));
        Assert.Equal(units, offsets.Distinct().Count());
        int[] sorted = offsets.OrderBy(o => o).ToArray();
        for (int i = 1; i < sorted.Length; i++)
        {
            Assert.True(sorted[i] - sorted[i - 1] >= rowFloats, $"rows at {sorted[i - 1]} and {sorted[i]} overlap");
        }

        // Streamed rows take the last slot of a window; resident rows the slots before it, in at most 7 windows, so
        // no L1 set holds more than 7 lines of them and the streamed rows' sets hold none.
        int[] resident = offsets.Where(o => o % WindowFloats != streamSlot).ToArray();
        Assert.Equal(expectedResident, resident.Length);
        Assert.All(resident, o => Assert.True(o % WindowFloats + rowFloats <= streamSlot));
        Assert.True(resident.Select(o => o / WindowFloats).Distinct().Count() <= 7);
        int[] linesPerSet = new int[WindowFloats / LineFloats];
        foreach (int o in resident)
        {
            for (int f = 0; f < rowFloats; f += LineFloats)
            {
                linesPerSet[(o + f) % WindowFloats / LineFloats]++;
            }
        }

        Assert.True(linesPerSet.Max() <= 7, $"a set holds {linesPerSet.Max()} resident lines");

        // Resident rows spread evenly along the sweep, so misses do too: no longer run of streamed rows than needed.
        int longestRun = 0, run = 0;
        foreach (int o in offsets)
        {
            run = o % WindowFloats == streamSlot ? run + 1 : 0;
            longestRun = Math.Max(longestRun, run);
        }

        int streamed = units - expectedResident;
        Assert.True(longestRun <= (streamed + expectedResident - 1) / expectedResident, $"{longestRun} streamed rows in a row");

        // The copy's length, allocated by the network, covers the last row.
        Match length = Regex.Match(source, @"IsHardwareAccelerated \? (\d+) : 0, 4096\)");
        Assert.True(length.Success);
        Assert.True(int.Parse(length.Groups[1].Value) >= offsets.Max() + rowFloats);
    }

    private static int[] Offsets(string source)
    {
        Match table = Regex.Match(source, @"RecurrentRowOffsets => new int\[\] \{ ([0-9, ]+) \};");
        Assert.True(table.Success, "no offsets table in the generated source");
        return table.Groups[1].Value.Split(", ").Select(int.Parse).ToArray();
    }

    private static string Generate(int units)
    {
        GeneratorRun run = GeneratorRunner.Run($$"""
            using NetCompiler;

            [Network(BatchSize = 4)]
            [Input(7, 3)]
            [Lstm({{units}})]
            [Dense(2, Activation = Activation.Softmax)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy)]
            [Adam]
            public partial class Net;
            """);

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Diagnostic[] errors = run.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(errors.Length == 0, string.Join("\n", errors.Take(5).Select(e => e.ToString())));
        return run.SingleSourceText();
    }
}
