using System;
using System.Collections.Generic;

namespace NetCompiler;

/// <summary>
/// What both importers need from an architecture fingerprint: its layers with weights, in order, and a readable
/// description of each for error messages. Parsing is <see cref="NetworkArchitecture"/>'s (shared with the ONNX
/// exporter), so there is one reading of the fingerprint grammar.
/// </summary>
internal static class ImportArchitecture
{
    public static NetworkArchitecture Parse(string architecture, int parameterCount)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        NetworkArchitecture network;
        try
        {
            network = NetworkArchitecture.Parse(architecture);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"Weights cannot be imported into this architecture. {NetworkArchitecture.MessageOnly(e)}",
                nameof(architecture), e);
        }

        if (network.ParameterCount != parameterCount)
        {
            throw new ArgumentException(
                $"The parameter span holds {parameterCount} values, but the architecture has " +
                $"{network.ParameterCount}; pass the Parameters of a network whose Architecture this is.",
                "parameters");
        }

        return network;
    }

    /// <summary>
    /// The layers that have weights (Conv2D, Dense, Embedding, LSTM), with their index among all layers.
    /// </summary>
    public static List<(int Index, ArchitectureLayer Layer)> WeightedLayers(NetworkArchitecture network)
    {
        var result = new List<(int, ArchitectureLayer)>();
        for (int i = 0; i < network.Layers.Count; i++)
        {
            if (network.Layers[i].ParameterCount > 0)
            {
                result.Add((i, network.Layers[i]));
            }
        }

        return result;
    }

    public static string Describe(ArchitectureLayer layer) => layer switch
    {
        Conv2DLayer c => $"layer '{c.Name}' (Conv2D {c.KernelHeight}x{c.KernelWidth}, {c.Input.Channels} to " +
            $"{c.Output.Channels} channels)",
        DenseLayer d => $"layer '{d.Name}' (Dense {d.InputUnits} to {d.Units})",
        EmbeddingLayer e => $"layer '{e.Name}' (Embedding {e.InputDim} x {e.OutputDim})",
        LstmLayer l => $"layer '{l.Name}' (LSTM {l.Features} to {l.Units} units)",
        _ => $"layer '{layer.Name}'",
    };
}
