using k8s.Models;
using KpuOrleans.Gateway.Auth;
using KpuOrleans.Gateway.Protection;

namespace KpuOrleans.Deployment.Tests;

/// <summary>The objects of k8s/ fit together, and fit the apps they run.</summary>
public class CrossReferenceTests
{
    public static TheoryData<string> Renders => new() { Manifests.Base, Manifests.Dev };

    [Theory]
    [MemberData(nameof(Renders))]
    public void Workload_selectors_match_their_pod_template_labels(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        foreach (var pod in rendered.Pods)
        {
            var selector = pod.Owner.Model switch
            {
                V1Deployment d => d.Spec.Selector,
                V1StatefulSet s => s.Spec.Selector,
                _ => null, // a Job generates its own selector
            };
            if (selector is not null)
                Assert.True(selector.MatchLabels is { Count: > 0 } && Selectors.Matches(selector, pod.Labels),
                    $"{pod.Owner}: the selector does not select the pod template's labels");
        }
        // No workload's selector takes another's pods.
        foreach (var d in rendered.All<V1Deployment>())
            Assert.Single(rendered.Pods, p => Selectors.Matches(d.Spec.Selector, p.Labels));
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void Labels_name_the_app_and_the_component(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        foreach (var o in rendered.Objects)
            Assert.True(o.Model.Metadata.Labels?.TryGetValue(Names.NameLabel, out var name) == true && name == Names.AppName,
                $"{o}: needs {Names.NameLabel}: {Names.AppName}");
        foreach (var pod in rendered.Pods)
        {
            Assert.Equal(Names.AppName, pod.Labels[Names.NameLabel]);
            Assert.Contains(pod.Component, Names.Components);
            Assert.Equal(pod.Component, pod.Owner.Model.Metadata.Labels[Names.ComponentLabel]);
        }
        Assert.Equal("silo", rendered.PodsOf(Names.Silo).Component);
        Assert.Equal("gateway", rendered.PodsOf(Names.Gateway).Component);
        Assert.Equal("migrate", rendered.PodsOf(Names.Migrate).Component);
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void Services_select_pods_that_declare_their_target_ports(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        foreach (var service in rendered.All<V1Service>())
        {
            Assert.True(service.Spec.Selector is { Count: > 0 }, $"Service/{service.Metadata.Name}: no selector");
            var pods = rendered.Pods.Where(p => Selectors.Matches(service.Spec.Selector, p.Labels)).ToList();
            Assert.True(pods.Count > 0, $"Service/{service.Metadata.Name}: selects no pods");
            foreach (var port in service.Spec.Ports)
                foreach (var pod in pods)
                    Assert.True(pod.Port(port.TargetPort ?? (IntOrString)port.Port) is { } target && (target.Protocol ?? "TCP") == (port.Protocol ?? "TCP"),
                        $"Service/{service.Metadata.Name}: targetPort {port.TargetPort} is not a port of {pod}");
        }
        Assert.Equal(80, rendered.Get<V1Service>(Names.Gateway).Spec.Ports.Single().Port);
        foreach (var s in rendered.All<V1StatefulSet>())
            Assert.Contains(rendered.All<V1Service>(), svc => svc.Metadata.Name == s.Spec.ServiceName
                && Selectors.Matches(svc.Spec.Selector, s.Spec.Template.Metadata.Labels));
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void Disruption_budgets_and_autoscalers_point_at_the_Deployments(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        foreach (var pdb in rendered.All<V1PodDisruptionBudget>())
            Assert.True(rendered.All<V1Deployment>().Count(d => Selectors.Matches(pdb.Spec.Selector, d.Spec.Template.Metadata.Labels)) == 1
                && rendered.Pods.Count(p => Selectors.Matches(pdb.Spec.Selector, p.Labels)) == 1,
                $"PodDisruptionBudget/{pdb.Metadata.Name}: must select the pods of exactly one Deployment");
        var siloBudget = rendered.All<V1PodDisruptionBudget>().Single(p => Selectors.Matches(p.Spec.Selector, rendered.PodsOf(Names.Silo).Labels));
        Assert.Equal("1", siloBudget.Spec.MaxUnavailable?.Value);

        foreach (var hpa in rendered.All<V2HorizontalPodAutoscaler>())
        {
            var target = hpa.Spec.ScaleTargetRef;
            Assert.True(target is { ApiVersion: "apps/v1", Kind: "Deployment" } && rendered.All<V1Deployment>().Any(d => d.Metadata.Name == target.Name),
                $"HorizontalPodAutoscaler/{hpa.Metadata.Name}: targets {target.ApiVersion} {target.Kind}/{target.Name}, not a Deployment here");
            var cpu = Assert.Single(hpa.Spec.Metrics);
            Assert.Equal(("Resource", "cpu", "Utilization", 70), (cpu.Type, cpu.Resource.Name, cpu.Resource.Target.Type, cpu.Resource.Target.AverageUtilization));
            // Utilization is a share of the request: every container of the target needs a CPU request.
            var pods = rendered.PodsOf(target.Name);
            Assert.All(pods.Spec.Containers, c => Assert.True(c.Resources?.Requests?.ContainsKey("cpu") == true, $"{pods}: {c.Name} has no CPU request"));
            var down = hpa.Spec.Behavior.ScaleDown;
            Assert.True(down.StabilizationWindowSeconds >= 300, $"HorizontalPodAutoscaler/{hpa.Metadata.Name}: scales down in a rush");
            Assert.Equal(("Pods", 1, 60), (down.Policies.Single().Type, down.Policies.Single().Value, down.Policies.Single().PeriodSeconds));
        }
        var silo = rendered.All<V2HorizontalPodAutoscaler>().Single(h => h.Spec.ScaleTargetRef.Name == Names.Silo);
        var gateway = rendered.All<V2HorizontalPodAutoscaler>().Single(h => h.Spec.ScaleTargetRef.Name == Names.Gateway);
        Assert.Equal((3, 12), (silo.Spec.MinReplicas, silo.Spec.MaxReplicas));
        Assert.Equal((2, 8), (gateway.Spec.MinReplicas, gateway.Spec.MaxReplicas));
        Assert.Equal(3, rendered.Get<V1Deployment>(Names.Silo).Spec.Replicas);
        Assert.Equal(2, rendered.Get<V1Deployment>(Names.Gateway).Spec.Replicas);
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void Ingress_backends_are_ports_of_existing_Services(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        var ingresses = rendered.All<V1Ingress>().ToList();
        Assert.NotEmpty(ingresses);
        foreach (var ingress in ingresses)
        {
            Assert.Equal("nginx", ingress.Spec.IngressClassName);
            foreach (var path in ingress.Spec.Rules.SelectMany(r => r.Http.Paths))
            {
                var backend = path.Backend.Service;
                var service = rendered.All<V1Service>().SingleOrDefault(s => s.Metadata.Name == backend.Name);
                Assert.True(service is not null && service.Spec.Ports.Any(p => p.Port == backend.Port.Number || (p.Name is not null && p.Name == backend.Port.Name)),
                    $"Ingress/{ingress.Metadata.Name}: {path.Path} goes to {backend.Name}:{backend.Port.Number}{backend.Port.Name}, which does not exist");
            }
        }
        // The public one carries SignalR: long-lived connections and sticky sessions.
        var annotations = rendered.Get<V1Ingress>(Names.Gateway).Metadata.Annotations;
        Assert.Equal("3600", annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]);
        Assert.Equal("3600", annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"]);
        Assert.Equal("cookie", annotations["nginx.ingress.kubernetes.io/affinity"]);
    }

    /// <summary>
    /// The management port (metrics, dashboard, detailed health) is reached from inside the cluster only: no Service
    /// port leads to it, so no Ingress or LoadBalancer can, and no Ingress path names an operator path.
    /// </summary>
    [Theory]
    [MemberData(nameof(Renders))]
    public void No_Service_or_Ingress_leads_to_the_management_port(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        foreach (var service in rendered.All<V1Service>())
        {
            var pods = rendered.Pods.Where(p => service.Spec.Selector is { } selector && selector.All(l => p.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
            foreach (var port in service.Spec.Ports)
            {
                var target = port.TargetPort ?? (IntOrString)port.Port.ToString();
                foreach (var pod in pods.Where(p => p.IsApp))
                {
                    var declared = pod.Port(target);
                    Assert.True(declared is not null, $"Service/{service.Metadata.Name}: port {port.Port} targets {target.Value}, which {pod} does not declare");
                    Assert.True(declared.ContainerPort != AppFacts.ManagementPort && declared.Name != "management",
                        $"Service/{service.Metadata.Name}: port {port.Port} leads to the management port of {pod}");
                }
            }
        }
        foreach (var ingress in rendered.All<V1Ingress>())
            foreach (var path in ingress.Spec.Rules.SelectMany(r => r.Http.Paths))
            {
                var operatorPath = new[] { AppFacts.MetricsPath, "/ops", AppFacts.ReadyPath }
                    .Any(p => path.Path.StartsWith(p, StringComparison.OrdinalIgnoreCase));
                Assert.False(operatorPath, $"Ingress/{ingress.Metadata.Name}: {path.Path} routes an operator path to the public");
            }
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void Probes_ask_the_health_endpoints_on_a_declared_port(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        foreach (var pod in rendered.AppPods.Where(p => p.Component != "migrate"))
        {
            var container = Assert.Single(pod.Spec.Containers);
            foreach (var (probe, path) in new[] { (container.LivenessProbe, AppFacts.LivePath), (container.ReadinessProbe, AppFacts.ReadyPath), (container.StartupProbe, AppFacts.ReadyPath) })
            {
                Assert.True(probe?.HttpGet is not null, $"{pod}: a probe is missing or not an HTTP GET");
                Assert.Equal(path, probe.HttpGet.Path);
                Assert.Equal(AppFacts.ManagementPort, pod.Port(probe.HttpGet.Port)?.ContainerPort);
            }
            // Generous for the first start (schema, cluster join): at least two minutes.
            var startup = container.StartupProbe;
            Assert.True((startup.PeriodSeconds ?? 10) * (startup.FailureThreshold ?? 3) >= 120, $"{pod}: the startup probe gives up too early");
        }
        // Other pods' probes (PostgreSQL's) name declared ports if they use any.
        foreach (var pod in rendered.Pods)
            foreach (var c in pod.Spec.Containers)
                foreach (var probe in new[] { c.LivenessProbe, c.ReadinessProbe, c.StartupProbe })
                    if ((probe?.HttpGet?.Port ?? probe?.TcpSocket?.Port) is { } port)
                        Assert.True(pod.Port(port) is not null, $"{pod}: probe port {port} is not declared");
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void Silo_ports_are_the_configured_Orleans_ports(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        var config = rendered.Get<V1ConfigMap>(Names.Config).Data;
        var silo = rendered.PodsOf(Names.Silo);
        var ports = Assert.Single(silo.Spec.Containers).Ports.ToDictionary(p => p.Name, p => p.ContainerPort);
        Assert.Equal(config[AppFacts.SiloPortKey], ports["silo"].ToString());
        Assert.Equal(config[AppFacts.GatewayPortKey], ports["orleans-gw"].ToString());
        Assert.Equal(AppFacts.SiloPort, ports["silo"]);
        Assert.Equal(AppFacts.GatewayPort, ports["orleans-gw"]);
        Assert.Equal(AppFacts.ManagementPort, ports["management"]);
        Assert.False(ports.ContainsKey("http"), "a silo serves no public HTTP");
        Assert.Equal($"http://+:{AppFacts.HttpPort}", config["ASPNETCORE_URLS"]);
        Assert.Equal($"http://+:{AppFacts.ManagementPort}", config[AppFacts.ManagementUrlsKey]);
        var gatewayPorts = Assert.Single(rendered.PodsOf(Names.Gateway).Spec.Containers).Ports.ToDictionary(p => p.Name, p => p.ContainerPort);
        Assert.Equal(new Dictionary<string, int> { ["http"] = AppFacts.HttpPort, ["management"] = AppFacts.ManagementPort }, gatewayPorts);
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void App_containers_get_only_the_keys_the_apps_read(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        foreach (var pod in rendered.AppPods)
            foreach (var c in pod.AllContainers)
            {
                var keys = (c.Env ?? []).Select(e => e.Name).ToList();
                foreach (var source in c.EnvFrom ?? [])
                {
                    Assert.True(source.Prefix is null, $"{pod}: envFrom with a prefix");
                    if (source.ConfigMapRef is { } cm)
                        keys.AddRange(rendered.All<V1ConfigMap>().SingleOrDefault(m => m.Metadata.Name == cm.Name)?.Data?.Keys ?? []);
                    if (source.SecretRef is { } s)
                        keys.AddRange(rendered.All<V1Secret>().SingleOrDefault(m => m.Metadata.Name == s.Name)?.StringData?.Keys ?? []);
                }
                Assert.All(keys, k => Assert.True(AppFacts.EnvironmentKeys.Contains(k), $"{pod}: {c.Name} gets {k}, which the apps do not read"));
                Assert.Contains(AppFacts.ConnectionStringKey, keys);
                Assert.Contains("Orleans__ClusterId", keys);
                Assert.Contains("Logging__Console__FormatterName", keys);
                Assert.False(pod.Spec.EnableServiceLinks ?? true, $"{pod}: service links would add environment variables the apps do not read");
            }

        var silo = Assert.Single(rendered.PodsOf(Names.Silo).Spec.Containers);
        Assert.Equal("metadata.name", silo.Env.Single(e => e.Name == AppFacts.PodNameKey).ValueFrom.FieldRef.FieldPath);
        Assert.Equal("status.podIP", silo.Env.Single(e => e.Name == AppFacts.PodIpKey).ValueFrom.FieldRef.FieldPath);
        Assert.Equal("json", rendered.Get<V1ConfigMap>(Names.Config).Data["Logging__Console__FormatterName"]);
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void Config_and_secret_references_resolve(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        var isBase = kustomization == Manifests.Base;
        var configMaps = rendered.All<V1ConfigMap>().ToDictionary(m => m.Metadata.Name, m => m.Data?.Keys.ToHashSet() ?? []);
        var secrets = rendered.All<V1Secret>().ToDictionary(s => s.Metadata.Name, s => (s.StringData?.Keys ?? []).Concat(s.Data?.Keys ?? []).ToHashSet());
        if (isBase)
            foreach (var (name, keys) in Names.OutOfBandSecrets)
                secrets.TryAdd(name, [.. keys]);

        foreach (var pod in rendered.Pods)
            foreach (var c in pod.AllContainers)
            {
                foreach (var e in c.Env ?? [])
                {
                    if (e.ValueFrom?.ConfigMapKeyRef is { } cm)
                        Assert.True(configMaps.TryGetValue(cm.Name, out var keys) && keys.Contains(cm.Key), $"{pod}: {e.Name} from ConfigMap {cm.Name} key {cm.Key}, which does not exist");
                    if (e.ValueFrom?.SecretKeyRef is { } s)
                        Assert.True(secrets.TryGetValue(s.Name, out var keys) && keys.Contains(s.Key), $"{pod}: {e.Name} from Secret {s.Name} key {s.Key}, which does not exist");
                }
                foreach (var source in c.EnvFrom ?? [])
                {
                    if (source.ConfigMapRef is { } cm)
                        Assert.True(configMaps.ContainsKey(cm.Name), $"{pod}: envFrom ConfigMap {cm.Name}, which does not exist");
                    if (source.SecretRef is { } s)
                        Assert.True(secrets.ContainsKey(s.Name), $"{pod}: envFrom Secret {s.Name}, which does not exist");
                }
            }
        foreach (var pod in rendered.Pods)
            foreach (var v in pod.Spec.Volumes ?? [])
            {
                if (v.ConfigMap is { } cm)
                    Assert.True(configMaps.ContainsKey(cm.Name), $"{pod}: volume from ConfigMap {cm.Name}, which does not exist");
                if (v.Secret is { } s)
                    Assert.True(secrets.ContainsKey(s.SecretName), $"{pod}: volume from Secret {s.SecretName}, which does not exist");
            }
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void Pods_run_as_a_service_account_without_a_token(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        foreach (var pod in rendered.Pods)
        {
            var account = rendered.All<V1ServiceAccount>().SingleOrDefault(a => a.Metadata.Name == pod.Spec.ServiceAccountName);
            Assert.True(account is not null, $"{pod}: service account '{pod.Spec.ServiceAccountName}' does not exist");
            Assert.False(account.AutomountServiceAccountToken ?? true, $"ServiceAccount/{account.Metadata.Name} mounts a token");
            Assert.False(pod.Spec.AutomountServiceAccountToken ?? false, $"{pod}: mounts a token");
        }
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void Network_policies_select_existing_pods_and_ports(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        foreach (var policy in rendered.All<V1NetworkPolicy>())
        {
            var name = $"NetworkPolicy/{policy.Metadata.Name}";
            var targets = rendered.Pods.Where(p => Selectors.Matches(policy.Spec.PodSelector, p.Labels)).ToList();
            Assert.True(targets.Count > 0, $"{name}: selects no pods");
            Assert.Equal(["Ingress"], policy.Spec.PolicyTypes);
            foreach (var rule in policy.Spec.Ingress ?? [])
            {
                foreach (var peer in rule.FromProperty ?? [])
                    Assert.True(peer.PodSelector is not null && peer.NamespaceSelector is null && peer.IpBlock is null
                        && rendered.Pods.Any(p => Selectors.Matches(peer.PodSelector, p.Labels)), $"{name}: a 'from' selects no pods here");
                foreach (var port in rule.Ports ?? [])
                    Assert.All(targets, t => Assert.True(t.Port(port.Port) is not null, $"{name}: port {port.Port} is not a port of {t}"));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void Network_policies_let_through_exactly_what_the_cluster_needs(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        var silo = rendered.PodsOf(Names.Silo);
        var gateway = rendered.PodsOf(Names.Gateway);
        var migrate = rendered.PodsOf(Names.Migrate);
        Pod? outside = null; // the Ingress controller, Prometheus, anything in another namespace

        bool Allowed(Pod? from, Pod to, int port) => NetworkPolicies.Allows(rendered, from, to, port);

        Assert.True(Allowed(silo, silo, AppFacts.SiloPort));
        Assert.True(Allowed(silo, silo, AppFacts.GatewayPort));
        Assert.True(Allowed(gateway, silo, AppFacts.GatewayPort));
        Assert.True(Allowed(gateway, silo, AppFacts.SiloPort));
        Assert.False(Allowed(migrate, silo, AppFacts.GatewayPort));
        Assert.False(Allowed(outside, silo, AppFacts.SiloPort));
        Assert.False(Allowed(outside, silo, AppFacts.GatewayPort));
        Assert.True(Allowed(outside, silo, AppFacts.ManagementPort));
        Assert.False(Allowed(outside, silo, AppFacts.HttpPort));
        Assert.True(Allowed(outside, gateway, AppFacts.HttpPort));
        Assert.True(Allowed(outside, gateway, AppFacts.ManagementPort));
        Assert.False(Allowed(outside, gateway, AppFacts.SiloPort));
        Assert.False(Allowed(outside, migrate, AppFacts.HttpPort));

        if (rendered.Pods.Any(p => p.Owner.Name == Names.Postgres))
        {
            var postgres = rendered.PodsOf(Names.Postgres);
            Assert.True(Allowed(silo, postgres, 5432));
            Assert.True(Allowed(gateway, postgres, 5432));
            Assert.True(Allowed(migrate, postgres, 5432));
            Assert.False(Allowed(outside, postgres, 5432));
        }
        if (rendered.Pods.Any(p => p.Owner.Name == Names.Minio))
        {
            var minio = rendered.PodsOf(Names.Minio);
            Assert.True(Allowed(gateway, minio, 9000));
            Assert.False(Allowed(silo, minio, 9000));
            Assert.False(Allowed(migrate, minio, 9000));
            Assert.False(Allowed(outside, minio, 9000));
        }
    }

    [Fact]
    public void Silos_roll_out_one_at_a_time_without_losing_one()
    {
        var silo = Manifests.Render(Manifests.Base).Get<V1Deployment>(Names.Silo);
        Assert.Equal("RollingUpdate", silo.Spec.Strategy.Type);
        Assert.Equal("0", silo.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
        Assert.Equal("1", silo.Spec.Strategy.RollingUpdate.MaxSurge.Value);
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void App_pods_request_CPU_without_a_CPU_limit_and_cap_memory(string kustomization)
    {
        foreach (var pod in Manifests.Render(kustomization).Pods)
            foreach (var c in pod.AllContainers)
            {
                Assert.True(c.Resources?.Requests?.ContainsKey("cpu") == true, $"{pod}: {c.Name} has no CPU request");
                Assert.False(c.Resources.Limits?.ContainsKey("cpu") == true, $"{pod}: {c.Name} has a CPU limit");
                Assert.True(c.Resources.Requests.TryGetValue("memory", out var request) && c.Resources.Limits?.TryGetValue("memory", out var limit) == true
                    && limit.ToDecimal() >= request.ToDecimal(), $"{pod}: {c.Name} needs a memory request and a limit at least as large");
            }
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void Pods_get_longer_to_stop_than_the_apps_take(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        foreach (var name in new[] { Names.Silo, Names.Gateway })
        {
            var pod = rendered.PodsOf(name);
            var grace = pod.Spec.TerminationGracePeriodSeconds ?? 30;
            // The grace period counts from the start of the preStop hook, before SIGTERM.
            var preStop = pod.Spec.Containers.Max(c => c.Lifecycle?.PreStop?.Sleep?.Seconds ?? 0);
            Assert.True(grace > preStop + Math.Max(AppFacts.HostShutdownTimeoutSeconds, AppFacts.OrleansDeactivationTimeoutSeconds),
                $"{name}: terminationGracePeriodSeconds {grace} is not longer than a {preStop} s preStop plus the apps' shutdown");
        }
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void Every_pod_runs_as_non_root_without_privileges(string kustomization)
    {
        foreach (var pod in Manifests.Render(kustomization).Pods)
        {
            var podContext = pod.Spec.SecurityContext;
            Assert.True(podContext?.SeccompProfile?.Type == "RuntimeDefault", $"{pod}: seccomp profile is not RuntimeDefault");
            if (pod.IsApp)
                Assert.Equal(pod.Component == "gateway" ? AppFacts.GatewayUid : AppFacts.AppUid, podContext.RunAsUser);
            foreach (var c in pod.AllContainers)
            {
                var context = c.SecurityContext;
                Assert.True((context?.RunAsNonRoot ?? podContext.RunAsNonRoot) == true, $"{pod}: {c.Name} may run as root");
                Assert.True((context?.RunAsUser ?? podContext.RunAsUser) is > 0, $"{pod}: {c.Name} runs as user 0 or an unknown user");
                Assert.True(context?.AllowPrivilegeEscalation == false, $"{pod}: {c.Name} allows privilege escalation");
                Assert.True(context.Privileged != true, $"{pod}: {c.Name} is privileged");
                Assert.True(context.Capabilities?.Drop?.Contains("ALL") == true && context.Capabilities.Add is null or { Count: 0 }, $"{pod}: {c.Name} keeps capabilities");
                Assert.True(context.ReadOnlyRootFilesystem == true, $"{pod}: {c.Name} can write its root file system");
                if (pod.IsApp)
                    Assert.True(c.VolumeMounts?.Any(m => m.MountPath == "/tmp" && pod.Spec.Volumes.Single(v => v.Name == m.Name).EmptyDir is not null) == true,
                        $"{pod}: {c.Name} has a read-only root but no emptyDir at /tmp");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void Secrets_hold_only_placeholders(string kustomization)
    {
        foreach (var secret in Manifests.Render(kustomization).All<V1Secret>())
        {
            Assert.True(secret.Data is null, $"Secret/{secret.Metadata.Name}: use stringData, so that a reader sees it is a placeholder");
            Assert.All(secret.StringData ?? new Dictionary<string, string>(), p =>
                Assert.True(Placeholders.IsPlaceholder(p.Key, p.Value), $"Secret/{secret.Metadata.Name}: {p.Key} is not an obvious placeholder"));
        }
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void App_pods_are_scraped_by_Prometheus_on_their_metrics_port(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        foreach (var name in new[] { Names.Silo, Names.Gateway })
        {
            var pod = rendered.PodsOf(name);
            var annotations = new Dictionary<string, string>(pod.Template.Metadata.Annotations ?? new Dictionary<string, string>());
            Assert.Equal("true", annotations.GetValueOrDefault("prometheus.io/scrape"));
            Assert.Equal(AppFacts.MetricsPath, annotations.GetValueOrDefault("prometheus.io/path"));
            Assert.Equal(AppFacts.ManagementPort.ToString(), annotations.GetValueOrDefault("prometheus.io/port"));
            Assert.NotNull(pod.Port((IntOrString)annotations["prometheus.io/port"]));
        }
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void The_migration_Job_runs_the_silo_image_with_migrate(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        var job = rendered.Get<V1Job>(Names.Migrate);
        var container = Assert.Single(job.Spec.Template.Spec.Containers);
        var silo = Assert.Single(rendered.PodsOf(Names.Silo).Spec.Containers);
        Assert.Equal(silo.Image, container.Image);
        Assert.Equal([AppFacts.MigrateArgument], container.Args);
        Assert.Null(container.Command);
        Assert.Equal("OnFailure", job.Spec.Template.Spec.RestartPolicy);
        Assert.True(job.Spec.BackoffLimit is > 0, "the Job needs a backoffLimit");
        Assert.True(job.Spec.TtlSecondsAfterFinished is > 0, "the Job needs a ttlSecondsAfterFinished");
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void App_containers_run_the_published_images(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        string Image(string workload) => Assert.Single(rendered.PodsOf(workload).Spec.Containers).Image;
        Assert.Equal($"{AppFacts.SiloImage}:{AppFacts.ImageTag}", Image(Names.Silo));
        Assert.Equal($"{AppFacts.GatewayImage}:{AppFacts.GatewayImageTag}", Image(Names.Gateway));
        Assert.Equal($"{AppFacts.SiloImage}:{AppFacts.ImageTag}", Image(Names.Migrate));
    }
}

/// <summary>Whether NetworkPolicies admit a connection, as a CNI that enforces them would decide.</summary>
public static class NetworkPolicies
{
    /// <param name="from">the client pod in the namespace, or null for a client outside it</param>
    public static bool Allows(Rendered rendered, Pod? from, Pod to, int port)
    {
        var policies = rendered.All<V1NetworkPolicy>()
            .Where(p => (p.Spec.PolicyTypes ?? ["Ingress"]).Contains("Ingress") && Selectors.Matches(p.Spec.PodSelector, to.Labels))
            .ToList();
        if (policies.Count == 0)
            return true; // not isolated
        return policies.SelectMany(p => p.Spec.Ingress ?? []).Any(rule =>
            (rule.FromProperty is null or { Count: 0 } || (from is not null && rule.FromProperty.Any(peer =>
                peer.NamespaceSelector is null && peer.IpBlock is null && peer.PodSelector is not null && Selectors.Matches(peer.PodSelector, from.Labels))))
            && (rule.Ports is null or { Count: 0 } || rule.Ports.Any(p =>
                (p.Protocol ?? "TCP") == "TCP" && (p.Port is null || to.Port(p.Port)?.ContainerPort == port))));
    }
}

/// <summary>The keys the manifests may give the apps are the ones the README tells operators about.</summary>
public class DocumentedKeysTests
{
    [Fact]
    public void Every_key_the_manifests_may_set_is_in_the_READMEs_configuration_table()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var table = readme[readme.IndexOf("## Configuration", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        // A row such as `Logging__LogLevel__<category>` documents every key with that prefix.
        var documented = System.Text.RegularExpressions.Regex.Matches(table, "`([A-Za-z_]+(?:__[A-Za-z0-9_.]+)*)(__<[a-z]+>)?`")
            .Select(m => (Key: m.Groups[1].Value, IsPrefix: m.Groups[2].Success)).ToList();
        var missing = AppFacts.EnvironmentKeys
            .Where(key => !documented.Any(d => d.IsPrefix ? key.StartsWith(d.Key + "__", StringComparison.Ordinal) : key == d.Key)).ToList();
        Assert.True(missing.Count == 0, $"not in the README's Configuration table: {string.Join(", ", missing)}");

        // And the other way round for the gateway's sections, whose keys the list takes from the gateway's code: a
        // documented key there is one the gateway reads (a misspelt one in a ConfigMap would be silently ignored).
        string[] sections = [WriterAuthOptions.Section, RateLimitOptions.Section, TrustedProxies.Key.Split(':')[0], KpuOrleans.Gateway.Api.Export.ExportOptions.Section,
            KpuOrleans.Gateway.Photos.PhotoOptions.Section];
        var unknown = documented.Where(d => !d.IsPrefix && sections.Any(s => d.Key.StartsWith(s + "__", StringComparison.Ordinal))
            && !AppFacts.EnvironmentKeys.Contains(d.Key)).Select(d => d.Key).ToList();
        Assert.True(unknown.Count == 0, $"the README's Configuration table documents keys the gateway does not read: {string.Join(", ", unknown)}");
    }
}
