using Neuromorph.Data;
using Neuromorph.Experiments;

namespace Neuromorph.Tests.Experiments;

/// <summary>Every experiment file in experiments/ must validate: known kind, known keys, right types, units and ranges.</summary>
public class ShippedExperimentTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(DataPaths.RepositoryRoot!, "experiments"), "*.yaml").OrderBy(f => f, StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ValidatesWithoutErrors(string file)
    {
        var path = Path.Combine(DataPaths.RepositoryRoot!, "experiments", file);
        var bound = ExperimentRunner.Bind(path, []);
        Assert.Equal(Path.GetFileNameWithoutExtension(file), bound.Name);   // the run folder is named after the file
        Assert.False(string.IsNullOrWhiteSpace(bound.Description), $"{file} has no description");
    }
}
