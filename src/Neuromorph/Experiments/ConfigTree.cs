using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Neuromorph.Experiments;

/// <summary>A node of an experiment file: a scalar, a mapping or a list, with its source line.</summary>
public abstract class ConfigNode
{
    /// <summary>1-based line in the source file (0 when set on the command line).</summary>
    public int Line { get; init; }
    /// <summary>Where the value came from: a file name or "--set".</summary>
    public string Origin { get; init; } = "";
    /// <summary>"file:line" or "--set" for messages.</summary>
    public string Where => Line > 0 ? $"{Origin}:{Line}" : Origin;
}

/// <summary>A scalar value as written (units are parsed when the value is read).</summary>
public sealed class ConfigScalar : ConfigNode
{
    public required string Text { get; init; }
    /// <summary>True when the YAML scalar was quoted (so "yes" stays a string).</summary>
    public bool Quoted { get; init; }
    /// <summary>True for an explicit null (~, null, or an empty value).</summary>
    public bool IsNull => !Quoted && (Text.Length == 0 || Text is "~" or "null" or "Null" or "NULL");
}

/// <summary>An ordered mapping of keys to nodes.</summary>
public sealed class ConfigMap : ConfigNode
{
    public List<KeyValuePair<string, ConfigNode>> Entries { get; } = [];

    public bool TryGet(string key, out ConfigNode node)
    {
        foreach (var (k, v) in Entries) if (k == key) { node = v; return true; }
        node = null!; return false;
    }

    public void Set(string key, ConfigNode value)
    {
        for (int i = 0; i < Entries.Count; i++)
            if (Entries[i].Key == key) { Entries[i] = new(key, value); return; }
        Entries.Add(new(key, value));
    }
}

/// <summary>A list of nodes.</summary>
public sealed class ConfigList : ConfigNode
{
    public List<ConfigNode> Items { get; } = [];
}

/// <summary>Loads experiment YAML into a <see cref="ConfigNode"/> tree and applies <c>--set</c> overrides.</summary>
public static class ConfigTree
{
    /// <summary>Parses YAML text; syntax errors become <see cref="ConfigException"/> with file and line.</summary>
    public static ConfigMap Parse(string text, string origin)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e)
        {
            throw new ConfigException([$"{origin}:{e.Start.Line}: YAML syntax error: {e.InnerException?.Message ?? e.Message}"]);
        }
        if (stream.Documents.Count == 0) return new ConfigMap { Origin = origin, Line = 1 };
        var root = Convert(stream.Documents[0].RootNode, origin);
        return root as ConfigMap ?? throw new ConfigException([$"{origin}:{root.Line}: the top level must be a mapping of keys (name:, seed:, data:, …)"]);
    }

    /// <summary>Reads and parses a file.</summary>
    public static ConfigMap Load(string path)
    {
        if (!File.Exists(path)) throw new ConfigException([$"{path}: experiment file not found"]);
        return Parse(File.ReadAllText(path), Path.GetFileName(path));
    }

    private static ConfigNode Convert(YamlNode n, string origin)
    {
        int line = (int)n.Start.Line;
        switch (n)
        {
            case YamlScalarNode s:
                return new ConfigScalar { Text = s.Value ?? "", Quoted = s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted, Line = line, Origin = origin };
            case YamlSequenceNode seq:
                var list = new ConfigList { Line = line, Origin = origin };
                foreach (var item in seq) list.Items.Add(Convert(item, origin));
                return list;
            case YamlMappingNode map:
                var m = new ConfigMap { Line = line, Origin = origin };
                foreach (var (k, v) in map.Children)
                {
                    if (k is not YamlScalarNode ks || ks.Value is null)
                        throw new ConfigException([$"{origin}:{k.Start.Line}: keys must be plain names"]);
                    m.Entries.Add(new(ks.Value, Convert(v, origin)));
                }
                return m;
            default:
                throw new ConfigException([$"{origin}:{line}: unsupported YAML node (anchors and aliases are not supported)"]);
        }
    }

    /// <summary>
    /// Applies one override <c>path.to.key=value</c>. The value is parsed as YAML, so lists
    /// (<c>[1, 2]</c>) and quoted strings work. Missing intermediate sections are created;
    /// misspelt keys are then caught by the unknown-key check.
    /// </summary>
    public static void ApplyOverride(ConfigMap root, string assignment)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0) throw new ConfigException([$"--set {assignment}: expected key.path=value (e.g. --set network.neurons=400)"]);
        var path = assignment[..eq].Trim();
        var valueText = assignment[(eq + 1)..];
        var parts = path.Split('.');
        if (parts.Any(p => p.Length == 0)) throw new ConfigException([$"--set {assignment}: empty key in path '{path}'"]);
        ConfigNode value;
        try
        {
            var doc = new YamlStream();
            doc.Load(new StringReader(valueText.Length == 0 ? "''" : valueText));
            value = doc.Documents.Count == 0 ? new ConfigScalar { Text = "", Origin = "--set" } : Reorigin(Convert(doc.Documents[0].RootNode, "--set"));
        }
        catch (YamlException) { value = new ConfigScalar { Text = valueText, Origin = "--set" }; }
        var cur = root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (cur.TryGet(parts[i], out var next))
            {
                if (next is not ConfigMap nm)
                    throw new ConfigException([$"--set {assignment}: '{string.Join('.', parts[..(i + 1)])}' is a value, not a section"]);
                cur = nm;
            }
            else
            {
                var nm = new ConfigMap { Origin = "--set" };
                cur.Set(parts[i], nm);
                cur = nm;
            }
        }
        cur.Set(parts[^1], value);
    }

    private static ConfigNode Reorigin(ConfigNode n) => n switch
    {
        ConfigScalar s => new ConfigScalar { Text = s.Text, Quoted = s.Quoted, Origin = "--set" },
        ConfigList l => CopyList(l),
        ConfigMap m => CopyMap(m),
        _ => n,
    };

    private static ConfigList CopyList(ConfigList l)
    {
        var r = new ConfigList { Origin = "--set" };
        foreach (var i in l.Items) r.Items.Add(Reorigin(i));
        return r;
    }

    private static ConfigMap CopyMap(ConfigMap m)
    {
        var r = new ConfigMap { Origin = "--set" };
        foreach (var (k, v) in m.Entries) r.Entries.Add(new(k, Reorigin(v)));
        return r;
    }
}

/// <summary>One or more configuration errors, each a complete message with file, key path and fix.</summary>
public sealed class ConfigException(IReadOnlyList<string> errors) : Exception(string.Join(Environment.NewLine, errors))
{
    /// <summary>The individual messages.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}
