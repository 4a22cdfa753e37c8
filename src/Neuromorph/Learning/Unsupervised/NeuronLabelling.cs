namespace Neuromorph.Learning.Unsupervised;

/// <summary>
/// Labelling and voting of an unsupervised spiking layer (Diehl &amp; Cook 2015, as in the
/// authors' evaluation script): each neuron is assigned the class for which its mean spike
/// count over the labelling images is highest (−1 when it never fired); an input is classified
/// as the class whose assigned neurons have the highest mean spike count.
/// </summary>
public static class NeuronLabelling
{
    /// <summary>
    /// Assigns a class to each neuron. <paramref name="counts"/> is row-major [sample, neuron];
    /// rate_c,j = Σ_{samples of class c} counts / (samples of class c); label_j = argmax_c rate_c,j
    /// (first maximum), or −1 when every rate is 0 or the class is absent.
    /// </summary>
    public static int[] Assign(ReadOnlySpan<int> counts, ReadOnlySpan<int> labels, int neurons, int classes)
    {
        int n = labels.Length;
        if (counts.Length != n * neurons) throw new ArgumentException($"counts has {counts.Length} entries, expected samples·neurons = {n * neurons}", nameof(counts));
        var sum = new double[classes * neurons];
        var perClass = new int[classes];
        for (int s = 0; s < n; s++)
        {
            int c = labels[s];
            if ((uint)c >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(labels), c, $"label of sample {s} is outside [0, {classes})");
            perClass[c]++;
            var row = counts.Slice(s * neurons, neurons);
            for (int j = 0; j < neurons; j++) sum[c * neurons + j] += row[j];
        }
        var assign = new int[neurons];
        for (int j = 0; j < neurons; j++)
        {
            double best = 0; int arg = -1;
            for (int c = 0; c < classes; c++)
            {
                if (perClass[c] == 0) continue;
                double r = sum[c * neurons + j] / perClass[c];
                if (r > best) { best = r; arg = c; }
            }
            assign[j] = arg;
        }
        return assign;
    }

    /// <summary>
    /// Classifies one response: score_c = mean of counts over neurons assigned to c (0 for a class
    /// without neurons); returns the first class with the highest score.
    /// </summary>
    public static int Predict(ReadOnlySpan<int> counts, ReadOnlySpan<int> assignments, int classes)
    {
        Span<double> score = classes <= 64 ? stackalloc double[classes] : new double[classes];
        Span<int> members = classes <= 64 ? stackalloc int[classes] : new int[classes];
        score.Clear(); members.Clear();
        for (int j = 0; j < assignments.Length; j++)
        {
            int c = assignments[j];
            if (c < 0) continue;
            score[c] += counts[j]; members[c]++;
        }
        int arg = 0; double best = double.NegativeInfinity;
        for (int c = 0; c < classes; c++)
        {
            double v = members[c] > 0 ? score[c] / members[c] : 0;
            if (v > best) { best = v; arg = c; }
        }
        return arg;
    }

    /// <summary>Predicts every row of a [sample, neuron] count matrix.</summary>
    public static int[] PredictAll(ReadOnlySpan<int> counts, ReadOnlySpan<int> assignments, int classes)
    {
        int neurons = assignments.Length, n = counts.Length / neurons;
        var pred = new int[n];
        for (int s = 0; s < n; s++) pred[s] = Predict(counts.Slice(s * neurons, neurons), assignments, classes);
        return pred;
    }
}
