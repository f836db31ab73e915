using YamlDotNet.RepresentationModel;

namespace KpuOrleans.TestKit;

/// <summary>
/// The part of kustomize that <c>k8s/</c> uses, so that the tests see what <c>kubectl apply -k</c> would apply
/// without needing kubectl: <c>resources</c> (files, and directories holding a kustomization, recursively),
/// <c>namespace</c>, <c>images</c> (<c>newName</c>, <c>newTag</c>) and <c>patches</c> that add keys to a ConfigMap's
/// <c>data</c> (a strategic merge patch file naming the ConfigMap). Anything else in a kustomization, and any
/// kind whose treatment by kustomize it does not know, is an error rather than something rendered differently
/// from kubectl: extend this class before using a new feature in <c>k8s/</c>.
/// </summary>
public static class Kustomize
{
    static readonly string[] KustomizationFileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

    static readonly HashSet<string> ImplementedFields = ["apiVersion", "kind", "resources", "namespace", "images", "patches"];

    /// <summary>
    /// The kinds this renderer knows, and whether they live in a namespace (then <c>namespace</c> applies to them).
    /// None of them has a field that kustomize's namespace or image transformers change other than
    /// metadata.namespace and the containers of a pod template (unlike, say, a RoleBinding's subjects).
    /// </summary>
    static readonly Dictionary<string, bool> NamespacedKinds = new()
    {
        ["Namespace"] = false,
        ["ServiceAccount"] = true,
        ["ConfigMap"] = true,
        ["Secret"] = true,
        ["Service"] = true,
        ["Deployment"] = true,
        ["StatefulSet"] = true,
        ["Job"] = true,
        ["PodDisruptionBudget"] = true,
        ["HorizontalPodAutoscaler"] = true,
        ["Ingress"] = true,
        ["NetworkPolicy"] = true,
    };

    /// <summary>Kinds whose spec.template is a pod template (the containers the images transformer changes).</summary>
    static readonly HashSet<string> PodTemplateKinds = ["Deployment", "StatefulSet", "Job"];

    /// <summary>Renders the kustomization in <paramref name="directory"/>: every object, as a YAML mapping.</summary>
    public static IReadOnlyList<YamlMappingNode> Build(string directory)
    {
        var objects = BuildDirectory(Path.GetFullPath(directory), []);
        var seen = new HashSet<string>();
        foreach (var o in objects)
            if (!seen.Add(Id(o)))
                throw new KustomizeException($"{directory}: {Id(o)} is defined more than once");
        return objects;
    }

    static List<YamlMappingNode> BuildDirectory(string directory, HashSet<string> visiting)
    {
        if (!visiting.Add(directory))
            throw new KustomizeException($"{directory}: a kustomization includes itself");
        try
        {
            var files = KustomizationFileNames.Select(n => Path.Combine(directory, n)).Where(File.Exists).ToList();
            if (files.Count != 1)
                throw new KustomizeException(files.Count == 0
                    ? $"{directory}: no kustomization file"
                    : $"{directory}: more than one kustomization file");
            var kustomization = LoadSingleMapping(files[0]);
            foreach (var key in kustomization.Children.Keys)
                if (!ImplementedFields.Contains(ScalarText(key, files[0])))
                    throw new KustomizeException(
                        $"{files[0]}: '{ScalarText(key, files[0])}' is not implemented by this renderer (tests/Deployment.Tests/Kustomize.cs)");
            ExpectOptional(kustomization, "apiVersion", "kustomize.config.k8s.io/v1beta1", files[0]);
            ExpectOptional(kustomization, "kind", "Kustomization", files[0]);

            var objects = new List<YamlMappingNode>();
            foreach (var entry in Sequence(kustomization, "resources", files[0]))
            {
                var resource = ScalarText(entry, files[0]);
                if (resource.Contains("://", StringComparison.Ordinal) || resource.StartsWith("github.com/", StringComparison.Ordinal))
                    throw new KustomizeException($"{files[0]}: remote resource '{resource}' is not implemented");
                var path = Path.GetFullPath(Path.Combine(directory, resource));
                if (Directory.Exists(path))
                    objects.AddRange(BuildDirectory(path, visiting));
                else if (File.Exists(path))
                {
                    // kustomize's default load restrictor: a file must be in or below the kustomization's folder.
                    if (!path.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                        throw new KustomizeException($"{files[0]}: '{resource}' is outside the kustomization's folder");
                    objects.AddRange(LoadObjects(path));
                }
                else
                    throw new KustomizeException($"{files[0]}: resource '{resource}' does not exist");
            }

            foreach (var o in objects)
                if (!NamespacedKinds.ContainsKey(Kind(o)))
                    throw new KustomizeException(
                        $"{Id(o)}: kind '{Kind(o)}' is not known to this renderer (tests/Deployment.Tests/Kustomize.cs)");

            foreach (var patch in Sequence(kustomization, "patches", files[0]))
                ApplyConfigMapPatch(objects, patch, directory, files[0]);
            if (kustomization.Children.TryGetValue(new YamlScalarNode("namespace"), out var ns))
                ApplyNamespace(objects, ScalarText(ns, files[0]), files[0]);
            foreach (var image in Sequence(kustomization, "images", files[0]))
                ApplyImage(objects, image as YamlMappingNode
                    ?? throw new KustomizeException($"{files[0]}: an images entry must be a mapping"), files[0]);
            return objects;
        }
        finally
        {
            visiting.Remove(directory);
        }
    }

    static void ApplyNamespace(List<YamlMappingNode> objects, string ns, string file)
    {
        foreach (var o in objects)
        {
            var metadata = (YamlMappingNode)o.Children[new YamlScalarNode("metadata")];
            if (NamespacedKinds[Kind(o)])
                metadata.Children[new YamlScalarNode("namespace")] = new YamlScalarNode(ns);
            else if (Kind(o) == "Namespace" && Name(o) != ns)
                // kustomize renames a Namespace object to the kustomization's namespace; not implemented here.
                throw new KustomizeException($"{file}: Namespace '{Name(o)}' differs from namespace '{ns}'");
        }
    }

    /// <summary>A patch file holding one ConfigMap of the same name: its data keys are added (or replace the target's).</summary>
    static void ApplyConfigMapPatch(List<YamlMappingNode> objects, YamlNode entry, string directory, string file)
    {
        if (entry is not YamlMappingNode mapping || mapping.Children.Count != 1 || Child(mapping, "path") is not YamlScalarNode { Value: { Length: > 0 } relative })
            throw new KustomizeException($"{file}: only patches of the form '- path: FILE' are implemented by this renderer");
        var path = Path.GetFullPath(Path.Combine(directory, relative));
        if (!path.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(path))
            throw new KustomizeException($"{file}: patch '{relative}' does not exist in the kustomization's folder");
        if (LoadObjects(path) is not [var patch] || Kind(patch) != "ConfigMap"
            || patch.Children.Keys.Select(k => ScalarText(k, path)).Except(["apiVersion", "kind", "metadata", "data"]).Any()
            || Child(patch, "metadata") is not YamlMappingNode { Children.Count: 1 }
            || Child(patch, "data") is not YamlMappingNode data)
            throw new KustomizeException($"{path}: only a patch adding data to one ConfigMap (apiVersion, kind, metadata.name, data) is implemented by this renderer");
        var target = objects.Where(o => Kind(o) == "ConfigMap" && Name(o) == Name(patch)).ToList() is [var only] ? only
            : throw new KustomizeException($"{path}: no single ConfigMap {Name(patch)} to patch");
        if (Child(target, "data") is not YamlMappingNode targetData)
            target.Children[new YamlScalarNode("data")] = targetData = new YamlMappingNode();
        foreach (var (key, value) in data.Children)
            targetData.Children[key] = value;
    }

    static void ApplyImage(List<YamlMappingNode> objects, YamlMappingNode entry, string file)
    {
        string? name = null, newName = null, newTag = null;
        foreach (var (keyNode, valueNode) in entry.Children)
        {
            var key = ScalarText(keyNode, file);
            if (valueNode is not YamlScalarNode scalar || !ScalarTypes.IsString(scalar))
                throw new KustomizeException($"{file}: images.{key} must be a string (quote it)");
            switch (key)
            {
                case "name": name = scalar.Value; break;
                case "newName": newName = scalar.Value; break;
                case "newTag": newTag = scalar.Value; break;
                default: throw new KustomizeException($"{file}: images.{key} is not implemented by this renderer");
            }
        }
        if (string.IsNullOrEmpty(name) || (newName is null && newTag is null))
            throw new KustomizeException($"{file}: an images entry needs a name and newName or newTag");

        foreach (var o in objects.Where(o => PodTemplateKinds.Contains(Kind(o))))
        {
            if (Child(Child(Child(o, "spec"), "template"), "spec") is not YamlMappingNode podSpec)
                continue;
            foreach (var listName in new[] { "containers", "initContainers" })
            {
                if (Child(podSpec, listName) is not YamlSequenceNode containers)
                    continue;
                foreach (var container in containers.OfType<YamlMappingNode>())
                {
                    if (Child(container, "image") is not YamlScalarNode imageNode || imageNode.Value is not { } image)
                        continue;
                    if (image.Contains('@', StringComparison.Ordinal))
                        throw new KustomizeException($"{Id(o)}: image digests are not implemented by this renderer");
                    var lastSlash = image.LastIndexOf('/');
                    var colon = image.IndexOf(':', lastSlash + 1);
                    var (imageName, tag) = colon < 0 ? (image, null) : (image[..colon], image[(colon + 1)..]);
                    if (imageName != name)
                        continue;
                    var result = (newName ?? imageName) + ((newTag ?? tag) is { } t ? ":" + t : "");
                    container.Children[new YamlScalarNode("image")] = new YamlScalarNode(result);
                }
            }
        }
    }

    /// <summary>Every document of a YAML file, each of which must be one Kubernetes object.</summary>
    public static List<YamlMappingNode> LoadObjects(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(file))
            stream.Load(reader);
        var objects = new List<YamlMappingNode>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlScalarNode { Value: null or "" })
                continue; // an empty document (e.g. only comments)
            if (document.AllNodes.Any(n => !n.Anchor.IsEmpty))
                throw new KustomizeException($"{file}: YAML anchors and aliases are not implemented by this renderer");
            if (document.RootNode is not YamlMappingNode o)
                throw new KustomizeException($"{file}: a document is not a mapping");
            if (Child(o, "apiVersion") is not YamlScalarNode { Value: { Length: > 0 } }
                || Child(o, "kind") is not YamlScalarNode { Value: { Length: > 0 } }
                || Child(Child(o, "metadata"), "name") is not YamlScalarNode { Value: { Length: > 0 } })
                throw new KustomizeException($"{file}: every object needs apiVersion, kind and metadata.name");
            if (Kind(o) == "List" || Kind(o).EndsWith("List", StringComparison.Ordinal))
                throw new KustomizeException($"{file}: List objects are not implemented by this renderer");
            objects.Add(o);
        }
        return objects;
    }

    static YamlMappingNode LoadSingleMapping(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(file))
            stream.Load(reader);
        return stream.Documents is [{ RootNode: YamlMappingNode m }]
            ? m
            : throw new KustomizeException($"{file}: expected one YAML mapping");
    }

    static IEnumerable<YamlNode> Sequence(YamlMappingNode node, string key, string file) =>
        Child(node, key) switch
        {
            null => [],
            YamlSequenceNode s => s.Children,
            _ => throw new KustomizeException($"{file}: '{key}' must be a list"),
        };

    static void ExpectOptional(YamlMappingNode node, string key, string expected, string file)
    {
        if (Child(node, key) is { } value && ScalarText(value, file) != expected)
            throw new KustomizeException($"{file}: {key} must be {expected}");
    }

    static string ScalarText(YamlNode node, string file) =>
        node is YamlScalarNode { Value: { } v } ? v : throw new KustomizeException($"{file}: expected a scalar at {node.Start}");

    public static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    public static string Kind(YamlMappingNode o) => ((YamlScalarNode)o.Children[new YamlScalarNode("kind")]).Value!;

    public static string Name(YamlMappingNode o) => ((YamlScalarNode)Child(Child(o, "metadata"), "name")!).Value!;

    public static string? Namespace(YamlMappingNode o) => (Child(Child(o, "metadata"), "namespace") as YamlScalarNode)?.Value;

    /// <summary>kustomize's identity of an object: group, kind, namespace, name.</summary>
    public static string Id(YamlMappingNode o)
    {
        var apiVersion = ((YamlScalarNode)o.Children[new YamlScalarNode("apiVersion")]).Value!;
        var group = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)] : "";
        return $"{(group.Length > 0 ? group + "/" : "")}{Kind(o)}/{Namespace(o) ?? "~"}/{Name(o)}";
    }
}

public sealed class KustomizeException(string message) : Exception(message);
