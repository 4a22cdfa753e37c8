using System.Diagnostics;
using Neuromorph.Data;

namespace Neuromorph.Learning.Deep;

/// <summary>A timed training run: seconds per epoch (each epoch timed alone) and the final test accuracy.</summary>
/// <param name="EpochSeconds">Wall-clock seconds of each training epoch (evaluation excluded).</param>
/// <param name="TestAccuracy">Test accuracy after the last epoch.</param>
/// <param name="TrainAccuracy">Running training accuracy of the last epoch.</param>
public sealed record DeepBenchmarkResult(double[] EpochSeconds, double TestAccuracy, double TrainAccuracy)
{
    /// <summary>Median epoch time.</summary>
    public double MedianEpochSeconds
    {
        get { var s = EpochSeconds.Order().ToArray(); return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]); }
    }
}

/// <summary>
/// Library entry points for timing the deep-learning stack (the CLI <c>bench</c> command calls
/// these). Settings follow /work/shared/baselines/bench_mnist.py: MNIST scaled to [0, 1], batch 64.
/// </summary>
public static class DeepBenchmarks
{
    /// <summary>
    /// The ideal-float MLP 784–256–128–10 (ReLU), SGD with momentum 0.9 (η = 0.05, × 0.7 per
    /// epoch), batch 64: <paramref name="epochs"/> epochs on the MNIST training set, then test accuracy.
    /// </summary>
    public static DeepBenchmarkResult MlpEpoch(MnistData mnist, int epochs = 1, int batch = 64, ulong seed = 1, float learningRate = 0.05f, float momentum = 0.9f, float decay = 0.7f)
    {
        ArgumentNullException.ThrowIfNull(mnist);
        var net = Mlp(mnist.Train.FeatureCount, [256, 128], mnist.Train.ClassCount, seed);
        var opt = new SgdMomentum(learningRate, momentum);
        net.Bind(opt);
        return Time(net, mnist.Train, mnist.Test, epochs, batch, seed, () => opt.LearningRate *= decay);
    }

    /// <summary>
    /// The same MLP on analog tiles (<paramref name="weights"/> builds each layer's matrix:
    /// inputs, outputs, layer index), trained with analog SGD (η = 0.1, decayed 0.92 per epoch,
    /// no momentum) — the pulsed-update epoch the issue compares with the float epoch. The
    /// Crossbar room supplies the factory (e.g. <c>(i, o, l) =&gt; new AnalogMatrix(i, o, new AnalogConfig(), seed, (uint)l)</c>).
    /// </summary>
    public static DeepBenchmarkResult AnalogMlpEpoch(MnistData mnist, Func<int, int, int, IWeightMatrix> weights, int epochs = 1, int batch = 64, ulong seed = 1, float learningRate = 0.1f, float decay = 0.92f)
    {
        ArgumentNullException.ThrowIfNull(mnist); ArgumentNullException.ThrowIfNull(weights);
        int[] sizes = [mnist.Train.FeatureCount, 256, 128, mnist.Train.ClassCount];
        var layers = new List<Layer>();
        for (int l = 0; l < 3; l++)
        {
            layers.Add(new Dense(weights(sizes[l], sizes[l + 1], l), seed + (ulong)l));
            if (l < 2) layers.Add(new Activation(ActivationKind.Relu, sizes[l + 1]));
        }
        var net = new Sequential([.. layers]);
        var opt = new SgdMomentum(learningRate, 0f);
        net.Bind(opt);
        net.EnsureCapacity(Math.Max(batch, 256));
        var times = new double[epochs];
        EpochResult last = default;
        for (int e = 0; e < epochs; e++)
        {
            var sw = Stopwatch.StartNew();
            last = net.TrainEpoch(mnist.Train, batch, seed, e);
            times[e] = sw.Elapsed.TotalSeconds;
            opt.LearningRate *= decay;
        }
        return new DeepBenchmarkResult(times, net.Evaluate(mnist.Test).Accuracy, last.Accuracy);
    }

    /// <summary>
    /// LeNet-5 (<see cref="ConvNets.LeNet5"/>) on MNIST, batch 64: on ideal float weights with
    /// SGD-momentum (η = 0.05, μ = 0.9, as bench_mnist.py) when <paramref name="weights"/> is null,
    /// else on the supplied matrices (analog tiles) with analog SGD (η = <paramref name="learningRate"/>, no momentum).
    /// </summary>
    public static DeepBenchmarkResult LeNetEpoch(MnistData mnist, Func<int, int, int, IWeightMatrix>? weights = null, int epochs = 1, int batch = 64, ulong seed = 1, float learningRate = 0.05f, float decay = 0.8f)
    {
        ArgumentNullException.ThrowIfNull(mnist);
        var net = ConvNets.LeNet5(weights ?? ((i, o, _) => new FloatWeights(i, o)), seed);
        var opt = new SgdMomentum(learningRate, weights is null ? 0.9f : 0f);
        net.Bind(opt);
        return Time(net, mnist.Train, mnist.Test, epochs, batch, seed, () => opt.LearningRate *= decay);
    }

    /// <summary>A ReLU MLP on ideal float weights.</summary>
    public static Sequential Mlp(int inputs, int[] hidden, int classes, ulong seed)
    {
        var layers = new List<Layer>();
        int prev = inputs;
        for (int i = 0; i < hidden.Length; i++)
        {
            layers.Add(new Dense(prev, hidden[i], seed + (ulong)i));
            layers.Add(new Activation(ActivationKind.Relu, hidden[i]));
            prev = hidden[i];
        }
        layers.Add(new Dense(prev, classes, seed + (ulong)hidden.Length));
        return new Sequential([.. layers]);
    }

    /// <summary>Trains <paramref name="net"/> (already bound) for <paramref name="epochs"/> epochs, timing each.</summary>
    public static DeepBenchmarkResult Time(Sequential net, LabeledSet train, LabeledSet test, int epochs, int batch, ulong seed, Action? afterEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "epochs must be ≥ 1");
        net.EnsureCapacity(Math.Max(batch, 256));
        var times = new double[epochs];
        EpochResult last = default;
        for (int e = 0; e < epochs; e++)
        {
            var sw = Stopwatch.StartNew();
            last = net.TrainEpoch(train, batch, seed, e);
            times[e] = sw.Elapsed.TotalSeconds;
            afterEpoch?.Invoke();
        }
        var acc = net.Evaluate(test).Accuracy;
        return new DeepBenchmarkResult(times, acc, last.Accuracy);
    }
}
