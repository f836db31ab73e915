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

    /// <summary>
    /// Loads a registry from its three files. A registry of one province has that province as its root (as the
    /// province-only system always had); one of several provinces gets the nation (<see cref="RegionCode.NationCode"/>,
    /// KPU RI) above them.
    /// </summary>
    public static RegionRegistry Load(RegistryFiles files)
    {
        var regions = new Dictionary<string, RegionInfo>(StringComparer.Ordinal);
        var provinces = new List<RegionInfo>();
        foreach (var row in CsvReader.Read(files.Regions))
        {
            Level level;
            try { level = LevelNames.ParseLevel(row["level"]); }
            catch (FormatException e) { throw row.Error(e.Message); }
            var parent = row["parent_code"];
            // Every code of the tree parses, at its row's level: the rest of the system slices codes by that shape.
            if (level == Level.Nation || !RegionCode.TryParse(row["code"], out var code) || code.Level != level)
                throw row.Error($"'{row["code"]}' is not a {level.ToApiName()} code (dotted digits 2, 2.2, 2.2.2, 2.2.2.4 from province to village)");
            // A parent's code is kept once: every child points at the parent's own string.
            var parentCode = parent.Length == 0 ? null : regions.TryGetValue(parent, out var known) ? known.Code : parent;
            var region = new RegionInfo(code.Value, level, row["name"], parentCode);
            if (!regions.TryAdd(region.Code, region)) throw row.Error($"duplicate region code '{region.Code}'");
            if (level == Level.Province) provinces.Add(region);
        }
        if (provinces.Count == 0) throw new InvalidDataException($"{Path.GetFileName(files.Regions)}: no province row");
        var root = provinces.Count == 1 ? provinces[0] : Nation(regions, provinces);

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
            if (!regions.TryAdd(code, new RegionInfo(code, Level.Tps, TpsName(code[(village.Length + 1)..]), parent.Code)))
                throw row.Error($"duplicate TPS code '{code}'");
            dpt[code] = voters;
        }

        LinkChildren(regions);
        var contests = LoadContests(files.Contests, regions);
        AssignContests(root, regions, contests);
        Summarise(root, regions, dpt);
        return new RegionRegistry(regions, contests, root);
    }

    private static RegionInfo Nation(Dictionary<string, RegionInfo> regions, List<RegionInfo> provinces)
    {
        var nation = new RegionInfo(RegionCode.NationCode, Level.Nation, "Indonesia", null);
        regions.Add(nation.Code, nation);
        foreach (var province in provinces) province.Parent = nation.Code;
        return nation;
    }

    // 435,296 TPS share a few hundred names ("TPS 001" ...): one string each, not one per TPS.
    private static readonly string[] TpsNames = [.. Enumerable.Range(0, 1000).Select(n => $"TPS {n:000}")];

    private static string TpsName(string number) =>
        int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < TpsNames.Length && number.Length == 3
            ? TpsNames[n] : $"TPS {number}";

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
            list.TrimExcess();
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
            if (!regions.TryGetValue(scope, out var scopeRegion) || scopeRegion.Level is not (Level.Province or Level.Regency))
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

/// <summary>Where the three registry files are; another province's files, or the whole country's, load unchanged.</summary>
public sealed record RegistryFiles(string Regions, string Tps, string Contests)
{
    /// <summary>
    /// The files of a registry folder, found by the ends of their names (<c>*-regions.csv</c>, <c>*-tps.csv</c>,
    /// <c>*-contests.csv</c>, one each, as <c>data/</c> holds Jawa Timur's and <c>data/indonesia/</c> the country's).
    /// </summary>
    public static RegistryFiles InFolder(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"registry folder '{folder}' does not exist");
        return new(One(folder, "-regions.csv"), One(folder, "-tps.csv"), One(folder, "-contests.csv"));
    }

    private static string One(string folder, string ending)
    {
        var found = Directory.GetFiles(folder, "*" + ending);
        return found.Length == 1 ? found[0]
            : throw new FileNotFoundException(found.Length == 0
                ? $"registry folder '{folder}' holds no file named *{ending}"
                : $"registry folder '{folder}' holds {found.Length} files named *{ending}; keep one");
    }
}
