using Neuromorph.Data;
using Neuromorph.Learning.Unsupervised;
using Neuromorph.Tests.Data;

namespace Neuromorph.Tests.Learning.Unsupervised;

public class DiehlCookMnistTests
{
    /// <summary>
    /// Scaled-down Diehl &amp; Cook: 50 neurons trained without labels on 2,000 MNIST images,
    /// labelled on the same images, tested on 1,000 test images. Chance is 10 %; this seed gives 62 %.
    /// </summary>
    [Fact]
    public void ScaledDownTrainingLearnsDigits()
    {
        var m = Mnist.Load(TestData.Bundled("mnist"), scaleToUnit: true);
        const int n = 50, k = 2000, t = 1000;
        var net = new DiehlCookNetwork(new DiehlCookParams { Neurons = n }, 1);
        for (int i = 0; i < k; i++) net.Train(m.Train.Sample(i), 1);
        var lc = new int[k * n];
        DiehlCookInference.Respond(net, m.Train.Features, k, 1, "label", lc, null, cancel: TestContext.Current.CancellationToken);
        var assign = NeuronLabelling.Assign(lc, m.Train.Labels.AsSpan(0, k), n, 10);
        var tc = new int[t * n];
        DiehlCookInference.Respond(net, m.Test.Features, t, 1, "test", tc, null, cancel: TestContext.Current.CancellationToken);
        var pred = NeuronLabelling.PredictAll(tc, assign, 10);
        double acc = Enumerable.Range(0, t).Count(i => pred[i] == m.Test.Labels[i]) / (double)t;
        Assert.True(acc >= 0.55, $"accuracy {acc:P1} after 2,000 images (expected ≥ 55 %)");
        Assert.True(assign.Distinct().Count(c => c >= 0) >= 8, "neurons should specialise on most classes");
        // Weight normalisation keeps every neuron's input sum at 78 before each image.
        net.Normalise();
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            for (int i = 0; i < 784; i++) s += net.Weight(i, j);
            Assert.Equal(78.0, s, 2);
        }
    }

    [Fact]
    public void InferenceDoesNotDependOnTheThreadCount()
    {
        var m = Mnist.Load(TestData.Bundled("mnist"), scaleToUnit: true);
        var net = new DiehlCookNetwork(new DiehlCookParams { Neurons = 20 }, 2);
        for (int i = 0; i < 30; i++) net.Train(m.Train.Sample(i), 2);
        int count = 2 * DiehlCookInference.BlockSize + 7;
        var a = new int[count * 20]; var b = new int[count * 20];
        int prev = Neuromorph.Numerics.Parallelism.MaxThreads;
        try
        {
            Neuromorph.Numerics.Parallelism.MaxThreads = 1;
            DiehlCookInference.Respond(net, m.Test.Features, count, 3, "t", a, null, cancel: TestContext.Current.CancellationToken);
            Neuromorph.Numerics.Parallelism.MaxThreads = 4;
            DiehlCookInference.Respond(net, m.Test.Features, count, 3, "t", b, null, cancel: TestContext.Current.CancellationToken);
        }
        finally { Neuromorph.Numerics.Parallelism.MaxThreads = prev; }
        Assert.Equal(a, b);
        Assert.True(a.Sum() > count * 5 - 1, "every image should give at least 5 spikes");
    }

    [Fact]
    public void ResumingFromACheckpointContinuesExactly()
    {
        var m = Mnist.Load(TestData.Bundled("mnist"), scaleToUnit: true);
        var p = new DiehlCookParams { Neurons = 10 };
        var straight = new DiehlCookNetwork(p, 4);
        for (int i = 0; i < 60; i++) straight.Train(m.Train.Sample(i), 4);

        var first = new DiehlCookNetwork(p, 4);
        for (int i = 0; i < 30; i++) first.Train(m.Train.Sample(i), 4);
        var path = Path.Combine(Path.GetTempPath(), "dc-resume-" + Guid.NewGuid().ToString("N") + ".ckpt");
        var cp = new Neuromorph.Experiments.Checkpoint();
        first.SaveTo(cp);
        cp.Save(path);
        var resumed = new DiehlCookNetwork(p, 4);
        resumed.LoadFrom(Neuromorph.Experiments.Checkpoint.Load(path));
        File.Delete(path);
        for (int i = 30; i < 60; i++) resumed.Train(m.Train.Sample(i), 4);

        Assert.Equal(straight.Store.Weights.ToArray(), resumed.Store.Weights.ToArray());
        Assert.Equal(straight.Theta.ToArray(), resumed.Theta.ToArray());
        Assert.Equal(straight.TrainingPresentations, resumed.TrainingPresentations);
    }
}
