using System.Text.RegularExpressions;
using k8s.Models;

namespace KpuOrleans.Deployment.Tests;

/// <summary>Every object of k8s/ is a valid Kubernetes object, read as strictly as the API server would.</summary>
public partial class SchemaTests
{
    public static TheoryData<string> Renders => new() { Manifests.Base, Manifests.Dev };

    [Theory]
    [MemberData(nameof(Renders))]
    public void Every_document_parses_strictly_into_its_Kubernetes_model(string kustomization)
    {
        var rendered = Manifests.Render(kustomization); // throws on the first object that does not parse
        Assert.NotEmpty(rendered.Objects);
        foreach (var o in rendered.Objects)
        {
            Assert.Equal(Kustomize.Kind(o.Yaml), o.Model.Kind);
            var attribute = (KubernetesEntityAttribute)Attribute.GetCustomAttribute(o.Model.GetType(), typeof(KubernetesEntityAttribute))!;
            var apiVersion = string.IsNullOrEmpty(attribute.Group) ? attribute.ApiVersion : $"{attribute.Group}/{attribute.ApiVersion}";
            Assert.Equal(apiVersion, o.Model.ApiVersion);
        }
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void Every_object_has_the_fields_the_API_server_requires(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        var errors = new List<string>();
        void Require(bool ok, Manifest o, string what)
        {
            if (!ok)
                errors.Add($"{o}: {what}");
        }

        foreach (var o in rendered.Objects)
        {
            var meta = o.Model.Metadata;
            var dns1035 = o.Kind is "Service" or "Namespace";
            Require(dns1035 ? Dns1035Label().IsMatch(meta.Name) : Dns1123Subdomain().IsMatch(meta.Name) && meta.Name.Length <= 253,
                o, $"invalid name '{meta.Name}'");
            Require(o.Kind == "Namespace" ? meta.NamespaceProperty is null : meta.NamespaceProperty == Names.Namespace,
                o, $"namespace '{meta.NamespaceProperty}'");
            foreach (var (key, value) in meta.Labels ?? new Dictionary<string, string>())
                Require(LabelKey().IsMatch(key) && LabelValue().IsMatch(value), o, $"invalid label {key}={value}");
            foreach (var key in meta.Annotations?.Keys ?? [])
                Require(LabelKey().IsMatch(key), o, $"invalid annotation key {key}");

            switch (o.Model)
            {
                case V1Deployment d:
                    Require(d.Spec?.Selector is not null && d.Spec.Template?.Spec is not null, o, "needs spec.selector and spec.template");
                    break;
                case V1StatefulSet s:
                    Require(s.Spec?.Selector is not null && s.Spec.Template?.Spec is not null, o, "needs spec.selector and spec.template");
                    foreach (var claim in s.Spec?.VolumeClaimTemplates ?? [])
                        Require(claim.Metadata?.Name is { Length: > 0 } && claim.Spec?.Resources?.Requests?.ContainsKey("storage") == true
                            && claim.Spec.AccessModes is { Count: > 0 }, o, "a volume claim template needs a name, access modes and a storage request");
                    break;
                case V1Job j:
                    Require(j.Spec?.Template?.Spec?.RestartPolicy is "OnFailure" or "Never", o, "a Job's pods need restartPolicy OnFailure or Never");
                    break;
                case V1Service svc:
                    Require(svc.Spec?.Ports is { Count: > 0 }, o, "needs ports");
                    foreach (var p in svc.Spec?.Ports ?? [])
                        Require(p.Port is > 0 and < 65536 && (svc.Spec!.Ports.Count == 1 || p.Name is not null), o, $"port {p.Port}: number, and a name when there are several");
                    break;
                case V1PodDisruptionBudget pdb:
                    Require(pdb.Spec?.Selector is not null && (pdb.Spec.MaxUnavailable is null) != (pdb.Spec.MinAvailable is null),
                        o, "needs a selector and exactly one of maxUnavailable and minAvailable");
                    break;
                case V2HorizontalPodAutoscaler hpa:
                    Require(hpa.Spec?.ScaleTargetRef is { Kind: { Length: > 0 }, Name: { Length: > 0 } } && hpa.Spec.MaxReplicas >= (hpa.Spec.MinReplicas ?? 1),
                        o, "needs a scale target and maxReplicas >= minReplicas");
                    break;
                case V1Ingress ing:
                    foreach (var path in ing.Spec?.Rules?.SelectMany(r => r.Http?.Paths ?? []) ?? [])
                        Require(path.PathType is "Exact" or "Prefix" or "ImplementationSpecific" && path.Path?.StartsWith('/') == true
                            && path.Backend?.Service?.Name is not null, o, $"path {path.Path}: needs pathType, an absolute path and a service backend");
                    break;
                case V1NetworkPolicy np:
                    Require(np.Spec?.PodSelector is not null, o, "needs spec.podSelector");
                    break;
                case V1ConfigMap cm:
                    foreach (var key in cm.Data?.Keys ?? [])
                        Require(ConfigKey().IsMatch(key), o, $"invalid key {key}");
                    break;
                case V1Secret secret:
                    foreach (var key in (secret.StringData?.Keys ?? []).Concat(secret.Data?.Keys ?? []))
                        Require(ConfigKey().IsMatch(key), o, $"invalid key {key}");
                    break;
            }
        }

        foreach (var pod in rendered.Pods)
        {
            var containers = pod.AllContainers.ToList();
            Require(containers.Count > 0 && pod.Spec.Containers.Count > 0, pod.Owner, "needs containers");
            Require(containers.Select(c => c.Name).Distinct().Count() == containers.Count, pod.Owner, "container names must be unique");
            foreach (var c in containers)
            {
                Require(Dns1123Label().IsMatch(c.Name ?? ""), pod.Owner, $"container name '{c.Name}'");
                Require(c.Image is { Length: > 0 } && !c.Image.EndsWith(":latest", StringComparison.Ordinal) && c.Image.Contains(':', StringComparison.Ordinal),
                    pod.Owner, $"container {c.Name}: needs an image with a pinned tag, has '{c.Image}'");
                foreach (var p in c.Ports ?? [])
                    Require(p.ContainerPort is > 0 and < 65536 && (p.Name is null || PortName().IsMatch(p.Name)),
                        pod.Owner, $"container {c.Name}: port {p.Name}/{p.ContainerPort} (names: at most 15 lowercase letters, digits, '-')");
                Require((c.Ports ?? []).Where(p => p.Name is not null).Select(p => p.Name).Distinct().Count() == (c.Ports ?? []).Count(p => p.Name is not null),
                    pod.Owner, $"container {c.Name}: port names must be unique");
                foreach (var e in c.Env ?? [])
                    Require(EnvName().IsMatch(e.Name ?? "") && (e.Value is null || e.ValueFrom is null), pod.Owner, $"container {c.Name}: env {e.Name}");
                foreach (var m in c.VolumeMounts ?? [])
                    Require(pod.Spec.Volumes?.Any(v => v.Name == m.Name) == true
                            || (pod.Owner.Model as V1StatefulSet)?.Spec.VolumeClaimTemplates?.Any(t => t.Metadata.Name == m.Name) == true,
                        pod.Owner, $"container {c.Name}: volume mount {m.Name} has no volume");
            }
        }
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex Dns1035Label();

    // IANA_SVC_NAME: at most 15 characters, lowercase letters and digits, at least one letter, no leading,
    // trailing or double '-'.
    [GeneratedRegex("^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex PortName();

    [GeneratedRegex("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex LabelKey();

    [GeneratedRegex("^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigKey();

    [GeneratedRegex("^[-._a-zA-Z][-._a-zA-Z0-9]*$")]
    private static partial Regex EnvName();
}
