using System.Globalization;
using System.Text;

namespace KpuOrleans.TestKit;

/// <summary>One sample of a scrape: a series (name and labels) and its value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public bool Matches(IEnumerable<(string Label, string Value)> labels) =>
        labels.All(l => Labels.TryGetValue(l.Label, out var value) && value == l.Value);

    public override string ToString() =>
        $"{Name}{{{string.Join(",", Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} {Value.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// The Prometheus text exposition format (version 0.0.4), parsed strictly enough that a malformed scrape fails the
/// test: <c># TYPE</c> lines, then one sample a line, <c>name{label="value",...} value [timestamp]</c>, label values
/// with <c>\\</c>, <c>\"</c> and <c>\n</c> escapes, values including <c>+Inf</c>, <c>-Inf</c> and <c>NaN</c>.
/// </summary>
public sealed class PrometheusScrape
{
    private PrometheusScrape(IReadOnlyList<PrometheusSample> samples, IReadOnlyDictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>The type each <c># TYPE</c> line declares, by the family name it declares it for.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IEnumerable<PrometheusSample> Series(string name, params (string Label, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && s.Matches(labels));

    public bool Has(string name) => Samples.Any(s => s.Name == name);

    /// <summary>The sum over every series of <paramref name="name"/> carrying at least these labels; 0 when none does.</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) => Series(name, labels).Sum(s => s.Value);

    public static async Task<PrometheusScrape> ScrapeAsync(HttpClient http, Uri process) =>
        Parse(await http.GetStringAsync(new Uri(process, "/metrics")));

    public static PrometheusScrape Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line[0] == '#')
            {
                var parts = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 4 && parts[1] == "TYPE") types[parts[2]] = parts[3];
                continue;
            }
            try
            {
                samples.Add(ParseSample(line));
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                throw new FormatException($"line {number} is not a Prometheus sample: {line}", e);
            }
        }
        return new PrometheusScrape(samples, types);
    }

    private static PrometheusSample ParseSample(string line)
    {
        var i = 0;
        var name = ReadName(line, ref i, allowColon: true);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                SkipSpaces(line, ref i);
                if (line[i] == '}') { i++; break; }
                var label = ReadName(line, ref i, allowColon: false);
                SkipSpaces(line, ref i);
                Expect(line, ref i, '=');
                SkipSpaces(line, ref i);
                Expect(line, ref i, '"');
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch
                        {
                            'n' => '\n',
                            '\\' => '\\',
                            '"' => '"',
                            var other => throw new FormatException($"unknown escape \\{other}"),
                        });
                    }
                    else value.Append(line[i]);
                    i++;
                }
                i++;
                if (!labels.TryAdd(label, value.ToString())) throw new FormatException($"label {label} twice");
                SkipSpaces(line, ref i);
                if (line[i] == ',') i++;
                else if (line[i] != '}') throw new FormatException($"',' or '}}' expected at {i}");
            }
        }
        if (i >= line.Length || line[i] != ' ') throw new FormatException($"a space expected at {i}");
        var rest = line[i..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length is 0 or > 2) throw new FormatException("a value and at most a timestamp expected");
        return new PrometheusSample(name, labels, ParseValue(rest[0]));
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static string ReadName(string line, ref int i, bool allowColon)
    {
        var start = i;
        while (i < line.Length && (char.IsAsciiLetter(line[i]) || line[i] == '_' || (allowColon && line[i] == ':')
                                   || (i > start && char.IsAsciiDigit(line[i]))))
        {
            i++;
        }
        if (i == start) throw new FormatException($"a name expected at {start}");
        return line[start..i];
    }

    private static void SkipSpaces(string line, ref int i)
    {
        while (line[i] == ' ') i++;
    }

    private static void Expect(string line, ref int i, char expected)
    {
        if (line[i] != expected) throw new FormatException($"'{expected}' expected at {i}, found '{line[i]}'");
        i++;
    }
}
