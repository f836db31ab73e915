using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KpuOrleans.TestKit;

/// <summary>
/// What KubernetesYaml's strict mode lets through: it reads an unquoted <c>8080</c> or <c>true</c> into a string
/// field, and a quoted <c>"3"</c> into a number, while kubectl turns the YAML into JSON first (a number is a number)
/// and the API server then refuses, e.g., an annotation <c>prometheus.io/port: 8080</c>. This walks each document
/// beside its model type and reports every scalar whose YAML type is not the one the API expects.
/// </summary>
public static partial class ScalarTypes
{
    /// <summary>The type errors in <paramref name="node"/>, read as a <paramref name="type"/>; empty when none.</summary>
    public static List<string> Check(YamlNode node, Type type)
    {
        var errors = new List<string>();
        Walk(node, type, "", errors);
        return errors;
    }

    /// <summary>
    /// Whether kubectl reads this scalar as a string: quoted, or plain and not a YAML 1.1 null, boolean, integer,
    /// float or timestamp (sigs.k8s.io/yaml, which kubectl uses, resolves <c>yes</c>, <c>on</c>, <c>0x1F</c>...).
    /// </summary>
    public static bool IsString(YamlScalarNode scalar) =>
        scalar.Style != ScalarStyle.Plain || !(IsNull(scalar.Value) || IsBool(scalar.Value) || IsInt(scalar.Value) || IsFloat(scalar.Value) || IsTimestamp(scalar.Value));

    static bool IsNull(string? v) => v is null or "" or "~" or "null" or "Null" or "NULL";

    static bool IsBool(string? v) => v is "y" or "Y" or "yes" or "Yes" or "YES" or "n" or "N" or "no" or "No" or "NO"
        or "true" or "True" or "TRUE" or "false" or "False" or "FALSE" or "on" or "On" or "ON" or "off" or "Off" or "OFF";

    static bool IsInt(string? v) => v is not null && IntPattern().IsMatch(v);

    static bool IsFloat(string? v) => v is not null && FloatPattern().IsMatch(v);

    static bool IsTimestamp(string? v) => v is not null && TimestampPattern().IsMatch(v);

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9_]*|0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+)$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^([-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?$")]
    private static partial Regex TimestampPattern();

    static void Walk(YamlNode node, Type type, string path, List<string> errors)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(object) || type == typeof(DateTime) || type == typeof(DateTimeOffset))
            return;
        if (type == typeof(IntOrString) || type == typeof(ResourceQuantity))
        {
            if (node is not YamlScalarNode)
                errors.Add($"{path}: expected a number or a string");
            return;
        }
        if (type == typeof(string) || type == typeof(byte[]))
        {
            if (node is not YamlScalarNode s || !IsString(s))
                errors.Add($"{path}: expected a string, found {Describe(node)} (quote it)");
            return;
        }
        if (type == typeof(bool))
        {
            if (node is not YamlScalarNode { Style: ScalarStyle.Plain } s || !IsBool(s.Value))
                errors.Add($"{path}: expected a boolean, found {Describe(node)}");
            return;
        }
        if (type == typeof(int) || type == typeof(long))
        {
            if (node is not YamlScalarNode { Style: ScalarStyle.Plain } s || !IsInt(s.Value))
                errors.Add($"{path}: expected an integer, found {Describe(node)}");
            return;
        }
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            if (node is not YamlScalarNode { Style: ScalarStyle.Plain } s || !(IsInt(s.Value) || IsFloat(s.Value)))
                errors.Add($"{path}: expected a number, found {Describe(node)}");
            return;
        }
        if (Generic(type, typeof(IDictionary<,>)) is { } dictionary)
        {
            if (node is not YamlMappingNode map)
            {
                errors.Add($"{path}: expected a mapping, found {Describe(node)}");
                return;
            }
            foreach (var (key, value) in map.Children)
            {
                if (key is not YamlScalarNode k || !IsString(k))
                    errors.Add($"{path}: a key is not a string ({Describe(key)})");
                Walk(value, dictionary[1], $"{path}.{(key as YamlScalarNode)?.Value}", errors);
            }
            return;
        }
        if (Generic(type, typeof(IList<>)) is { } list)
        {
            if (node is not YamlSequenceNode sequence)
            {
                errors.Add($"{path}: expected a list, found {Describe(node)}");
                return;
            }
            for (var i = 0; i < sequence.Children.Count; i++)
                Walk(sequence.Children[i], list[0], $"{path}[{i}]", errors);
            return;
        }
        if (type.Namespace != typeof(V1Pod).Namespace || !type.IsClass)
            throw new NotSupportedException($"{path}: no rule for {type}");
        if (node is not YamlMappingNode mapping)
        {
            errors.Add($"{path}: expected a mapping, found {Describe(node)}");
            return;
        }
        var properties = Properties(type);
        foreach (var (key, value) in mapping.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!properties.TryGetValue(name, out var property))
                errors.Add($"{path}: {type.Name} has no field '{name}'");
            else
                Walk(value, property.PropertyType, path.Length == 0 ? name : $"{path}.{name}", errors);
        }
    }

    static readonly ConcurrentDictionary<Type, Dictionary<string, PropertyInfo>> PropertyCache = new();

    static Dictionary<string, PropertyInfo> Properties(Type type) => PropertyCache.GetOrAdd(type, t => t.GetProperties()
        .Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null)
        .ToDictionary(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name));

    static Type[]? Generic(Type type, Type definition)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == definition)
            return type.GetGenericArguments();
        return type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition)?.GetGenericArguments();
    }

    static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s when s.Style == ScalarStyle.Plain => $"plain '{s.Value}'",
        YamlScalarNode s => $"quoted '{s.Value}'",
        YamlSequenceNode => "a list",
        _ => "a mapping",
    };
}
