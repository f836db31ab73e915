using KpuOrleans.TestKit;
using YamlDotNet.RepresentationModel;

namespace KpuOrleans.Integration.Tests.Processes;

/// <summary>
/// The environment k8s/ gives the silo and gateway containers, for running the same processes on loopback: the
/// ConfigMap as it is; the per-pod values (POD_NAME, POD_IP, ports, the database) are the local cluster's own.
/// </summary>
public static class Manifests
{
    /// <summary>What <see cref="LocalCluster"/> gives each process itself, in place of the downward API and the Secret.</summary>
    private static readonly string[] SetPerProcess = ["POD_NAME", "POD_IP", "ConnectionStrings__Kpu", "Auth__SigningKey"];

    public static IReadOnlyDictionary<string, string?> ProcessEnvironment()
    {
        var objects = Kustomize.Build(Path.Combine(Repository.Root, "k8s", "overlays", "dev"));
        var config = objects.Single(o => Kustomize.Kind(o) == "ConfigMap" && Kustomize.Name(o) == "kpu-config");
        var environment = ((YamlMappingNode)Kustomize.Child(config, "data")!).Children
            .ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value);
        // No object store runs beside these processes and they upload no photos: their gateways keep photos in memory.
        foreach (var key in environment.Keys.Where(k => k.StartsWith("Photos__", StringComparison.Ordinal)).ToList()) environment.Remove(key);

        // Nothing the manifests give a silo or gateway may be missing here, or the rehearsal would run something else.
        foreach (var workload in new[] { "kpu-silo", "kpu-gateway" })
        {
            var deployment = objects.Single(o => Kustomize.Kind(o) == "Deployment" && Kustomize.Name(o) == workload);
            var containers = (YamlSequenceNode)Kustomize.Child(Kustomize.Child(Kustomize.Child(Kustomize.Child(deployment, "spec"), "template"), "spec"), "containers")!;
            foreach (var container in containers.Cast<YamlMappingNode>())
            {
                var names = Kustomize.Child(container, "env") is YamlSequenceNode env
                    ? env.Cast<YamlMappingNode>().Select(e => ((YamlScalarNode)Kustomize.Child(e, "name")!).Value!)
                    : [];
                var missing = names.Where(n => !environment.ContainsKey(n) && !SetPerProcess.Contains(n) && !n.StartsWith("Photos__", StringComparison.Ordinal)).ToList();
                if (missing.Count > 0) throw new InvalidOperationException($"{workload} sets {string.Join(", ", missing)}, which the local cluster does not");
            }
        }
        return environment;
    }
}
