using Neuromorph.Storage;
using System.Security.Cryptography;
using System.Text;

namespace Neuromorph.Experiments;

/// <summary>
/// A named bag of arrays and scalars that captures a long run's state between chunks. Saved as
/// a small binary file (magic "NMCK", version, entries, SHA-256 trailer) written atomically, so
/// a killed run resumes from its last complete checkpoint and a damaged file is detected.
/// </summary>
public sealed class Checkpoint
{
    private const uint Magic = 0x4B434D4E; // "NMCK"
    private const int Version = 1;
    private readonly Dictionary<string, object> _entries = new(StringComparer.Ordinal);

    /// <summary>Names of the stored entries.</summary>
    public IEnumerable<string> Keys => _entries.Keys;

    public void Set(string key, float[] v) => _entries[key] = v;
    public void Set(string key, double[] v) => _entries[key] = v;
    public void Set(string key, int[] v) => _entries[key] = v;
    public void Set(string key, long[] v) => _entries[key] = v;
    public void Set(string key, long v) => _entries[key] = new[] { v };
    public void Set(string key, double v) => _entries[key] = new[] { v };
    public void Set(string key, string v) => _entries[key] = v;

    private T Get<T>(string key) where T : class =>
        _entries.TryGetValue(key, out var v) ? v as T ?? throw new InvalidDataException($"checkpoint entry '{key}' is a {v.GetType().Name}, expected {typeof(T).Name}")
                                             : throw new KeyNotFoundException($"checkpoint has no entry '{key}'");

    public float[] GetFloats(string key) => Get<float[]>(key);
    public double[] GetDoubles(string key) => Get<double[]>(key);
    public int[] GetInts(string key) => Get<int[]>(key);
    public long[] GetLongs(string key) => Get<long[]>(key);
    public long GetLong(string key) => Get<long[]>(key)[0];
    public double GetDouble(string key) => Get<double[]>(key)[0];
    public string GetString(string key) => Get<string>(key);
    public bool Contains(string key) => _entries.ContainsKey(key);

    /// <summary>Writes the checkpoint atomically.</summary>
    public void Save(string path)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic); w.Write(Version); w.Write(_entries.Count);
            foreach (var (k, v) in _entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                w.Write(k);
                switch (v)
                {
                    case float[] f: w.Write((byte)1); w.Write(f.Length); foreach (var x in f) w.Write(x); break;
                    case double[] d: w.Write((byte)2); w.Write(d.Length); foreach (var x in d) w.Write(x); break;
                    case int[] i: w.Write((byte)3); w.Write(i.Length); foreach (var x in i) w.Write(x); break;
                    case long[] l: w.Write((byte)4); w.Write(l.Length); foreach (var x in l) w.Write(x); break;
                    case string s: w.Write((byte)5); w.Write(s); break;
                }
            }
        }
        var body = ms.ToArray();
        var hash = SHA256.HashData(body);
        AtomicFile.Write(path, s => { s.Write(body); s.Write(hash); });
    }

    /// <summary>Reads a checkpoint; a truncated or altered file raises <see cref="InvalidDataException"/>.</summary>
    public static Checkpoint Load(string path)
    {
        var all = File.ReadAllBytes(path);
        if (all.Length < 12 + 32) throw new InvalidDataException($"{path}: checkpoint is truncated ({all.Length} bytes)");
        var body = all.AsSpan(0, all.Length - 32);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(all.AsSpan(all.Length - 32)))
            throw new InvalidDataException($"{path}: checkpoint checksum mismatch (file damaged or partially written)");
        var cp = new Checkpoint();
        using var r = new BinaryReader(new MemoryStream(body.ToArray()), Encoding.UTF8);
        if (r.ReadUInt32() != Magic) throw new InvalidDataException($"{path}: not a Neuromorph checkpoint");
        int ver = r.ReadInt32();
        if (ver != Version) throw new InvalidDataException($"{path}: checkpoint version {ver} is not supported (expected {Version})");
        int n = r.ReadInt32();
        for (int e = 0; e < n; e++)
        {
            string k = r.ReadString();
            byte t = r.ReadByte();
            switch (t)
            {
                case 1: { var a = new float[r.ReadInt32()]; for (int i = 0; i < a.Length; i++) a[i] = r.ReadSingle(); cp._entries[k] = a; break; }
                case 2: { var a = new double[r.ReadInt32()]; for (int i = 0; i < a.Length; i++) a[i] = r.ReadDouble(); cp._entries[k] = a; break; }
                case 3: { var a = new int[r.ReadInt32()]; for (int i = 0; i < a.Length; i++) a[i] = r.ReadInt32(); cp._entries[k] = a; break; }
                case 4: { var a = new long[r.ReadInt32()]; for (int i = 0; i < a.Length; i++) a[i] = r.ReadInt64(); cp._entries[k] = a; break; }
                case 5: cp._entries[k] = r.ReadString(); break;
                default: throw new InvalidDataException($"{path}: unknown entry type {t} for '{k}'");
            }
        }
        return cp;
    }
}

/// <summary>Checkpoints of one run, in <c>RUN_DIR/checkpoints/NAME.ckpt</c>.</summary>
public sealed class CheckpointStore(string directory)
{
    /// <summary>The folder holding the checkpoints.</summary>
    public string Directory { get; } = directory;

    private string PathOf(string name) => System.IO.Path.Combine(Directory, name + ".ckpt");

    /// <summary>Saves (atomically replaces) a checkpoint.</summary>
    public void Save(string name, Checkpoint cp) => cp.Save(PathOf(name));

    /// <summary>Loads a checkpoint when one exists.</summary>
    public bool TryLoad(string name, out Checkpoint checkpoint)
    {
        var p = PathOf(name);
        if (!File.Exists(p)) { checkpoint = null!; return false; }
        checkpoint = Checkpoint.Load(p);
        return true;
    }
}
