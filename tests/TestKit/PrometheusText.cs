using System.Globalization;
using System.Text.RegularExpressions;

namespace KpuOrleans.TestKit;

/// <summary>A scrape of <c>/metrics</c> in Prometheus' text format, read as series: name, labels, value.</summary>
public sealed partial class PrometheusText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _series = [];

    public PrometheusText(string text)
    {
        foreach (Match line in SeriesLine().Matches(text))
        {
            var labels = LabelPair().Matches(line.Groups["labels"].Value)
                .ToDictionary(m => m.Groups["key"].Value, m => Regex.Unescape(m.Groups["value"].Value));
            var value = line.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var number => double.Parse(number, CultureInfo.InvariantCulture),
            };
            _series.Add((line.Groups["name"].Value, labels, value));
        }
    }

    public IEnumerable<string> Names => _series.Select(s => s.Name).Distinct();

    public bool Has(string name) => _series.Any(s => s.Name == name);

    public IEnumerable<(IReadOnlyDictionary<string, string> Labels, double Value)> Series(string name) =>
        _series.Where(s => s.Name == name).Select(s => ((IReadOnlyDictionary<string, string>)s.Labels, s.Value));

    /// <summary>The sum over every series of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        _series.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    public static async Task<PrometheusText> ScrapeAsync(HttpClient http, Uri process) =>
        new(await http.GetStringAsync(new Uri(process, "/metrics")));

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)""", RegexOptions.Multiline)]
    private static partial Regex SeriesLine();

    [GeneratedRegex("""(?<key>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(\\.|[^"\\])*)" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex LabelPair();
}
