using System.Linq;
using System.Runtime.Intrinsics;

namespace NetCompiler.Samples;

/// <summary>Says which SIMD widths this machine runs, so that a reported speed can be judged fairly.</summary>
internal static class VectorSupport
{
    /// <summary>Such as "512, 256, 128 bits", or a note that only scalar code runs.</summary>
    public static string AcceleratedWidths()
    {
        string[] widths =
        {
            Vector512.IsHardwareAccelerated ? "512" : string.Empty,
            Vector256.IsHardwareAccelerated ? "256" : string.Empty,
            Vector128.IsHardwareAccelerated ? "128" : string.Empty,
        };
        string list = string.Join(", ", widths.Where(w => w.Length > 0));
        return list.Length > 0 ? list + " bits" : "none (scalar code)";
    }
}
