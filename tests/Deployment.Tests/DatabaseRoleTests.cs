using k8s.Models;

namespace KpuOrleans.Deployment.Tests;

/// <summary>
/// README "Database roles": the migration Job alone connects as the schema's owner; silos and gateways connect as the
/// application role, which may only do what the running system does.
/// </summary>
public class DatabaseRoleTests
{
    public static TheoryData<string> Renders => new() { Manifests.Base, Manifests.Dev };

    [Theory]
    [MemberData(nameof(Renders))]
    public void Silos_and_gateways_never_get_the_owner_s_connection_string(string kustomization)
    {
        var rendered = Manifests.Render(kustomization);
        foreach (var pod in rendered.AppPods)
        {
            var secrets = pod.AllContainers.SelectMany(c => (c.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef?.Name)
                    .Concat((c.EnvFrom ?? []).Select(e => e.SecretRef?.Name)))
                .Concat((pod.Spec.Volumes ?? []).Select(v => v.Secret?.SecretName))
                .OfType<string>().ToHashSet();
            var connection = Assert.Single(pod.AllContainers.SelectMany(c => c.Env ?? []), e => e.Name == AppFacts.ConnectionStringKey).ValueFrom.SecretKeyRef;
            Assert.Equal(AppFacts.ConnectionStringKey, connection.Key);
            if (pod.Component == "migrate")
            {
                Assert.Equal(Names.OwnerDatabaseSecret, connection.Name);
                Assert.DoesNotContain(Names.AppDatabaseSecret, secrets);
            }
            else
            {
                Assert.Equal(Names.AppDatabaseSecret, connection.Name);
                Assert.DoesNotContain(Names.OwnerDatabaseSecret, secrets);
            }
        }
        Assert.Contains(rendered.AppPods, p => p.Component == "migrate");
    }

    [Fact]
    public void The_dev_PostgreSQL_makes_the_application_role_the_apps_log_in_as()
    {
        var dev = Manifests.Render(Manifests.Dev);
        var owner = Parse(dev.Get<V1Secret>(Names.OwnerDatabaseSecret).StringData[AppFacts.ConnectionStringKey]);
        var app = Parse(dev.Get<V1Secret>(Names.AppDatabaseSecret).StringData[AppFacts.ConnectionStringKey]);
        Assert.NotEqual(owner["Username"], app["Username"]);
        Assert.NotEqual(owner["Password"], app["Password"]);
        Assert.Equal(owner["Database"], app["Database"]);

        var postgres = Assert.Single(dev.PodsOf(Names.Postgres).Spec.Containers);
        string Env(string name) => Assert.Single(postgres.Env, e => e.Name == name) switch
        {
            { Value: { } value } => value,
            { ValueFrom.SecretKeyRef: { } s } => dev.Get<V1Secret>(s.Name).StringData[s.Key],
            var e => throw new Xunit.Sdk.XunitException($"{e.Name} has no value"),
        };
        // The image makes the owner; the init script the group role and the application's login role in it.
        Assert.Equal((owner["Username"], owner["Password"], owner["Database"]), (Env("POSTGRES_USER"), Env("POSTGRES_PASSWORD"), Env("POSTGRES_DB")));
        Assert.Equal(app["Password"], Env("KPU_APP_PASSWORD"));
        var mount = Assert.Single(postgres.VolumeMounts, m => m.MountPath == "/docker-entrypoint-initdb.d");
        var volume = Assert.Single(dev.PodsOf(Names.Postgres).Spec.Volumes, v => v.Name == mount.Name);
        Assert.Equal(Names.PostgresInit, volume.ConfigMap.Name);
        var script = Assert.Single(dev.Get<V1ConfigMap>(Names.PostgresInit).Data).Value;
        Assert.Contains("CREATE ROLE kpu_app NOLOGIN;", script, StringComparison.Ordinal);
        Assert.Contains($"CREATE ROLE {app["Username"]} LOGIN PASSWORD :'app_password' IN ROLE kpu_app;", script, StringComparison.Ordinal);
        Assert.Contains("app_password=\"$KPU_APP_PASSWORD\"", script, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Parse(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
}
