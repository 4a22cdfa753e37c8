using System.Globalization;
using Neuromorph.Learning.Deep;

namespace Neuromorph.Experiments.Crossbar;

/// <summary>
/// A feed-forward network written layer by layer in the experiment file (<c>network.layers</c>),
/// so that any stack of convolutions, pooling, dense layers and activations runs on float weights
/// or on analog tiles without new code:
/// <code>
/// network:
///   layers:
///     - {type: conv, channels: 16, kernel: 5}     # 5×5, stride 1, padding 0 (key padding)
///     - {type: tanh}
///     - {type: max-pool, size: 2}                  # or avg-pool
///     - {type: dense, units: 128}                  # init: he | xavier | uniform
///     - {type: relu}                               # relu | sigmoid | tanh
///     - {type: dense, units: 10}
/// </code>
/// Shapes are inferred from the data set (C × H × W images; a 2-D sample shape is one channel);
/// a dense layer flattens whatever precedes it, and the last layer must give one output per class.
/// Every convolution and dense layer takes its weight matrix from the same factory as the built-in
/// networks (index = position among the weight layers), so <c>substrate</c> puts each on tiles.
/// </summary>
public sealed class NetworkSpec
{
    /// <summary>The layer types a spec may name.</summary>
    public static readonly string[] LayerTypes = ["conv", "max-pool", "avg-pool", "dense", "relu", "sigmoid", "tanh"];

    /// <summary>One layer of the spec.</summary>
    /// <param name="Type">One of <see cref="LayerTypes"/>.</param>
    /// <param name="Size">Output channels (conv), units (dense) or window (pooling); 0 for activations.</param>
    /// <param name="Kernel">Kernel size (conv).</param>
    /// <param name="Padding">Zero padding (conv).</param>
    /// <param name="Init">Weight initialisation (conv, dense): he, xavier or uniform (<see cref="Dense.Fill"/>).</param>
    /// <param name="Where">The key path of the entry, for errors.</param>
    public sealed record LayerSpec(string Type, int Size, int Kernel, int Padding, string Init, string Where);

    private NetworkSpec(IReadOnlyList<LayerSpec> layers) { Layers = layers; }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<LayerSpec> Layers { get; }

    /// <summary>Reads <c>layers</c> of the network section (all entries checked in one pass; errors go to the binding).</summary>
    public static NetworkSpec Read(ConfigSection network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var list = new List<LayerSpec>();
        var items = network.SectionList("layers");
        if (items.Count == 0) network.Error("layers", "name at least one layer");
        for (int i = 0; i < items.Count; i++)
        {
            var s = items[i];
            string where = $"network.layers[{i}]";
            string type = s.RequireString("type", LayerTypes);
            switch (type)
            {
                case "conv":
                    list.Add(new LayerSpec(type, s.GetInt("channels", 0, 1, 65536), s.GetInt("kernel", 5, 1, 64), s.GetInt("padding", 0, 0, 64), s.GetString("init", "he", "he", "xavier", "uniform"), where));
                    if (!s.Has("channels")) s.Error("channels", "a conv layer needs its number of output channels");
                    break;
                case "max-pool":
                case "avg-pool":
                    list.Add(new LayerSpec(type, s.GetInt("size", 2, 1, 64), 0, 0, "", where));
                    break;
                case "dense":
                    list.Add(new LayerSpec(type, s.GetInt("units", 0, 1, 1 << 24), 0, 0, s.GetString("init", "he", "he", "xavier", "uniform"), where));
                    if (!s.Has("units")) s.Error("units", "a dense layer needs its number of units");
                    break;
                default:
                    list.Add(new LayerSpec(type, 0, 0, 0, "", where));
                    break;
            }
        }
        return new NetworkSpec(list);
    }

    /// <summary>
    /// Builds the network for samples of <paramref name="sampleShape"/> ([H, W], [C, H, W] or
    /// [features]) and <paramref name="classes"/> outputs; <paramref name="weights"/>(inputs,
    /// outputs, weight-layer index) supplies every weight matrix. Throws with the key path when a
    /// shape does not fit.
    /// </summary>
    public Sequential Build(IReadOnlyList<int> sampleShape, int classes, Func<int, int, int, IWeightMatrix> weights, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(sampleShape); ArgumentNullException.ThrowIfNull(weights);
        int c, h, w;
        bool spatial;
        switch (sampleShape.Count)
        {
            case 2: c = 1; h = sampleShape[0]; w = sampleShape[1]; spatial = true; break;
            case 3: c = sampleShape[0]; h = sampleShape[1]; w = sampleShape[2]; spatial = true; break;
            default: c = sampleShape.Aggregate(1, (a, b) => a * b); h = w = 1; spatial = false; break;
        }
        var layers = new List<Layer>();
        int weightIndex = 0;
        for (int l = 0; l < Layers.Count; l++)
        {
            var s = Layers[l];
            int size = c * h * w;
            ulong layerSeed = seed + (ulong)l * 7919;
            switch (s.Type)
            {
                case "conv":
                {
                    if (!spatial) throw Shape(s, $"a convolution needs image-shaped input, but it follows a dense layer or the data are flat ([{string.Join(", ", sampleShape)}])");
                    if (h + 2 * s.Padding < s.Kernel || w + 2 * s.Padding < s.Kernel) throw Shape(s, $"a {s.Kernel}×{s.Kernel} kernel does not fit {h}×{w} with padding {s.Padding}");
                    int wi = weightIndex++;
                    var conv = new Conv2d(c, h, w, s.Size, s.Kernel, s.Padding, (i, o) => weights(i, o, wi), layerSeed, s.Init);
                    layers.Add(conv);
                    c = conv.Co; h = conv.Ho; w = conv.Wo;
                    break;
                }
                case "max-pool":
                case "avg-pool":
                {
                    if (!spatial) throw Shape(s, "pooling needs image-shaped input, but it follows a dense layer or the data are flat");
                    if (h < s.Size || w < s.Size) throw Shape(s, $"a {s.Size}×{s.Size} window does not fit {h}×{w}");
                    var pool = new Pool2d(s.Type == "max-pool" ? PoolKind.Max : PoolKind.Average, c, h, w, s.Size);
                    layers.Add(pool);
                    h = pool.Ho; w = pool.Wo;
                    break;
                }
                case "dense":
                {
                    int wi = weightIndex++;
                    layers.Add(new Dense(weights(size, s.Size, wi), layerSeed, s.Init));
                    c = s.Size; h = w = 1; spatial = false;
                    break;
                }
                default:
                    layers.Add(new Activation(AnalogSetup.Activation(s.Type), size));
                    break;
            }
        }
        int outputs = c * h * w;
        if (weightIndex == 0) throw new InvalidOperationException("network.layers: the network has no conv or dense layer, so nothing to train");
        if (outputs != classes) throw Shape(Layers[^1], $"the network ends with {outputs} outputs but the data set has {classes} classes (make the last dense layer {classes} units)");
        return new Sequential([.. layers]);
    }

    /// <summary>One line such as "conv 1→16 5×5, tanh, max-pool 2, dense 512→128, …" for the log.</summary>
    public static string Describe(Sequential net)
    {
        ArgumentNullException.ThrowIfNull(net);
        return string.Join(", ", net.Layers.Select(l => l switch
        {
            Conv2d cv => string.Create(CultureInfo.InvariantCulture, $"conv {cv.C}→{cv.Co} {cv.K}×{cv.K}{(cv.P > 0 ? $" pad {cv.P}" : "")}"),
            Pool2d p => $"{(p.Kind == PoolKind.Max ? "max" : "avg")}-pool {p.S}",
            Dense d => $"dense {d.InputSize}→{d.OutputSize}",
            Activation a => a.Kind.ToString().ToLowerInvariant(),
            _ => l.Describe,
        }));
    }

    private static InvalidOperationException Shape(LayerSpec s, string message) => new($"{s.Where} ({s.Type}): {message}");
}
