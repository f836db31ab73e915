using k8s.Models;
using KpuOrleans.Gateway.Auth;
using KpuOrleans.Gateway.Protection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace KpuOrleans.Deployment.Tests;

/// <summary>
/// What k8s/ gives the gateways to decide who may write and who a client is: the key that signs writers' tokens (a
/// Secret, gateways only) and the reverse proxies they believe (the ConfigMap).
/// </summary>
public class GatewayAccessTests
{
    public static TheoryData<string> Renders => new() { Manifests.Base, Manifests.Dev };

    [Theory]
    [MemberData(nameof(Renders))]
    public void The_signing_key_comes_from_a_Secret_and_only_to_the_gateways(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);

        // The gateway names it, from the Secret kpu-auth, optional (production may use an OpenID Connect issuer).
        var gateway = Assert.Single(rendered.PodsOf(Names.Gateway).Spec.Containers);
        var key = Assert.Single(gateway.Env, e => e.Name == AppFacts.SigningKeyKey);
        Assert.Null(key.Value);
        var reference = key.ValueFrom?.SecretKeyRef;
        Assert.True(reference is not null, $"{AppFacts.SigningKeyKey} must come from a Secret");
        Assert.Equal((Names.AuthSecret, AppFacts.SigningKeyKey, true), (reference.Name, reference.Key, reference.Optional));

        // Never from a ConfigMap, which anyone who may read the namespace's settings can read.
        foreach (var map in rendered.All<V1ConfigMap>())
            Assert.False(map.Data?.Keys.Any(IsSecretKey) == true, $"ConfigMap/{map.Metadata.Name} holds a secret");
        foreach (var pod in rendered.AppPods)
            foreach (var c in pod.AllContainers)
            {
                Assert.All(c.Env ?? [], e => Assert.False(IsSecretKey(e.Name) && e.ValueFrom?.SecretKeyRef is null,
                    $"{pod}: {c.Name} gets {e.Name} other than from a Secret"));
                // Secrets come in by name only, so that nothing else in a Secret reaches a container unseen.
                Assert.All(c.EnvFrom ?? [], source => Assert.True(source.SecretRef is null, $"{pod}: {c.Name} takes a whole Secret"));
            }

        // Silos and the migration Job check no tokens: they get no Auth__ key (but the dev overlay's allowance, which is
        // in the ConfigMap they share with the gateways, and no secret).
        foreach (var pod in rendered.AppPods.Where(p => p.Component != "gateway"))
            foreach (var c in pod.AllContainers)
                Assert.DoesNotContain(Keys(rendered, c), k => k.StartsWith(WriterAuthOptions.Section + "__", StringComparison.Ordinal) && k != AppFacts.AllowDevelopmentKeyKey);
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void Writers_authenticate_in_the_cluster(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        var gateway = Assert.Single(rendered.PodsOf(Names.Gateway).Spec.Containers);
        // On by default with the connection string the gateway gets; nothing here turns it off.
        Assert.Contains(AppFacts.ConnectionStringKey, Keys(rendered, gateway));
        var enabled = Environment(rendered, gateway).GetValueOrDefault(AppFacts.AuthEnabledKey);
        Assert.True(enabled is null || string.Equals(enabled, "true", StringComparison.OrdinalIgnoreCase),
            $"{AppFacts.AuthEnabledKey}={enabled}: anyone who reaches a gateway could submit forms");
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void ConfigMap_values_are_not_empty(string kustomization)
    {
        // An empty value is a setting someone forgot to fill, and most keys read it as an empty string rather than as
        // unset. A key that is not used is left out.
        foreach (var map in Manifests.Render(kustomization).All<V1ConfigMap>())
            foreach (var (key, value) in map.Data ?? new Dictionary<string, string>())
                Assert.False(string.IsNullOrWhiteSpace(value), $"ConfigMap/{map.Metadata.Name}: {key} is empty");
    }

    [Fact]
    public void The_dev_gateways_start_with_the_dev_signing_key()
    {
        var rendered = Manifests.Render(Manifests.Dev);
        var gateway = Assert.Single(rendered.PodsOf(Names.Gateway).Spec.Containers);
        var environment = Environment(rendered, gateway);
        Assert.True(environment.ContainsKey(AppFacts.SigningKeyKey), "the dev overlay's Secret has no signing key for the gateways");

        // The gateway's own start-up check: writers authenticate, and the key is base64 of at least 256 bits.
        var builder = Builder(environment);
        builder.AddKpuWriterAuth();
        Assert.True(builder.Services.Single(s => s.ServiceType == typeof(WriterAccess)).ImplementationInstance is WriterAccess { Enabled: true });
    }

    [Fact]
    public void Only_the_dev_overlay_allows_its_placeholder_signing_key()
    {
        // The placeholder the gateway refuses is the one the dev overlay ships.
        var dev = Manifests.Render(Manifests.Dev);
        Assert.Equal(TokenRules.DevelopmentKey, dev.Get<V1Secret>(Names.AuthSecret).StringData[AppFacts.SigningKeyKey]);
        var devGateway = Environment(dev, Assert.Single(dev.PodsOf(Names.Gateway).Spec.Containers));
        Assert.Equal("true", devGateway.GetValueOrDefault(AppFacts.AllowDevelopmentKeyKey));

        // The base never allows it, to any container: with the dev Secret copied into a real deployment, the gateway stops.
        var @base = Manifests.Render(Manifests.Base);
        foreach (var pod in @base.AppPods)
            foreach (var c in pod.AllContainers)
                Assert.DoesNotContain(AppFacts.AllowDevelopmentKeyKey, Keys(@base, c));
        var environment = Environment(@base, Assert.Single(@base.PodsOf(Names.Gateway).Spec.Containers));
        environment[AppFacts.ConnectionStringKey] = "Host=db.example.internal;Database=kpu";
        environment[AppFacts.SigningKeyKey] = TokenRules.DevelopmentKey;
        var error = Assert.Throws<KpuOrleans.Hosting.SettingsRefusedException>(() => Builder(environment).AddKpuWriterAuth());
        Assert.Contains(AppFacts.SigningKeyKey, error.Message, StringComparison.Ordinal);
        Assert.Contains(AppFacts.AllowDevelopmentKeyKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gateway_without_the_Secret_or_an_issuer_refuses_to_start()
    {
        // The base without the out-of-band Secret kpu-auth (optional) and without Auth__Authority: the gateway
        // would not run with writers unauthenticated, it stops and says what to set.
        var rendered = Manifests.Render(Manifests.Base);
        var gateway = Assert.Single(rendered.PodsOf(Names.Gateway).Spec.Containers);
        var environment = Environment(rendered, gateway);
        Assert.False(environment.ContainsKey(AppFacts.SigningKeyKey));
        Assert.False(environment.ContainsKey(AppFacts.AuthorityKey));
        environment[AppFacts.ConnectionStringKey] = "Host=db.example.internal;Database=kpu";
        var error = Assert.Throws<KpuOrleans.Hosting.SettingsRefusedException>(() => Builder(environment).AddKpuWriterAuth());
        Assert.Contains("Auth:SigningKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("Auth:Authority", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public void The_gateways_believe_forwarded_headers_from_the_pod_network_only(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        var gateway = Assert.Single(rendered.PodsOf(Names.Gateway).Spec.Containers);
        var value = Environment(rendered, gateway).GetValueOrDefault(AppFacts.TrustedNetworksKey);
        Assert.True(value is not null, $"the gateways get no {AppFacts.TrustedNetworksKey}: behind the Ingress every client would be the ingress controller");

        // As the gateway reads it; a private network (a pod network), and never everyone: a client that may set
        // X-Forwarded-For names its own address and escapes the per-address limits.
        var networks = TrustedProxies.Parse(value);
        Assert.NotEmpty(networks);
        foreach (var network in networks)
            Assert.True(Private.Any(p => p.BaseAddress.AddressFamily == network.BaseAddress.AddressFamily
                    && p.PrefixLength <= network.PrefixLength && p.Contains(network.BaseAddress)),
                $"{AppFacts.TrustedNetworksKey}: {network} is not within a private network");
    }

    [Fact]
    public void Placeholders_are_recognised()
    {
        // What CrossReferenceTests.Secrets_hold_only_placeholders accepts: CHANGE-ME anywhere, and for the signing key
        // only, CHANGEME over and over.
        Assert.True(Placeholders.IsPlaceholder(AppFacts.ConnectionStringKey, "Host=kpu-postgres;Password=CHANGE-ME"));
        Assert.True(Placeholders.IsPlaceholder(AppFacts.SigningKeyKey, "CHANGEMECHANGEMECHANGEMECHANGEMECHANGEMECHANGEME"));
        Assert.False(Placeholders.IsPlaceholder(AppFacts.SigningKeyKey, Convert.ToBase64String(new byte[32])));
        Assert.False(Placeholders.IsPlaceholder(AppFacts.SigningKeyKey, "CHANGEMEaGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8="));
        Assert.False(Placeholders.IsPlaceholder(AppFacts.ConnectionStringKey, "CHANGEMECHANGEMECHANGEMECHANGEMECHANGEMECHANGEME"));
        Assert.False(Placeholders.IsPlaceholder("POSTGRES_PASSWORD", "hunter2"));
    }

    static readonly System.Net.IPNetwork[] Private =
    [
        System.Net.IPNetwork.Parse("10.0.0.0/8"),
        System.Net.IPNetwork.Parse("172.16.0.0/12"),
        System.Net.IPNetwork.Parse("192.168.0.0/16"),
        System.Net.IPNetwork.Parse("100.64.0.0/10"), // shared address space, which some CNIs use for pods
        System.Net.IPNetwork.Parse("fc00::/7"),
    ];

    static bool IsSecretKey(string key) =>
        key is AppFacts.SigningKeyKey or AppFacts.ConnectionStringKey || key == AppFacts.PhotoAccessKeyKey || key == AppFacts.PhotoSecretKeyKey;

    /// <summary>The names of every variable a container gets (env, and the ConfigMaps and Secrets it takes whole).</summary>
    static IEnumerable<string> Keys(Rendered rendered, V1Container container) =>
        (container.Env ?? []).Select(e => e.Name).Concat((container.EnvFrom ?? []).SelectMany(source =>
            source.ConfigMapRef is { } cm ? rendered.All<V1ConfigMap>().SingleOrDefault(m => m.Metadata.Name == cm.Name)?.Data?.Keys ?? []
            : source.SecretRef is { } s ? rendered.All<V1Secret>().SingleOrDefault(m => m.Metadata.Name == s.Name)?.StringData?.Keys ?? []
            : []));

    /// <summary>
    /// The variables a container starts with in this render, as the kubelet resolves them: ConfigMaps taken whole, then
    /// env (which wins); a reference to an optional Secret or key that is not in the render leaves the variable unset.
    /// </summary>
    static Dictionary<string, string> Environment(Rendered rendered, V1Container container)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
            if (source.ConfigMapRef is { } cm)
                foreach (var (key, value) in rendered.Get<V1ConfigMap>(cm.Name).Data ?? new Dictionary<string, string>())
                    environment[key] = value;
        foreach (var e in container.Env ?? [])
        {
            if (e.Value is not null)
                environment[e.Name] = e.Value;
            else if (e.ValueFrom?.SecretKeyRef is { } s
                && rendered.All<V1Secret>().SingleOrDefault(x => x.Metadata.Name == s.Name)?.StringData?.TryGetValue(s.Key, out var value) == true)
                environment[e.Name] = value;
            else if (e.ValueFrom?.ConfigMapKeyRef is { } c
                && rendered.All<V1ConfigMap>().SingleOrDefault(x => x.Metadata.Name == c.Name)?.Data?.TryGetValue(c.Key, out var fromMap) == true)
                environment[e.Name] = fromMap;
        }
        return environment;
    }

    /// <summary>A gateway's builder configured by these variables only (as environment variables: <c>__</c> for <c>:</c>).</summary>
    static WebApplicationBuilder Builder(Dictionary<string, string> environment)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(environment.Select(p => KeyValuePair.Create(p.Key.Replace("__", ":", StringComparison.Ordinal), (string?)p.Value)));
        return builder;
    }
}

/// <summary>What a Secret committed to k8s/ may hold: obvious placeholders.</summary>
public static class Placeholders
{
    /// <summary>
    /// The placeholder of the key that signs writers' tokens: "CHANGEME" over and over, because the gateways need
    /// base64 (which has no '-') of at least 32 bytes to start.
    /// </summary>
    public static readonly System.Text.RegularExpressions.Regex SigningKey = new("^(CHANGEME)+$");

    public static bool IsPlaceholder(string key, string value) =>
        value.Contains("CHANGE-ME", StringComparison.Ordinal) || (key == AppFacts.SigningKeyKey && SigningKey.IsMatch(value));
}
