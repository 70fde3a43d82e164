using System;
using System.Globalization;

namespace NetCompiler.Samples;

/// <summary>
/// The pieces of a hand-written option parser shared by the samples, which take no command-line package so that
/// NetCompiler stays their only real dependency. Both "--epochs 3" and "--epochs=3" are accepted, as most
/// command-line tools do. On a mistake, <c>error</c> receives a message saying how to fix it.
/// </summary>
internal static class CommandLine
{
    /// <summary>Splits "--name=value" into its name and value; any other argument comes back whole.</summary>
    public static string SplitInlineValue(string arg, out string? inlineValue)
    {
        int equals = arg.IndexOf('=', StringComparison.Ordinal);
        if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
        {
            inlineValue = arg.Substring(equals + 1);
            return arg.Substring(0, equals);
        }

        inlineValue = null;
        return arg;
    }

    /// <summary>The value of option <paramref name="name"/>: inline, or the next argument (then consumed).</summary>
    public static string? TakeValue(string[] args, ref int i, string name, string? inlineValue, ref string? error)
    {
        if (inlineValue is not null)
        {
            if (inlineValue.Length == 0)
            {
                error = $"{name} needs a value, for example {name}=VALUE.";
                return null;
            }

            return inlineValue;
        }

        if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            error = $"{name} needs a value, for example {name} VALUE.";
            return null;
        }

        i++;
        return args[i];
    }

    /// <summary>A whole-number value of at least <paramref name="minimum"/>; 0 after an error.</summary>
    public static int TakeNumber(string[] args, ref int i, string name, string? inlineValue, int minimum,
        ref string? error)
    {
        string? text = TakeValue(args, ref i, name, inlineValue, ref error);
        if (text is null)
        {
            return 0;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            || value < minimum)
        {
            error = minimum == int.MinValue
                ? $"{name} takes a whole number, not '{text}'."
                : $"{name} takes a whole number of at least {minimum}, not '{text}'.";
            return 0;
        }

        return value;
    }
}
