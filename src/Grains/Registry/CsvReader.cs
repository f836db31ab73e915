namespace KpuOrleans.Registry;

/// <summary>Reads RFC 4180 CSV (quoted fields, doubled quotes) into header-keyed rows.</summary>
internal static class CsvReader
{
    public static IEnumerable<CsvRow> Read(string path)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new InvalidDataException($"{Path.GetFileName(path)} is empty");
        var columns = Split(header, path, 1);
        var index = columns.Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i);
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = Split(line, path, lineNumber);
            if (fields.Count != columns.Count)
            {
                throw new InvalidDataException(
                    $"{Path.GetFileName(path)} line {lineNumber}: {fields.Count} fields, expected {columns.Count}");
            }
            yield return new CsvRow(index, fields, Path.GetFileName(path), lineNumber);
        }
    }

    private static List<string> Split(string line, string path, int lineNumber)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        if (quoted) throw new InvalidDataException($"{Path.GetFileName(path)} line {lineNumber}: unterminated quote");
        fields.Add(field.ToString());
        return fields;
    }
}

internal readonly struct CsvRow(Dictionary<string, int> index, List<string> fields, string file, int line)
{
    public string this[string column] => index.TryGetValue(column, out var i)
        ? fields[i]
        : throw new InvalidDataException($"{file}: missing column '{column}'");

    public InvalidDataException Error(string message) => new($"{file} line {line}: {message}");
}
