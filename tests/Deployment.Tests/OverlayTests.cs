using k8s.Models;

namespace KpuOrleans.Deployment.Tests;

public class OverlayTests
{
    [Fact]
    public void Dev_overlay_is_the_base_plus_a_PostgreSQL()
    {
        var @base = Manifests.Render(Manifests.Base);
        var dev = Manifests.Render(Manifests.Dev);

        // The same objects as the base, unchanged but for two settings: the gateways may use the placeholder key, and
        // keep photos in the overlay's MinIO...
        foreach (var o in @base.Objects)
        {
            var same = dev.Objects.SingleOrDefault(d => d.Id == o.Id);
            Assert.True(same is not null, $"the dev overlay lacks {o.Id}");
            if (o.Model is V1ConfigMap config && config.Metadata.Name == Names.Config)
            {
                var devData = ((V1ConfigMap)same.Model).Data;
                Assert.Equal([AppFacts.AllowDevelopmentKeyKey, AppFacts.PhotoServiceUrlKey], devData.Keys.Except(config.Data.Keys).Order(StringComparer.Ordinal));
                Assert.Equal($"http://{Names.Minio}:9000", devData[AppFacts.PhotoServiceUrlKey]);
                Assert.All(config.Data, entry => Assert.Equal(entry.Value, devData[entry.Key]));
                continue;
            }
            Assert.Equal(Manifests.Canonical(o.Yaml), Manifests.Canonical(same.Yaml));
        }

        // ...plus PostgreSQL: its StatefulSet, Service, NetworkPolicy, the script that makes its roles, and the Secrets
        // that hold the owner's and the application role's credentials; and the Secret with the gateways' token
        // signing key; and MinIO for the photos (StatefulSet, Service, NetworkPolicy) with the Secret of the gateways' keys
        // to it. The Secrets are the ones production creates out of band.
        var added = dev.Objects.Where(d => @base.Objects.All(o => o.Id != d.Id)).Select(d => $"{d.Kind}/{d.Name}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            new[]
            {
                $"ConfigMap/{Names.PostgresInit}", $"NetworkPolicy/{Names.Minio}", $"NetworkPolicy/{Names.Postgres}", $"Secret/{Names.AuthSecret}",
                $"Secret/{Names.PhotosSecret}", $"Secret/{Names.AppDatabaseSecret}", $"Secret/{Names.OwnerDatabaseSecret}",
                $"Service/{Names.Minio}", $"Service/{Names.Postgres}", $"StatefulSet/{Names.Minio}", $"StatefulSet/{Names.Postgres}",
            },
            added);
        Assert.Equal(Names.OutOfBandSecrets.Keys.Order(StringComparer.Ordinal),
            dev.All<V1Secret>().Select(s => s.Metadata.Name).Order(StringComparer.Ordinal));
        foreach (var (name, keys) in Names.OutOfBandSecrets)
            Assert.All(keys, k => Assert.True(dev.Get<V1Secret>(name).StringData?.ContainsKey(k) == true, $"the dev overlay's Secret/{name} lacks {k}"));
        Assert.All(dev.Objects.Where(d => @base.Objects.All(o => o.Id != d.Id) && d.Kind != "Secret"),
            d => Assert.Contains(d.Model.Metadata.Labels[Names.ComponentLabel], new[] { "postgres", "object-store" }));

        // A single PostgreSQL with a 10 GiB volume, which the apps' connection string names.
        var postgres = dev.Get<V1StatefulSet>(Names.Postgres);
        Assert.Equal(1, postgres.Spec.Replicas);
        var claim = Assert.Single(postgres.Spec.VolumeClaimTemplates);
        Assert.Equal("10Gi", claim.Spec.Resources.Requests["storage"].ToString());
        foreach (var secret in new[] { Names.OwnerDatabaseSecret, Names.AppDatabaseSecret })
            Assert.Contains($"Host={Names.Postgres};", dev.Get<V1Secret>(secret).StringData[AppFacts.ConnectionStringKey], StringComparison.Ordinal);
        Assert.Equal(5432, dev.Get<V1Service>(Names.Postgres).Spec.Ports.Single().Port);

        // A single MinIO with a 10 GiB volume, its root user the gateways' key pair, on the port the gateways are given.
        var minio = dev.Get<V1StatefulSet>(Names.Minio);
        Assert.Equal(1, minio.Spec.Replicas);
        Assert.Equal("10Gi", Assert.Single(minio.Spec.VolumeClaimTemplates).Spec.Resources.Requests["storage"].ToString());
        var env = Assert.Single(minio.Spec.Template.Spec.Containers).Env.ToDictionary(e => e.Name);
        Assert.Equal((Names.PhotosSecret, AppFacts.PhotoAccessKeyKey), (env["MINIO_ROOT_USER"].ValueFrom.SecretKeyRef.Name, env["MINIO_ROOT_USER"].ValueFrom.SecretKeyRef.Key));
        Assert.Equal((Names.PhotosSecret, AppFacts.PhotoSecretKeyKey), (env["MINIO_ROOT_PASSWORD"].ValueFrom.SecretKeyRef.Name, env["MINIO_ROOT_PASSWORD"].ValueFrom.SecretKeyRef.Key));
        Assert.Equal(9000, dev.Get<V1Service>(Names.Minio).Spec.Ports.Single().Port);
    }
}
