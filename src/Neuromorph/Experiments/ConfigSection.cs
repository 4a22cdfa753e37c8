using System.Globalization;
using System.Text;
using Neuromorph.Units;

namespace Neuromorph.Experiments;

/// <summary>
/// Shared state of one binding pass over an experiment file: the errors found so far, the keys
/// that were read (so unread keys can be reported as unknown), and the effective value of every
/// key read (defaults included), from which the resolved config is written.
/// </summary>
public sealed class ConfigBinding
{
    internal readonly List<string> Errors = [];
    internal readonly HashSet<ConfigNode> Consumed = new(ReferenceEqualityComparer.Instance);
    internal readonly Dictionary<string, HashSet<string>> KnownKeys = [];
    internal readonly ResolvedNode Resolved = new();

    /// <summary>The file being bound (for messages and relative paths).</summary>
    public string FileName { get; }
    /// <summary>Folder relative paths in the file are resolved against.</summary>
    public string BaseDirectory { get; }

    public ConfigBinding(string fileName, string baseDirectory) { FileName = fileName; BaseDirectory = baseDirectory; }

    /// <summary>Adds an error message.</summary>
    public void Error(string message) => Errors.Add(message);

    /// <summary>All errors found, in order.</summary>
    public IReadOnlyList<string> AllErrors => Errors;

    /// <summary>Reports every key under <paramref name="root"/> that no reader asked for.</summary>
    public void CheckUnknownKeys(ConfigMap root) => Walk(root, "");

    private void Walk(ConfigMap map, string prefix)
    {
        KnownKeys.TryGetValue(prefix, out var known);
        foreach (var (k, v) in map.Entries)
        {
            string path = prefix.Length == 0 ? k : $"{prefix}.{k}";
            if (!Consumed.Contains(v))
            {
                var hint = known is { Count: > 0 } ? Suggest(k, known) : null;
                var knownList = known is { Count: > 0 } ? $" Known keys here: {string.Join(", ", known.OrderBy(x => x, StringComparer.Ordinal))}." : "";
                Errors.Add($"{v.Where}: {path}: unknown key{(hint != null ? $" — did you mean '{hint}'?" : ".")}{knownList}");
                continue;
            }
            if (v is ConfigMap m) Walk(m, path);
            else if (v is ConfigList l)
                for (int i = 0; i < l.Items.Count; i++)
                    if (l.Items[i] is ConfigMap im) Walk(im, $"{path}[{i}]");
        }
    }

    private static string? Suggest(string key, IEnumerable<string> known)
    {
        string? best = null; int bestD = int.MaxValue;
        foreach (var k in known)
        {
            int d = Levenshtein(key, k);
            if (d < bestD) { bestD = d; best = k; }
        }
        return bestD <= Math.Max(2, key.Length / 3) ? best : null;
    }

    private static int Levenshtein(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }

    /// <summary>The effective configuration (every key read, with defaults filled in) as YAML.</summary>
    public string ResolvedYaml()
    {
        var sb = new StringBuilder();
        Resolved.Write(sb, 0);
        return sb.ToString();
    }

    /// <summary>A node of the resolved configuration tree.</summary>
    internal sealed class ResolvedNode
    {
        public readonly List<KeyValuePair<string, object>> Children = [];

        public ResolvedNode Section(string key)
        {
            foreach (var (k, v) in Children) if (k == key && v is ResolvedNode r) return r;
            var n = new ResolvedNode();
            Children.Add(new(key, n));
            return n;
        }

        public void SetValue(string key, string yamlValue)
        {
            for (int i = 0; i < Children.Count; i++)
                if (Children[i].Key == key) { Children[i] = new(key, yamlValue); return; }
            Children.Add(new(key, yamlValue));
        }

        public void Write(StringBuilder sb, int indent)
        {
            foreach (var (k, v) in Children)
            {
                if (k.StartsWith("- ", StringComparison.Ordinal) && v is ResolvedNode item)
                {
                    // A list item (from SectionList): "-" then its keys indented below.
                    sb.Append(' ', indent).Append("-\n");
                    item.Write(sb, indent + 2);
                    continue;
                }
                sb.Append(' ', indent).Append(k).Append(':');
                if (v is ResolvedNode r)
                {
                    if (r.Children.Count == 0) sb.Append(" {}\n");
                    else { sb.Append('\n'); r.Write(sb, indent + 2); }
                }
                else sb.Append(' ').Append((string)v).Append('\n');
            }
        }
    }
}

/// <summary>
/// Typed, validating access to one section of an experiment file (DESIGN.md principle 7).
/// Every getter names the key it reads, its default and its allowed range; a wrong type,
/// out-of-range value, bad unit or missing file adds one clear error (file:line, key path,
/// allowed values) and returns the default so binding can go on and report every problem at once.
/// Keys nobody reads are reported as unknown by <see cref="ConfigBinding.CheckUnknownKeys"/>.
/// </summary>
public sealed class ConfigSection
{
    private readonly ConfigMap? _map;
    private readonly ConfigBinding _b;
    private readonly ConfigBinding.ResolvedNode _resolved;

    /// <summary>Dotted path of this section ("" for the root).</summary>
    public string Path { get; }
    /// <summary>The binding this section belongs to.</summary>
    public ConfigBinding Binding => _b;

    internal ConfigSection(ConfigMap? map, string path, ConfigBinding binding, ConfigBinding.ResolvedNode resolved)
    {
        _map = map; Path = path; _b = binding; _resolved = resolved;
        if (!_b.KnownKeys.ContainsKey(path)) _b.KnownKeys[path] = [];
    }

    /// <summary>The root section of a parsed file.</summary>
    public static ConfigSection Root(ConfigMap root, ConfigBinding binding) => new(root, "", binding, binding.Resolved);

    private string KeyPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";
    private string Where(ConfigNode? n) => n?.Where ?? (_map?.Where ?? _b.FileName);

    private ConfigNode? Lookup(string key)
    {
        _b.KnownKeys[Path].Add(key);
        if (_map == null || !_map.TryGet(key, out var n)) return null;
        _b.Consumed.Add(n);
        return n is ConfigScalar s && s.IsNull ? null : n;
    }

    /// <summary>True when the key is present (and not null).</summary>
    public bool Has(string key)
    {
        _b.KnownKeys[Path].Add(key);
        return _map != null && _map.TryGet(key, out var n) && !(n is ConfigScalar s && s.IsNull);
    }

    private string? Scalar(string key, string expected)
    {
        var n = Lookup(key);
        if (n == null) return null;
        if (n is ConfigScalar s) return s.Text;
        _b.Error($"{Where(n)}: {KeyPath(key)}: expected {expected}, got a {(n is ConfigMap ? "section" : "list")}");
        return null;
    }

    private static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A string, optionally restricted to <paramref name="allowed"/> values.</summary>
    public string GetString(string key, string defaultValue, params string[] allowed)
    {
        var t = Scalar(key, "a value") ?? defaultValue;
        if (allowed.Length > 0 && !allowed.Contains(t))
        {
            _b.Error($"{Where(Lookup(key))}: {KeyPath(key)}: '{t}' is not allowed; choose one of: {string.Join(", ", allowed)}");
            t = defaultValue;
        }
        _resolved.SetValue(key, Quote(t));
        return t;
    }

    /// <summary>A required string.</summary>
    public string RequireString(string key, params string[] allowed)
    {
        if (!Has(key))
        {
            Lookup(key);
            _b.Error($"{Where(null)}: {KeyPath(key)}: required{(allowed.Length > 0 ? $"; one of: {string.Join(", ", allowed)}" : "")}");
            return allowed.FirstOrDefault() ?? "";
        }
        return GetString(key, allowed.FirstOrDefault() ?? "", allowed);
    }

    /// <summary>An optional string (null when absent).</summary>
    public string? GetOptionalString(string key)
    {
        var t = Scalar(key, "a value");
        if (t != null) _resolved.SetValue(key, Quote(t));
        return t;
    }

    /// <summary>A boolean (true/false, yes/no, on/off).</summary>
    public bool GetBool(string key, bool defaultValue)
    {
        var t = Scalar(key, "true or false");
        bool v = defaultValue;
        if (t != null)
        {
            switch (t.ToLowerInvariant())
            {
                case "true" or "yes" or "on": v = true; break;
                case "false" or "no" or "off": v = false; break;
                default: _b.Error($"{Where(Lookup(key))}: {KeyPath(key)}: '{t}' is not true or false"); break;
            }
        }
        _resolved.SetValue(key, v ? "true" : "false");
        return v;
    }

    /// <summary>A number in [min, max] (plain number or a dimensionless quantity like "25 %").</summary>
    public double GetDouble(string key, double defaultValue, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
        => GetQuantity(key, Dimension.Dimensionless, defaultValue, min, max);

    /// <summary>
    /// A physical quantity in SI units: written with a unit ("20 ms", "5 uS") or as a plain SI
    /// number; the unit's dimension must match <paramref name="dim"/>; the SI value must lie in [min, max].
    /// </summary>
    public double GetQuantity(string key, Dimension dim, double defaultValue, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool minExclusive = false)
    {
        var n = Lookup(key);
        double v = defaultValue;
        if (n is ConfigScalar s)
        {
            if (!Quantity.TryParse(s.Text, out var x, out var d, out var err))
                _b.Error($"{Where(n)}: {KeyPath(key)}: {err}; expected {(dim == Dimension.Dimensionless ? "a number" : $"a {Quantity.Describe(dim)} such as {Quantity.Example(dim)}")}");
            else if (d != dim && d != Dimension.Dimensionless && !(dim == Dimension.Dimensionless && s.Text.TrimEnd().EndsWith('%')))
                _b.Error($"{Where(n)}: {KeyPath(key)}: '{s.Text}' is a {Quantity.Describe(d)}; expected a {Quantity.Describe(dim)} such as {Quantity.Example(dim)}");
            else if (double.IsNaN(x) || x < min || x > max || (minExclusive && x <= min))
                _b.Error($"{Where(n)}: {KeyPath(key)}: {s.Text} is out of range; allowed {Range(min, max, minExclusive, dim)}");
            else v = x;
        }
        else if (n != null) _b.Error($"{Where(n)}: {KeyPath(key)}: expected a single value, got a {(n is ConfigMap ? "section" : "list")}");
        _resolved.SetValue(key, Fmt(v));
        return v;
    }

    /// <summary>An integer in [min, max].</summary>
    public int GetInt(string key, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        var t = Scalar(key, "an integer");
        int v = defaultValue;
        if (t != null)
        {
            if (!long.TryParse(t.Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out var x)
                && !(double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var dx) && dx == Math.Floor(dx) && Math.Abs(dx) < 9e15 && (x = (long)dx) == x))
                _b.Error($"{Where(Lookup(key))}: {KeyPath(key)}: '{t}' is not an integer");
            else if (x < min || x > max)
                _b.Error($"{Where(Lookup(key))}: {KeyPath(key)}: {t} is out of range; allowed [{min}, {max}]");
            else v = (int)x;
        }
        _resolved.SetValue(key, v.ToString(CultureInfo.InvariantCulture));
        return v;
    }

    /// <summary>A list of numbers (each in [min, max]); a single number is a list of one.</summary>
    public double[] GetDoubleList(string key, double[] defaultValue, double min = double.NegativeInfinity, double max = double.PositiveInfinity, Dimension dim = Dimension.Dimensionless)
    {
        var n = Lookup(key);
        var result = defaultValue;
        if (n != null)
        {
            var items = n is ConfigList l ? l.Items : [n];
            var vals = new List<double>();
            bool ok = true;
            foreach (var it in items)
            {
                if (it is not ConfigScalar s || !Quantity.TryParse(s.Text, out var x, out var d, out _) || (d != dim && d != Dimension.Dimensionless))
                { _b.Error($"{Where(it)}: {KeyPath(key)}: every item must be {(dim == Dimension.Dimensionless ? "a number" : $"a {Quantity.Describe(dim)}")}"); ok = false; break; }
                if (x < min || x > max) { _b.Error($"{Where(it)}: {KeyPath(key)}: item {s.Text} is out of range; allowed {Range(min, max, false, dim)}"); ok = false; break; }
                vals.Add(x);
            }
            if (ok) result = [.. vals];
        }
        _resolved.SetValue(key, "[" + string.Join(", ", result.Select(Fmt)) + "]");
        return result;
    }

    /// <summary>A list of strings, optionally restricted to <paramref name="allowed"/>.</summary>
    public string[] GetStringList(string key, string[] defaultValue, params string[] allowed)
    {
        var n = Lookup(key);
        var result = defaultValue;
        if (n != null)
        {
            var items = n is ConfigList l ? l.Items : [n];
            var vals = new List<string>();
            foreach (var it in items)
            {
                if (it is not ConfigScalar s) { _b.Error($"{Where(it)}: {KeyPath(key)}: every item must be a single value"); continue; }
                if (allowed.Length > 0 && !allowed.Contains(s.Text)) { _b.Error($"{Where(it)}: {KeyPath(key)}: '{s.Text}' is not allowed; choose from: {string.Join(", ", allowed)}"); continue; }
                vals.Add(s.Text);
            }
            result = [.. vals];
        }
        _resolved.SetValue(key, "[" + string.Join(", ", result.Select(Quote)) + "]");
        return result;
    }

    /// <summary>
    /// A path to an existing file or folder; relative paths are resolved against the experiment
    /// file's folder, then the repository root. Null when absent and no default.
    /// </summary>
    public string? GetPath(string key, string? defaultValue, bool directory = false, bool mustExist = true)
    {
        var t = Scalar(key, "a path") ?? defaultValue;
        if (t == null) return null;
        var resolved = ResolvePath(t);
        bool exists = directory ? Directory.Exists(resolved) : File.Exists(resolved);
        if (mustExist && !exists)
            _b.Error($"{Where(Lookup(key))}: {KeyPath(key)}: {(directory ? "folder" : "file")} '{t}' not found (looked at {resolved})");
        _resolved.SetValue(key, Quote(t));
        return resolved;
    }

    private string ResolvePath(string p)
    {
        if (p.StartsWith("~/", StringComparison.Ordinal))
            p = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), p[2..]);
        if (System.IO.Path.IsPathRooted(p)) return p;
        var a = System.IO.Path.GetFullPath(System.IO.Path.Combine(_b.BaseDirectory, p));
        if (File.Exists(a) || Directory.Exists(a)) return a;
        if (Data.DataPaths.RepositoryRoot is { } root)
        {
            var r = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, p));
            if (File.Exists(r) || Directory.Exists(r)) return r;
        }
        return System.IO.Path.GetFullPath(p);
    }

    /// <summary>A sub-section (empty when absent, so every getter returns its default).</summary>
    public ConfigSection Section(string key)
    {
        var n = Lookup(key);
        if (n != null && n is not ConfigMap)
            _b.Error($"{Where(n)}: {KeyPath(key)}: expected a section (indented keys below '{key}:')");
        return new ConfigSection(n as ConfigMap, KeyPath(key), _b, _resolved.Section(key));
    }

    /// <summary>A list of sub-sections (e.g. a list of layers).</summary>
    public List<ConfigSection> SectionList(string key)
    {
        var n = Lookup(key);
        var result = new List<ConfigSection>();
        if (n == null) return result;
        if (n is not ConfigList l) { _b.Error($"{Where(n)}: {KeyPath(key)}: expected a list (lines starting with '- ')"); return result; }
        var parent = _resolved.Section(key);
        for (int i = 0; i < l.Items.Count; i++)
        {
            if (l.Items[i] is not ConfigMap m) { _b.Error($"{Where(l.Items[i])}: {KeyPath(key)}[{i}]: expected a section"); continue; }
            _b.Consumed.Add(m);
            result.Add(new ConfigSection(m, $"{KeyPath(key)}[{i}]", _b, parent.Section($"- {i}")));
        }
        return result;
    }

    /// <summary>Adds an error about a key of this section (for cross-field checks).</summary>
    public void Error(string key, string message) => _b.Error($"{Where(_map != null && _map.TryGet(key, out var n) ? n : null)}: {KeyPath(key)}: {message}");

    private static string Range(double min, double max, bool minExclusive, Dimension dim)
    {
        string u = dim == Dimension.Dimensionless ? "" : $" (SI, {Quantity.Describe(dim)})";
        string lo = double.IsNegativeInfinity(min) ? "(-∞" : (minExclusive ? "(" : "[") + Fmt(min);
        string hi = double.IsPositiveInfinity(max) ? "∞)" : Fmt(max) + "]";
        return $"{lo}, {hi}{u}";
    }

    private static string Quote(string s) =>
        s.Length == 0 || s.IndexOfAny([':', '#', '\'', '"', '[', ']', '{', '}', ',']) >= 0 || s != s.Trim() || s is "true" or "false" or "null" or "~"
            ? "'" + s.Replace("'", "''") + "'" : s;
}
