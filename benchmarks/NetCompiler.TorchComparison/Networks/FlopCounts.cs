namespace NetCompiler.TorchComparison;

/// <summary>
/// Floating-point operations of one sample's forward pass, counting a multiply-add as 2: a valid convolution does
/// 2·OH·OW·KH·KW·Cin·Cout, a Dense layer 2·in·out, an LSTM step 2·(in + units)·4·units. Activations, pooling,
/// softmax and the embedding lookup are left out (they are not multiply-adds and cost little next to these).
/// </summary>
internal static class FlopCounts
{
    /// <summary>Conv2D(32, 3) on 28×28×1: output 26×26×32.</summary>
    public const double FirstConv = 2.0 * 26 * 26 * 3 * 3 * 1 * 32;

    /// <summary>Conv2D(64, 3) on 13×13×32: output 11×11×64.</summary>
    public const double SecondConv = 2.0 * 11 * 11 * 3 * 3 * 32 * 64;

    /// <summary>The seed CNN: both convolutions, Dense(1600 → 128) and Dense(128 → 10).</summary>
    public const double Cnn = FirstConv + SecondConv + 2.0 * 1600 * 128 + 2.0 * 128 * 10;

    /// <summary>The text LSTM: 100 steps of LSTM(64) on 64 features, then Dense(64 → 10).</summary>
    public const double Lstm = 100 * (2.0 * (64 + 64) * 4 * 64) + 2.0 * 64 * 10;
}
