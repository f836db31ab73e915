using k8s.Models;

namespace KpuOrleans.Deployment.Tests;

public class OverlayTests
{
    [Fact]
    public void Dev_overlay_is_the_base_plus_a_PostgreSQL()
    {
        var @base = Manifests.Render(Manifests.Base);
        var dev = Manifests.Render(Manifests.Dev);

        // The same objects as the base, unchanged...
        foreach (var o in @base.Objects)
        {
            var same = dev.Objects.SingleOrDefault(d => d.Id == o.Id);
            Assert.True(same is not null, $"the dev overlay lacks {o.Id}");
            Assert.Equal(Manifests.Canonical(o.Yaml), Manifests.Canonical(same.Yaml));
        }

        // ...plus PostgreSQL: its StatefulSet, Service, NetworkPolicy, and the Secret that holds its credentials.
        var added = dev.Objects.Where(d => @base.Objects.All(o => o.Id != d.Id)).Select(d => $"{d.Kind}/{d.Name}").Order().ToList();
        Assert.Equal(
            new[] { $"NetworkPolicy/{Names.Postgres}", $"Secret/{Names.DatabaseSecret}", $"Service/{Names.Postgres}", $"StatefulSet/{Names.Postgres}" },
            added);
        Assert.All(dev.Objects.Where(d => @base.Objects.All(o => o.Id != d.Id) && d.Kind != "Secret"),
            d => Assert.Equal("postgres", d.Model.Metadata.Labels[Names.ComponentLabel]));

        // A single PostgreSQL with a 10 GiB volume, which the apps' connection string names.
        var postgres = dev.Get<V1StatefulSet>(Names.Postgres);
        Assert.Equal(1, postgres.Spec.Replicas);
        var claim = Assert.Single(postgres.Spec.VolumeClaimTemplates);
        Assert.Equal("10Gi", claim.Spec.Resources.Requests["storage"].ToString());
        var connectionString = dev.Get<V1Secret>(Names.DatabaseSecret).StringData[AppFacts.ConnectionStringKey];
        Assert.Contains($"Host={Names.Postgres};", connectionString, StringComparison.Ordinal);
        Assert.Equal(5432, dev.Get<V1Service>(Names.Postgres).Spec.Ports.Single().Port);
    }
}
