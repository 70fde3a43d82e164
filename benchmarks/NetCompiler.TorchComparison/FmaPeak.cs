using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace NetCompiler.TorchComparison;

/// <summary>
/// This core's peak FP32 rate, measured rather than taken from a data sheet: independent chains of fused
/// multiply-adds that never touch memory. A chain's next FMA waits for its previous one (about 4 cycles of latency),
/// and the core can start two 256-bit FMAs per cycle, so at least 8 chains must be in flight; 12 are used, which
/// still fits the 16 vector registers of AVX2 next to the two constants. The other kernels' "% of peak" divides by
/// the better of the two widths here.
/// </summary>
public class FmaPeak
{
    /// <summary>Iterations of the loop; each does one FMA in every chain.</summary>
    private const int Iterations = 1_000_000;

    /// <summary>Independent accumulators.</summary>
    private const int Chains = 12;

    [Benchmark, BenchmarkCategory("FMA peak")]
    [Flops(2.0 * Chains * 8 * Iterations), PeakReference]
    public float Vector256Fma() => Vector256Chains(Vector256.Create(0.999f), Vector256.Create(0.001f));

    [Benchmark, BenchmarkCategory("FMA peak")]
    [Flops(2.0 * Chains * 16 * Iterations), PeakReference]
    public float Vector512Fma() => Vector512Chains(Vector512.Create(0.999f), Vector512.Create(0.001f));

    // acc = acc * scale + offset converges to 1, so the values stay normal (no denormal or overflow slowdown). The
    // sum is returned so that the JIT cannot drop the loop. AggressiveOptimization compiles the loop fully optimised
    // at once (accumulators in registers), rather than through tier 0 and on-stack replacement.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Vector256Chains(Vector256<float> scale, Vector256<float> offset)
    {
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector256<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, scale, offset);
            a1 = Vector256.FusedMultiplyAdd(a1, scale, offset);
            a2 = Vector256.FusedMultiplyAdd(a2, scale, offset);
            a3 = Vector256.FusedMultiplyAdd(a3, scale, offset);
            a4 = Vector256.FusedMultiplyAdd(a4, scale, offset);
            a5 = Vector256.FusedMultiplyAdd(a5, scale, offset);
            a6 = Vector256.FusedMultiplyAdd(a6, scale, offset);
            a7 = Vector256.FusedMultiplyAdd(a7, scale, offset);
            a8 = Vector256.FusedMultiplyAdd(a8, scale, offset);
            a9 = Vector256.FusedMultiplyAdd(a9, scale, offset);
            a10 = Vector256.FusedMultiplyAdd(a10, scale, offset);
            a11 = Vector256.FusedMultiplyAdd(a11, scale, offset);
        }

        return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Vector512Chains(Vector512<float> scale, Vector512<float> offset)
    {
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector512<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, scale, offset);
            a1 = Vector512.FusedMultiplyAdd(a1, scale, offset);
            a2 = Vector512.FusedMultiplyAdd(a2, scale, offset);
            a3 = Vector512.FusedMultiplyAdd(a3, scale, offset);
            a4 = Vector512.FusedMultiplyAdd(a4, scale, offset);
            a5 = Vector512.FusedMultiplyAdd(a5, scale, offset);
            a6 = Vector512.FusedMultiplyAdd(a6, scale, offset);
            a7 = Vector512.FusedMultiplyAdd(a7, scale, offset);
            a8 = Vector512.FusedMultiplyAdd(a8, scale, offset);
            a9 = Vector512.FusedMultiplyAdd(a9, scale, offset);
            a10 = Vector512.FusedMultiplyAdd(a10, scale, offset);
            a11 = Vector512.FusedMultiplyAdd(a11, scale, offset);
        }

        return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }
}
