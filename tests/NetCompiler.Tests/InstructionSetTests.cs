using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.Intrinsics;
using Xunit;
using Xunit.Abstractions;

namespace NetCompiler.Tests;

/// <summary>
/// Proves which vector widths the runtime really accelerates in this test process. CI runs the whole suite four
/// times with different DOTNET_Enable* settings so that the Vector512, Vector256, Vector128 and scalar branches of
/// the generated kernels are each exercised; without this check a mistyped or renamed setting would silently run the
/// same branch four times.
/// </summary>
public sealed class InstructionSetTests
{
    /// <summary>The widths that must be accelerated: "512,256,128", "256,128", "128", "" or "none".</summary>
    private const string ExpectedWidthsVariable = "NETCOMPILER_EXPECTED_VECTOR_WIDTHS";

    private readonly ITestOutputHelper _output;

    public InstructionSetTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void ExpectedWidths_WhenSet_AreExactlyTheAcceleratedOnes()
    {
        SortedSet<int> accelerated = AcceleratedWidths();
        _output.WriteLine($"Accelerated vector widths: {Describe(accelerated)}");
        _output.WriteLine($"Instruction-set settings: {DescribeSettings()}");

        string? expectedText = Environment.GetEnvironmentVariable(ExpectedWidthsVariable);
        if (expectedText is null)
        {
            // xunit 2 has no runtime skip; the invariants below still run in every configuration.
            _output.WriteLine($"{ExpectedWidthsVariable} is not set; nothing more to compare.");
            return;
        }

        SortedSet<int> expected = ParseWidths(expectedText);
        Assert.True(
            expected.SetEquals(accelerated),
            $"{ExpectedWidthsVariable}=\"{expectedText}\" expects {Describe(expected)}, but the runtime accelerates " +
            $"{Describe(accelerated)} (settings: {DescribeSettings()}).");
    }

    [Fact]
    public void AcceleratedWidths_AreNested()
    {
        // Each wider vector type needs every narrower one (AVX-512 implies AVX2 implies SSE); a gap would mean a
        // kernel could pick a branch whose narrower helpers are not accelerated.
        if (Vector512.IsHardwareAccelerated)
        {
            Assert.True(Vector256.IsHardwareAccelerated, "Vector512 is accelerated but Vector256 is not.");
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Assert.True(Vector128.IsHardwareAccelerated, "Vector256 is accelerated but Vector128 is not.");
        }
    }

    [Fact]
    public void DisablingSettings_TurnOffTheirWidths()
    {
        // The .NET 10 names; .NET 8's DOTNET_EnableAVX512F no longer has any effect, so it is not listed.
        if (IsDisabled("EnableAVX512"))
        {
            Assert.False(Vector512.IsHardwareAccelerated, "DOTNET_EnableAVX512=0 but Vector512 is accelerated.");
        }

        if (IsDisabled("EnableAVX2") || IsDisabled("EnableAVX"))
        {
            Assert.False(Vector512.IsHardwareAccelerated, "AVX2 is disabled but Vector512 is accelerated.");
            Assert.False(Vector256.IsHardwareAccelerated, "AVX2 is disabled but Vector256 is accelerated.");
        }

        if (IsDisabled("EnableHWIntrinsic"))
        {
            Assert.False(Vector512.IsHardwareAccelerated, "DOTNET_EnableHWIntrinsic=0 but Vector512 is accelerated.");
            Assert.False(Vector256.IsHardwareAccelerated, "DOTNET_EnableHWIntrinsic=0 but Vector256 is accelerated.");
            Assert.False(Vector128.IsHardwareAccelerated, "DOTNET_EnableHWIntrinsic=0 but Vector128 is accelerated.");
        }
    }

    [Theory]
    [InlineData("512,256,128", new[] { 128, 256, 512 })]
    [InlineData(" 256 , 128 ", new[] { 128, 256 })]
    [InlineData("128", new[] { 128 })]
    [InlineData("", new int[0])]
    [InlineData("none", new int[0])]
    [InlineData("None", new int[0])]
    public void ParseWidths_AcceptsTheDocumentedForms(string text, int[] widths)
    {
        Assert.Equal(widths, ParseWidths(text));
    }

    [Theory]
    [InlineData("64")]
    [InlineData("256;128")]
    [InlineData("avx2")]
    public void ParseWidths_RejectsAnythingElse(string text)
    {
        Assert.Throws<FormatException>(() => ParseWidths(text));
    }

    private static SortedSet<int> AcceleratedWidths()
    {
        var widths = new SortedSet<int>();
        if (Vector128.IsHardwareAccelerated)
        {
            widths.Add(128);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            widths.Add(256);
        }

        if (Vector512.IsHardwareAccelerated)
        {
            widths.Add(512);
        }

        return widths;
    }

    private static SortedSet<int> ParseWidths(string text)
    {
        var widths = new SortedSet<int>();
        string trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return widths;
        }

        foreach (string part in trimmed.Split(','))
        {
            string width = part.Trim();
            if (width is not ("128" or "256" or "512"))
            {
                throw new FormatException(
                    $"{ExpectedWidthsVariable} holds \"{text}\"; use a comma-separated list of 512, 256 and 128, " +
                    "or \"none\".");
            }

            widths.Add(int.Parse(width, CultureInfo.InvariantCulture));
        }

        return widths;
    }

    /// <summary>
    /// True when a runtime setting is set to zero. The runtime reads DOTNET_ and the older COMPlus_ prefix, and parses
    /// the value as hexadecimal, so "0" and "0x0" both disable.
    /// </summary>
    private static bool IsDisabled(string setting)
    {
        string? value = Environment.GetEnvironmentVariable("DOTNET_" + setting)
            ?? Environment.GetEnvironmentVariable("COMPlus_" + setting);
        if (value is null)
        {
            return false;
        }

        string digits = value.Trim();
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            digits = digits.Substring(2);
        }

        return uint.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint number)
            && number == 0;
    }

    private static string Describe(SortedSet<int> widths)
    {
        return widths.Count == 0 ? "none" : string.Join(",", widths.Reverse());
    }

    private static string DescribeSettings()
    {
        string[] names = { "EnableHWIntrinsic", "EnableAVX", "EnableAVX2", "EnableAVX512", "PreferredVectorBitWidth" };
        IEnumerable<string> set = names
            .Select(name => (name, value: Environment.GetEnvironmentVariable("DOTNET_" + name)))
            .Where(pair => pair.value is not null)
            .Select(pair => $"DOTNET_{pair.name}={pair.value}");
        string text = string.Join(" ", set);
        return text.Length == 0 ? "defaults" : text;
    }
}
