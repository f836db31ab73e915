using k8s.Models;

namespace KpuOrleans.Deployment.Tests;

public class OverlayTests
{
    [Fact]
    public void Dev_overlay_is_the_base_plus_a_PostgreSQL()
    {
        var @base = Manifests.Render(Manifests.Base);
        var dev = Manifests.Render(Manifests.Dev);

        // The same objects as the base, unchanged but for one setting: the gateways may use the placeholder key...
        foreach (var o in @base.Objects)
        {
            var same = dev.Objects.SingleOrDefault(d => d.Id == o.Id);
            Assert.True(same is not null, $"the dev overlay lacks {o.Id}");
            if (o.Model is V1ConfigMap config && config.Metadata.Name == Names.Config)
            {
                var devData = ((V1ConfigMap)same.Model).Data;
                Assert.Equal([AppFacts.AllowDevelopmentKeyKey], devData.Keys.Except(config.Data.Keys));
                Assert.All(config.Data, entry => Assert.Equal(entry.Value, devData[entry.Key]));
                continue;
            }
            Assert.Equal(Manifests.Canonical(o.Yaml), Manifests.Canonical(same.Yaml));
        }

        // ...plus PostgreSQL: its StatefulSet, Service, NetworkPolicy, the script that makes its roles, and the Secrets
        // that hold the owner's and the application role's credentials; and the Secret with the gateways' token
        // signing key. The Secrets are the ones production creates out of band.
        var added = dev.Objects.Where(d => @base.Objects.All(o => o.Id != d.Id)).Select(d => $"{d.Kind}/{d.Name}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            new[]
            {
                $"ConfigMap/{Names.PostgresInit}", $"NetworkPolicy/{Names.Postgres}", $"Secret/{Names.AuthSecret}", $"Secret/{Names.AppDatabaseSecret}",
                $"Secret/{Names.OwnerDatabaseSecret}", $"Service/{Names.Postgres}", $"StatefulSet/{Names.Postgres}",
            },
            added);
        Assert.Equal(Names.OutOfBandSecrets.Keys.Order(StringComparer.Ordinal),
            dev.All<V1Secret>().Select(s => s.Metadata.Name).Order(StringComparer.Ordinal));
        foreach (var (name, keys) in Names.OutOfBandSecrets)
            Assert.All(keys, k => Assert.True(dev.Get<V1Secret>(name).StringData?.ContainsKey(k) == true, $"the dev overlay's Secret/{name} lacks {k}"));
        Assert.All(dev.Objects.Where(d => @base.Objects.All(o => o.Id != d.Id) && d.Kind != "Secret"),
            d => Assert.Equal("postgres", d.Model.Metadata.Labels[Names.ComponentLabel]));

        // A single PostgreSQL with a 10 GiB volume, which the apps' connection string names.
        var postgres = dev.Get<V1StatefulSet>(Names.Postgres);
        Assert.Equal(1, postgres.Spec.Replicas);
        var claim = Assert.Single(postgres.Spec.VolumeClaimTemplates);
        Assert.Equal("10Gi", claim.Spec.Resources.Requests["storage"].ToString());
        foreach (var secret in new[] { Names.OwnerDatabaseSecret, Names.AppDatabaseSecret })
            Assert.Contains($"Host={Names.Postgres};", dev.Get<V1Secret>(secret).StringData[AppFacts.ConnectionStringKey], StringComparison.Ordinal);
        Assert.Equal(5432, dev.Get<V1Service>(Names.Postgres).Spec.Ports.Single().Port);
    }
}
