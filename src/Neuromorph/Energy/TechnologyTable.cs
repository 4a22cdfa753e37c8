using Neuromorph.Units;
using YamlDotNet.RepresentationModel;

namespace Neuromorph.Energy;

/// <summary>The energy of one operation on one technology, with where the number comes from.</summary>
public sealed record OpEnergy(Op Op, double Joules, string Source);

/// <summary>
/// A technology's energy table: joules per operation, each entry with its source. Tables are
/// data (YAML), so users extend them by adding a file: the built-in
/// <c>data/energy/technologies.yaml</c> plus any <c>*.yaml</c> in <c>$NEUROMORPH_DATA/energy/</c>.
/// </summary>
/// <remarks>
/// File format:
/// <code>
/// technologies:
///   - name: loihi
///     description: Intel Loihi, 14 nm
///     source: Davies et al. 2018, IEEE Micro 38(1), table 1
///     ops:
///       synaptic_event: { energy: 23.6 pJ, source: "table 1: synaptic spike op" }
/// </code>
/// Operations missing from a table are reported as "not modelled", never silently priced at zero.
/// </remarks>
public sealed record TechnologyTable(string Name, string Description, string Source, IReadOnlyDictionary<Op, OpEnergy> Ops)
{
    /// <summary>Estimates the energy of <paramref name="counts"/> on this technology.</summary>
    public EnergyEstimate Estimate(OpCounters counts, double inferences = 1)
    {
        var breakdown = new Dictionary<Op, double>();
        var missing = new List<Op>();
        double total = 0;
        foreach (var op in OpCounters.All)
        {
            long n = counts[op];
            if (n == 0) continue;
            if (Ops.TryGetValue(op, out var e)) { double j = n * e.Joules; breakdown[op] = j; total += j; }
            else missing.Add(op);
        }
        return new EnergyEstimate(Name, total, inferences > 0 ? total / inferences : double.NaN, breakdown, missing);
    }

    /// <summary>Parses every table in one YAML file; errors name the file and the key.</summary>
    public static List<TechnologyTable> LoadFile(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path)) yaml.Load(reader);
        var tables = new List<TechnologyTable>();
        if (yaml.Documents.Count == 0) return tables;
        if (yaml.Documents[0].RootNode is not YamlMappingNode root || !root.Children.TryGetValue(new YamlScalarNode("technologies"), out var techs) || techs is not YamlSequenceNode seq)
            throw new FormatException($"{path}: expected a top-level 'technologies:' list");
        int idx = 0;
        foreach (var item in seq)
        {
            string where = $"{path}: technologies[{idx}]";
            if (item is not YamlMappingNode m) throw new FormatException($"{where}: expected a mapping");
            string name = Scalar(m, "name", where) ?? throw new FormatException($"{where}: missing 'name'");
            string desc = Scalar(m, "description", where) ?? "";
            string src = Scalar(m, "source", where) ?? throw new FormatException($"{where} ({name}): missing 'source' — every energy table must name its source");
            var ops = new Dictionary<Op, OpEnergy>();
            if (!m.Children.TryGetValue(new YamlScalarNode("ops"), out var opsNode) || opsNode is not YamlMappingNode opsMap)
                throw new FormatException($"{where} ({name}): missing 'ops' mapping");
            foreach (var (k, v) in opsMap.Children)
            {
                string key = ((YamlScalarNode)k).Value ?? "";
                if (!OpCounters.TryParse(key, out var op))
                    throw new FormatException($"{where}.ops.{key}: unknown operation (known: {string.Join(", ", OpCounters.All.Select(OpCounters.Key))})");
                if (v is not YamlMappingNode em) throw new FormatException($"{where}.ops.{key}: expected {{ energy: <value with unit>, source: <text> }}");
                string energyText = Scalar(em, "energy", where) ?? throw new FormatException($"{where}.ops.{key}: missing 'energy'");
                double j;
                try { j = Quantity.Parse(energyText, Dimension.Energy); }
                catch (FormatException e) { throw new FormatException($"{where}.ops.{key}.energy: {e.Message}"); }
                if (!(j >= 0)) throw new FormatException($"{where}.ops.{key}.energy: must be ≥ 0, got {energyText}");
                ops[op] = new OpEnergy(op, j, Scalar(em, "source", where) ?? src);
            }
            tables.Add(new TechnologyTable(name, desc, src, ops));
            idx++;
        }
        return tables;
    }

    private static string? Scalar(YamlMappingNode m, string key, string where)
    {
        if (!m.Children.TryGetValue(new YamlScalarNode(key), out var n)) return null;
        return n is YamlScalarNode s ? s.Value : throw new FormatException($"{where}.{key}: expected a single value");
    }
}

/// <summary>Energy of a run on one technology.</summary>
public sealed record EnergyEstimate(string Technology, double TotalJoules, double JoulesPerInference, IReadOnlyDictionary<Op, double> Breakdown, IReadOnlyList<Op> NotModelled);

/// <summary>The set of known technology tables.</summary>
public sealed class TechnologyCatalog
{
    private readonly Dictionary<string, TechnologyTable> _tables = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>All tables, in load order.</summary>
    public IReadOnlyCollection<TechnologyTable> Tables => _tables.Values;

    /// <summary>Adds or replaces a table (later files override earlier ones of the same name).</summary>
    public void Add(TechnologyTable t) => _tables[t.Name] = t;

    /// <summary>Looks up a table by name; throws with the list of known names.</summary>
    public TechnologyTable Get(string name) =>
        _tables.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"unknown energy technology '{name}' (known: {string.Join(", ", _tables.Keys)})");

    /// <summary>True when a table of that name exists.</summary>
    public bool Contains(string name) => _tables.ContainsKey(name);

    /// <summary>Loads every <c>*.yaml</c> file of each directory that exists, in order.</summary>
    public static TechnologyCatalog Load(params string[] directories)
    {
        var cat = new TechnologyCatalog();
        foreach (var dir in directories)
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var f in Directory.GetFiles(dir, "*.yaml").OrderBy(f => f, StringComparer.Ordinal))
                foreach (var t in TechnologyTable.LoadFile(f)) cat.Add(t);
        }
        return cat;
    }
}
