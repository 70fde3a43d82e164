using BenchmarkDotNet.Running;

namespace NetCompiler.Benchmarks;

/// <summary>Entry point: BenchmarkDotNet's switcher, so any subset can be chosen with --filter.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
