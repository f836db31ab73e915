using System.Globalization;

namespace KpuOrleans.Registry;

/// <summary>
/// The immutable region tree and the contests, loaded once per process from the registry CSV files
/// (<c>regions.csv</c>-shaped: level,code,parent_code,name; <c>tps.csv</c>: tps_code,village_code,dpt;
/// <c>contests.csv</c>: contest_id,kind,scope,ballot_number,names,empty_column,...).
/// </summary>
public sealed class RegionRegistry
{
    private readonly Dictionary<string, RegionInfo> _regions;
    private readonly Dictionary<string, Contest> _contests;

    private RegionRegistry(Dictionary<string, RegionInfo> regions, Dictionary<string, Contest> contests, RegionInfo root)
    {
        _regions = regions;
        _contests = contests;
        Root = root;
        Contests = [.. contests.Values.OrderBy(c => c.Kind == "governor" ? 0 : 1).ThenBy(c => c.Scope, StringComparer.Ordinal)];
    }

    public RegionInfo Root { get; }

    /// <summary>Every contest: the governor's race first, then by scope code.</summary>
    public IReadOnlyList<Contest> Contests { get; }

    public int RegionCount => _regions.Count;

    public RegionInfo? Find(string code) => _regions.GetValueOrDefault(code);

    public Contest? FindContest(string id) => _contests.GetValueOrDefault(id);

    public RegionInfo Get(string code) =>
        _regions.TryGetValue(code, out var region) ? region : throw new KeyNotFoundException($"unknown region '{code}'");

    /// <summary>Every TPS at or below <paramref name="code"/>, in code order.</summary>
    public IEnumerable<RegionInfo> TpsUnder(string code)
    {
        var region = Get(code);
        if (region.Level == Level.Tps)
        {
            yield return region;
            yield break;
        }
        foreach (var child in region.Children)
        {
            foreach (var tps in TpsUnder(child)) yield return tps;
        }
    }

    /// <summary>Loads a registry from a folder holding the three files named in <paramref name="files"/>.</summary>
    public static RegionRegistry Load(RegistryFiles files)
    {
        var regions = new Dictionary<string, RegionInfo>(StringComparer.Ordinal);
        RegionInfo? root = null;
        foreach (var row in CsvReader.Read(files.Regions))
        {
            Level level;
            try { level = LevelNames.ParseLevel(row["level"]); }
            catch (FormatException e) { throw row.Error(e.Message); }
            var parent = row["parent_code"];
            // Every code of the tree parses, at its row's level: the rest of the system slices codes by that shape.
            if (!RegionCode.TryParse(row["code"], out var code) || code.Level != level)
                throw row.Error($"'{row["code"]}' is not a {level.ToApiName()} code (dotted digits 2, 2.2, 2.2.2, 2.2.2.4 from province to village)");
            var region = new RegionInfo(code.Value, level, row["name"], parent.Length == 0 ? null : parent);
            if (!regions.TryAdd(region.Code, region)) throw row.Error($"duplicate region code '{region.Code}'");
            if (level == Level.Province)
            {
                if (root is not null) throw row.Error("a registry holds one province");
                root = region;
            }
        }
        if (root is null) throw new InvalidDataException($"{Path.GetFileName(files.Regions)}: no province row");

        var dpt = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in CsvReader.Read(files.Tps))
        {
            var village = row["village_code"];
            var code = row["tps_code"];
            if (!regions.TryGetValue(village, out var parent) || parent.Level != Level.Village)
                throw row.Error($"TPS '{code}' names unknown village '{village}'");
            if (!RegionCode.TryParse(code, out var tps) || tps.Level != Level.Tps || tps.Parent?.Value != village)
                throw row.Error($"TPS code '{code}' must be its village code plus '.' and a three-digit number");
            if (!long.TryParse(row["dpt"], NumberStyles.None, CultureInfo.InvariantCulture, out var voters))
                throw row.Error($"dpt '{row["dpt"]}' is not a whole number");
            var number = code[(village.Length + 1)..];
            if (!regions.TryAdd(code, new RegionInfo(code, Level.Tps, $"TPS {number}", village)))
                throw row.Error($"duplicate TPS code '{code}'");
            dpt[code] = voters;
        }

        LinkChildren(regions);
        var contests = LoadContests(files.Contests, regions);
        AssignContests(root, regions, contests);
        Summarise(root, regions, dpt);
        return new RegionRegistry(regions, contests, root);
    }

    private static void LinkChildren(Dictionary<string, RegionInfo> regions)
    {
        var children = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var region in regions.Values)
        {
            if (region.Parent is null) continue;
            if (!regions.TryGetValue(region.Parent, out var parent) || parent.Level != region.Level - 1)
                throw new InvalidDataException($"region '{region.Code}' names parent '{region.Parent}', which is not one level above it");
            if (!children.TryGetValue(region.Parent, out var list)) children[region.Parent] = list = [];
            list.Add(region.Code);
        }
        foreach (var (code, list) in children)
        {
            list.Sort(StringComparer.Ordinal);
            regions[code].Children = list;
        }
    }

    private static Dictionary<string, Contest> LoadContests(string path, Dictionary<string, RegionInfo> regions)
    {
        var rows = CsvReader.Read(path).ToList();
        var contests = new Dictionary<string, Contest>(StringComparer.Ordinal);
        foreach (var group in rows.GroupBy(r => r["contest_id"]))
        {
            var first = group.First();
            var kind = first["kind"];
            var scope = first["scope"];
            if (kind is not ("governor" or "regent" or "mayor")) throw first.Error($"unknown contest kind '{kind}'");
            if (!regions.TryGetValue(scope, out var scopeRegion) || scopeRegion.Level > Level.Regency)
                throw first.Error($"contest scope '{scope}' is not a province or regency of the registry");
            var candidates = new List<Candidate>();
            foreach (var row in group.OrderBy(r => int.Parse(r["ballot_number"], CultureInfo.InvariantCulture)))
            {
                if (row["contest_id"] != group.Key || row["kind"] != kind || row["scope"] != scope)
                    throw row.Error($"contest '{group.Key}' rows disagree on kind or scope");
                var number = row["ballot_number"];
                if (candidates.Any(c => c.Number == number)) throw row.Error($"ballot number {number} appears twice");
                candidates.Add(new Candidate(number, row["names"], row["empty_column"] == "true"));
            }
            contests[group.Key] = new Contest(group.Key, kind, scope, ContestName(kind, scopeRegion.Name), candidates);
        }
        return contests;
    }

    private static string ContestName(string kind, string scopeName) => kind switch
    {
        "governor" => $"Pemilihan Gubernur {scopeName}",
        "regent" => $"Pemilihan Bupati {scopeName.Replace("Kabupaten ", "", StringComparison.Ordinal)}",
        _ => $"Pemilihan Wali Kota {scopeName.Replace("Kota ", "", StringComparison.Ordinal)}",
    };

    private static void AssignContests(RegionInfo root, Dictionary<string, RegionInfo> regions, Dictionary<string, Contest> contests)
    {
        var byScope = contests.Values.ToLookup(c => c.Scope, StringComparer.Ordinal);
        void Visit(RegionInfo region, IReadOnlyList<Contest> inherited)
        {
            var own = byScope[region.Code].OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
            var covering = own.Count == 0 ? inherited : [.. inherited, .. own];
            region.Contests = covering;
            foreach (var child in region.Children) Visit(regions[child], covering);
        }
        Visit(root, []);
    }

    private static void Summarise(RegionInfo region, Dictionary<string, RegionInfo> regions, Dictionary<string, long> dpt)
    {
        if (region.Level == Level.Tps)
        {
            region.TpsCount = 1;
            region.Registered = dpt[region.Code];
            return;
        }
        foreach (var code in region.Children)
        {
            var child = regions[code];
            Summarise(child, regions, dpt);
            region.TpsCount += child.TpsCount;
            region.Registered += child.Registered;
        }
    }
}

/// <summary>Where the three registry files are; another province's files of the same shape load unchanged.</summary>
public sealed record RegistryFiles(string Regions, string Tps, string Contests)
{
    public static RegistryFiles InFolder(string folder) => new(
        Path.Combine(folder, "jatim-regions.csv"),
        Path.Combine(folder, "jatim-tps.csv"),
        Path.Combine(folder, "jatim-2024-contests.csv"));
}
