using Neuromorph.Storage;
using Neuromorph.Experiments;

namespace Neuromorph.Tests.Experiments;

public class AtomicFileTests
{
    [Fact]
    public void InterruptedWriteLeavesPreviousFileIntact()
    {
        var dir = Directory.CreateTempSubdirectory("nm-atomic").FullName;
        var path = Path.Combine(dir, "metrics.json");
        AtomicFile.WriteAllText(path, "previous");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("partial new content"u8);
            throw new IOException("simulated crash mid-write");
        }));
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir));   // no temporary file left behind
        AtomicFile.WriteAllText(path, "next");
        Assert.Equal("next", File.ReadAllText(path));
    }

    [Fact]
    public void CreatesMissingFolders()
    {
        var dir = Directory.CreateTempSubdirectory("nm-atomic").FullName;
        var path = Path.Combine(dir, "a", "b", "c.txt");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
    }
}

public class CheckpointTests
{
    [Fact]
    public void RoundTripsEveryEntryType()
    {
        var dir = Directory.CreateTempSubdirectory("nm-ckpt").FullName;
        var store = new CheckpointStore(dir);
        var cp = new Checkpoint();
        cp.Set("weights", new[] { 1.5f, -2f, float.Epsilon });
        cp.Set("theta", new[] { 1e-300, double.MaxValue });
        cp.Set("labels", new[] { 3, -1 });
        cp.Set("counts", new[] { long.MaxValue });
        cp.Set("images_done", 12345L);
        cp.Set("rate", 0.25);
        cp.Set("note", "epoch 2");
        store.Save("train", cp);
        Assert.True(store.TryLoad("train", out var back));
        Assert.Equal(cp.GetFloats("weights"), back.GetFloats("weights"));
        Assert.Equal(cp.GetDoubles("theta"), back.GetDoubles("theta"));
        Assert.Equal(cp.GetInts("labels"), back.GetInts("labels"));
        Assert.Equal(cp.GetLongs("counts"), back.GetLongs("counts"));
        Assert.Equal(12345L, back.GetLong("images_done"));
        Assert.Equal(0.25, back.GetDouble("rate"));
        Assert.Equal("epoch 2", back.GetString("note"));
        Assert.False(store.TryLoad("absent", out _));
    }

    [Fact]
    public void DamagedCheckpointIsDetected()
    {
        var dir = Directory.CreateTempSubdirectory("nm-ckpt").FullName;
        var cp = new Checkpoint();
        cp.Set("w", new float[100]);
        var path = Path.Combine(dir, "x.ckpt");
        cp.Save(path);
        var bytes = File.ReadAllBytes(path);
        bytes[40] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path)).Message);
        File.WriteAllBytes(path, bytes[..20]);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path)).Message);
        Assert.Throws<KeyNotFoundException>(() => new Checkpoint().GetFloats("missing"));
    }
}
