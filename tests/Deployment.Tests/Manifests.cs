using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace KpuOrleans.Deployment.Tests;

/// <summary>One rendered object: its YAML and the KubernetesClient model it parsed strictly into.</summary>
public sealed record Manifest(YamlMappingNode Yaml, IKubernetesObject<V1ObjectMeta> Model)
{
    public string Kind => Model.Kind;
    public string Name => Model.Metadata.Name;
    public string Id => Kustomize.Id(Yaml);
    public override string ToString() => $"{Kind}/{Name}";
}

/// <summary>A pod template and the workload it belongs to.</summary>
public sealed record Pod(Manifest Owner, V1PodTemplateSpec Template)
{
    public IDictionary<string, string> Labels => Template.Metadata?.Labels ?? new Dictionary<string, string>();
    public V1PodSpec Spec => Template.Spec;
    public string? Component => Labels.TryGetValue(Names.ComponentLabel, out var c) ? c : null;

    /// <summary>The containers that run an app image (silo, gateway, migrate), as opposed to, e.g., PostgreSQL.</summary>
    public bool IsApp => Component is "silo" or "gateway" or "migrate";

    public IEnumerable<V1Container> AllContainers => Spec.Containers.Concat(Spec.InitContainers ?? []);

    public IEnumerable<V1ContainerPort> Ports => AllContainers.SelectMany(c => c.Ports ?? []);

    /// <summary>The container port a Service targetPort, probe port or NetworkPolicy port names, if declared.</summary>
    public V1ContainerPort? Port(IntOrString port) =>
        Ports.FirstOrDefault(p => int.TryParse(port.Value, out var number) ? p.ContainerPort == number : p.Name == port.Value);

    public override string ToString() => $"pods of {Owner}";
}

/// <summary>A rendered kustomization of k8s/, parsed strictly.</summary>
public sealed class Rendered
{
    public required string Directory { get; init; }
    public required IReadOnlyList<Manifest> Objects { get; init; }

    public IEnumerable<T> All<T>() => Objects.Select(o => o.Model).OfType<T>();

    public T Get<T>(string name) where T : IKubernetesObject<V1ObjectMeta> =>
        All<T>().SingleOrDefault(o => o.Metadata.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"{Directory}: no {typeof(T).Name} named {name}");

    public IEnumerable<Pod> Pods => Objects.SelectMany(o => o.Model switch
    {
        V1Deployment d => [new Pod(o, d.Spec.Template)],
        V1StatefulSet s => [new Pod(o, s.Spec.Template)],
        V1Job j => [new Pod(o, j.Spec.Template)],
        _ => Array.Empty<Pod>(),
    });

    public Pod PodsOf(string workload) => Pods.Single(p => p.Owner.Name == workload);

    public IEnumerable<Pod> AppPods => Pods.Where(p => p.IsApp);
}

public static class Manifests
{
    /// <summary>The repository's root (the folder of KpuOrleans.sln).</summary>
    public static string Root { get; } = FindRoot();

    public const string Base = "k8s/base";
    public const string Dev = "k8s/overlays/dev";

    static readonly ConcurrentDictionary<string, Lazy<Rendered>> Cache = new();

    /// <summary>Renders and parses k8s/<paramref name="relative"/> once per test run.</summary>
    public static Rendered Render(string relative) =>
        Cache.GetOrAdd(relative, r => new Lazy<Rendered>(() => Parse(Path.Combine(Root, r), r))).Value;

    /// <summary>Renders a kustomization and parses every object strictly into its model.</summary>
    public static Rendered Parse(string directory, string? label = null) => new()
    {
        Directory = label ?? directory,
        Objects = Kustomize.Build(directory).Select(ParseObject).ToList(),
    };

    /// <summary>
    /// One object into its KubernetesClient model by apiVersion/kind, strictly: an unknown field, a wrong type, or a
    /// scalar the API server would read as another type throws.
    /// </summary>
    public static Manifest ParseObject(YamlMappingNode yaml)
    {
        var id = Kustomize.Id(yaml);
        var text = Serialize(yaml);
        List<object> parsed;
        try
        {
            parsed = KubernetesYaml.LoadAllFromString(text, typeMap: null, strict: true);
        }
        catch (KeyNotFoundException)
        {
            throw new Xunit.Sdk.XunitException($"{id}: no KubernetesClient model for this apiVersion and kind");
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new Xunit.Sdk.XunitException($"{id}: {e.Message} {e.InnerException?.Message}\n{text}");
        }
        if (parsed is not [IKubernetesObject<V1ObjectMeta> model])
            throw new Xunit.Sdk.XunitException($"{id}: not one Kubernetes object with metadata");
        var errors = ScalarTypes.Check(yaml, model.GetType());
        if (errors.Count > 0)
            throw new Xunit.Sdk.XunitException($"{id}:\n  {string.Join("\n  ", errors)}");
        return new Manifest(yaml, model);
    }

    public static string Serialize(YamlNode node)
    {
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>The node as text with every mapping's keys in order, to compare two objects' contents.</summary>
    public static string Canonical(YamlNode node) => node switch
    {
        YamlMappingNode m => "{" + string.Join(",", m.Children
            .Select(c => (Key: ((YamlScalarNode)c.Key).Value, c.Value))
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => $"{c.Key}:{Canonical(c.Value)}")) + "}",
        YamlSequenceNode s => "[" + string.Join(",", s.Children.Select(Canonical)) + "]",
        YamlScalarNode s => System.Text.Json.JsonSerializer.Serialize((s.Style == YamlDotNet.Core.ScalarStyle.Plain ? "plain:" : "str:") + s.Value),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KpuOrleans.sln")))
                return dir.FullName;
        throw new InvalidOperationException("KpuOrleans.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Kubernetes label selectors, as the controllers evaluate them.</summary>
public static class Selectors
{
    public static bool Matches(V1LabelSelector selector, IDictionary<string, string>? labels)
    {
        labels ??= new Dictionary<string, string>();
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
            if (!labels.TryGetValue(key, out var actual) || actual != value)
                return false;
        foreach (var e in selector.MatchExpressions ?? [])
        {
            var has = labels.TryGetValue(e.Key, out var actual);
            var ok = e.OperatorProperty switch
            {
                "In" => has && (e.Values ?? []).Contains(actual),
                "NotIn" => !has || !(e.Values ?? []).Contains(actual),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => throw new Xunit.Sdk.XunitException($"unknown selector operator {e.OperatorProperty}"),
            };
            if (!ok)
                return false;
        }
        return true;
    }

    /// <summary>A Service's selector: a plain map, every pair must match.</summary>
    public static bool Matches(IDictionary<string, string> selector, IDictionary<string, string>? labels) =>
        selector.All(p => labels is not null && labels.TryGetValue(p.Key, out var v) && v == p.Value);
}
