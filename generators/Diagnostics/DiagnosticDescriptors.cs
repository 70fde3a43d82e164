using Microsoft.CodeAnalysis;

namespace NetCompiler.Generators.Diagnostics;

/// <summary>
/// Every rule the generator enforces. Ids are stable: never reuse or renumber one; add new ones at the end and to
/// AnalyzerReleases.Unshipped.md. Each id has a page under docs/diagnostics.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "NetCompiler";
    private const string HelpBase = "https://github.com/netcompiler/netcompiler/blob/main/docs/diagnostics/";

    /// <summary>NC0001: "Network '{0}' has no input layer: add [Input(...)] before its first layer".</summary>
    public static readonly DiagnosticDescriptor MissingInput = Error(
        "NC0001",
        "The network has no input layer",
        "Network '{0}' has no input layer: add [Input(...)] before its first layer",
        "The generator needs the shape of one sample to size every buffer; declare it with [Input].");

    /// <summary>NC0002: "Layer {0} ({1}) cannot take its input {2}: {3}".</summary>
    public static readonly DiagnosticDescriptor LayerDoesNotFitInput = Error(
        "NC0002",
        "A layer cannot take the shape it receives",
        "Layer {0} ({1}) cannot take its input {2}: {3}",
        "Each layer's input is the previous layer's output; the shapes must fit the layer's window and kind.");

    /// <summary>NC0003: "{0} of layer {1} ({2}) must be positive, but is {3}".</summary>
    public static readonly DiagnosticDescriptor NonPositiveSize = Error(
        "NC0003",
        "A size must be positive",
        "{0} of {1} must be positive, but is {2}",
        "Sizes, counts and strides are numbers of elements; zero or negative values describe no network.");

    /// <summary>NC0004: "Layer {0} (Dense) receives the image {1}: add [Flatten] before it".</summary>
    public static readonly DiagnosticDescriptor DenseOnImage = Error(
        "NC0004",
        "Dense on an image needs Flatten",
        "Layer {0} (Dense) receives the image {1}: add [Flatten] before it",
        "NetCompiler never flattens silently; write [Flatten] where the image becomes a vector.");

    /// <summary>NC0005: "Layer {0} ({1}) uses Softmax, which is only supported on the last layer".</summary>
    public static readonly DiagnosticDescriptor SoftmaxNotLast = Error(
        "NC0005",
        "Softmax is only supported on the last layer",
        "Layer {0} ({1}) uses Softmax, which is only supported on the last layer",
        "Softmax is fused with the cross-entropy loss; use another activation for hidden layers.");

    /// <summary>NC0006: "The loss does not fit the last layer: {0}".</summary>
    public static readonly DiagnosticDescriptor LossDoesNotFit = Error(
        "NC0006",
        "The loss does not fit the last layer",
        "The loss does not fit the last layer: {0}",
        "Sparse categorical cross-entropy reads probabilities from a Softmax layer, or logits from a Linear one " +
        "with FromLogits = true.");

    /// <summary>NC0007: "Network '{0}' has no {1}: add {2}".</summary>
    public static readonly DiagnosticDescriptor MissingTraining = Error(
        "NC0007",
        "The network has no loss or optimizer",
        "Network '{0}' has no {1}: add {2}",
        "Every generated network can train, so it needs a loss and one optimizer.");

    /// <summary>NC0008: "Network '{0}' declares both [Adam] and [Sgd]: keep one optimizer".</summary>
    public static readonly DiagnosticDescriptor SeveralOptimizers = Error(
        "NC0008",
        "More than one optimizer",
        "Network '{0}' declares both [Adam] and [Sgd]: keep one optimizer",
        "A network trains with exactly one optimizer.");

    /// <summary>NC0009: "Network '{0}' must be declared partial so the generator can add its members".</summary>
    public static readonly DiagnosticDescriptor NotPartial = Error(
        "NC0009",
        "The network class must be partial",
        "Network '{0}' must be declared partial{1} so the generator can add its members",
        "The generator writes the rest of the class in another file, which C# allows only for partial types.");

    /// <summary>NC0010: "Network '{0}' declares layers on more than one partial declaration".</summary>
    public static readonly DiagnosticDescriptor LayersOnSeveralDeclarations = Error(
        "NC0010",
        "Layers are spread over several partial declarations",
        "Network '{0}' declares layers on more than one partial declaration, so their order is ambiguous",
        "Layers apply in the order they are written; keep them all on one declaration.");

    /// <summary>NC0011: "Network '{0}' has no layers after its input".</summary>
    public static readonly DiagnosticDescriptor NoLayers = Error(
        "NC0011",
        "The network has no layers",
        "Network '{0}' has no layers after its input",
        "A network needs at least one layer with parameters to produce outputs.");

    /// <summary>NC0012: "Network '{0}' is generic: a compiled network needs concrete types".</summary>
    public static readonly DiagnosticDescriptor GenericNetwork = Error(
        "NC0012",
        "The network class cannot be generic",
        "Network '{0}' is generic: a compiled network needs concrete types",
        "Every size and type is fixed at build time.");

    /// <summary>NC0013: "The generator failed on '{0}': {1}".</summary>
    public static readonly DiagnosticDescriptor GeneratorFailure = Error(
        "NC0013",
        "The generator failed unexpectedly",
        "The generator failed on '{0}': {1}. Please report this with the declaration that caused it.",
        "An unexpected failure inside the generator; the class compiles without generated members.");

    /// <summary>NC0014: "The argument of {0} could not be read".</summary>
    public static readonly DiagnosticDescriptor UnreadableAttribute = Error(
        "NC0014",
        "An attribute could not be read",
        "The arguments of {0} could not be read: {1}",
        "The generator reads attribute arguments as constants; fix the compile error on the attribute first.");

    /// <summary>NC0015: "{0} of {1} must be in {2}, but is {3}".</summary>
    public static readonly DiagnosticDescriptor ValueOutOfRange = Error(
        "NC0015",
        "A hyperparameter is out of range",
        "{0} of {1} must be in {2}, but is {3}",
        "Learning rates, betas, epsilon and momentum have ranges outside which training diverges or does nothing.");

    /// <summary>NC0016: "Network '{0}' needs {1} bytes of static buffers and cannot be compiled: {2}".</summary>
    public static readonly DiagnosticDescriptor ModelTooLarge = Error(
        "NC0016",
        "The model is too large",
        "Network '{0}' needs {1} bytes of static buffers and cannot be compiled: {2}",
        "Every buffer is allocated once at construction; reduce the batch size or the layer sizes.");

    /// <summary>NC0017: "Network '{0}' allocates {1} bytes of static buffers at construction".</summary>
    public static readonly DiagnosticDescriptor LargeModel = new(
        "NC0017",
        "The model's static buffers are very large",
        "Network '{0}' allocates {1} bytes of static buffers at construction",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        "Parameters, gradients, optimizer state and a whole batch of activations are allocated at construction.",
        helpLinkUri: HelpBase + "NC0017.md");

    /// <summary>NC0018: "Network '{0}' declares both [Input] and [SequenceInput]: keep one".</summary>
    public static readonly DiagnosticDescriptor SeveralInputs = Error(
        "NC0018",
        "More than one input layer",
        "Network '{0}' declares both [Input] and [SequenceInput]: keep one",
        "A network has exactly one input: floats with [Input], or token ids with [SequenceInput].");

    /// <summary>NC0019: "Layer {0} ({1}) receives token ids: put [Embedding] right after [SequenceInput]".</summary>
    public static readonly DiagnosticDescriptor TokensNeedEmbedding = Error(
        "NC0019",
        "Token ids need an Embedding first",
        "Layer {0} ({1}) receives token ids: put [Embedding(vocabulary, dimensions)] right after [SequenceInput]",
        "Token ids are integers naming words; only an Embedding turns them into vectors other layers can take.");

    /// <summary>NC0020: "Layer {0} (Embedding) receives {1}, but an Embedding takes token ids".</summary>
    public static readonly DiagnosticDescriptor EmbeddingNeedsTokens = Error(
        "NC0020",
        "Embedding is not on token input",
        "Layer {0} (Embedding) receives {1}, but an Embedding takes token ids: it must come right after [SequenceInput]",
        "An Embedding looks up one vector per integer token id.");

    /// <summary>NC0021: "Class '{0}' declares [{1}] but no [Network]: add [Network] so the generator compiles it".</summary>
    public static readonly DiagnosticDescriptor MissingNetwork = new(
        "NC0021",
        "An input layer without [Network]",
        "Class '{0}' declares [{1}] but no [Network]: add [Network] so the generator compiles it",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        "Only classes marked [Network] are compiled; layer attributes on any other class do nothing.",
        helpLinkUri: HelpBase + "NC0021.md");

    /// <summary>NC0022: "Network '{0}' is {1}: [Network] needs a partial class that is neither static nor abstract, and not a record".</summary>
    public static readonly DiagnosticDescriptor NotPlainClass = Error(
        "NC0022",
        "The network must be a plain partial class",
        "Network '{0}' is {1}: [Network] needs a partial class that is neither static nor abstract, and not a record",
        "The generated members include constructors, instance state and a copy constructor, which a static or abstract "
        + "class cannot have, and a record's own members would clash with them.");

    private static DiagnosticDescriptor Error(string id, string title, string message, string description) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, description,
            helpLinkUri: HelpBase + id + ".md");
}
