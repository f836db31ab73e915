namespace KpuOrleans.Deployment.Tests;

/// <summary>The renderer and the strict parsing catch what they are there to catch.</summary>
public sealed class RendererTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("kpu-k8s-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          annotations:
            prometheus.io/port: "8080"
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
                - name: web
                  image: registry.example:5000/web:1.0
                - name: sidecar
                  image: sidecar
        """;

    string Write(string relative, string text)
    {
        var path = Path.Combine(dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return Path.GetDirectoryName(path)!;
    }

    [Fact]
    public void Renders_resources_recursively_with_namespace_and_images()
    {
        Write("base/web.yaml", Deployment + "\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n");
        Write("base/kustomization.yaml", "resources: [web.yaml]\n");
        var overlay = Write("overlay/kustomization.yaml", """
            namespace: shop
            resources: [../base]
            images:
              - name: registry.example:5000/web
                newTag: "2.0"
              - name: sidecar
                newName: other.example/sidecar
                newTag: "3"
            """);
        var rendered = Manifests.Parse(overlay);
        var deployment = rendered.Get<k8s.Models.V1Deployment>("web");
        Assert.Equal("shop", deployment.Metadata.NamespaceProperty);
        Assert.Null(rendered.Get<k8s.Models.V1Namespace>("shop").Metadata.NamespaceProperty);
        Assert.Equal(["registry.example:5000/web:2.0", "other.example/sidecar:3"], deployment.Spec.Template.Spec.Containers.Select(c => c.Image));
    }

    [Theory]
    [InlineData("resources: [web.yaml]\ncommonLabels:\n  app: web\n")]
    [InlineData("resources: [web.yaml]\nlabels:\n  - pairs:\n      app: web\n")]
    [InlineData("resources: [web.yaml]\npatches:\n  - path: web.yaml\n")] // a patch of a Deployment
    [InlineData("resources: [web.yaml]\npatches:\n  - target:\n      kind: Deployment\n    patch: x\n")]
    [InlineData("resources: [web.yaml]\nnamePrefix: x-\n")]
    [InlineData("resources: [web.yaml]\nconfigMapGenerator:\n  - name: c\n")]
    [InlineData("resources: [web.yaml]\nimages:\n  - name: sidecar\n    digest: sha256:00\n")]
    [InlineData("resources: [web.yaml]\nimages:\n  - name: sidecar\n    newTag: 1.0\n")]
    [InlineData("resources: [https://example.com/x.yaml]\n")]
    [InlineData("resources: [../outside.yaml]\n")]
    [InlineData("resources: [missing.yaml]\n")]
    public void Refuses_kustomization_features_it_does_not_implement(string kustomization)
    {
        Write("app/web.yaml", Deployment);
        Write("outside.yaml", Deployment);
        var app = Write("app/kustomization.yaml", "resources: [web.yaml]\n");
        Kustomize.Build(app); // the plain one renders

        Write("app/kustomization.yaml", kustomization);
        Assert.Throws<KustomizeException>(() => Kustomize.Build(app));
    }

    [Fact]
    public void Refuses_kinds_it_does_not_know_and_duplicate_objects()
    {
        var app = Write("app/kustomization.yaml", "resources: [role.yaml]\n");
        Write("app/role.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: r\n");
        Assert.Throws<KustomizeException>(() => Kustomize.Build(app));

        Write("app/kustomization.yaml", "resources: [web.yaml, again.yaml]\n");
        Write("app/web.yaml", Deployment);
        Write("app/again.yaml", Deployment);
        Assert.Throws<KustomizeException>(() => Kustomize.Build(app));
    }

    [Theory]
    [InlineData("  name: web\n", "  name: web\n  bogus: 1\n")]                                // unknown field
    [InlineData("  replicas: 2\n", "  replicas: two\n")]                                       // not a number
    [InlineData("  replicas: 2\n", "  replicas: \"2\"\n")]                                     // a string where the API wants a number
    [InlineData("prometheus.io/port: \"8080\"", "prometheus.io/port: 8080")]                   // a number where the API wants a string
    [InlineData("image: sidecar", "image: yes")]                                               // YAML 1.1: a boolean
    [InlineData("      app: web\n", "      app: [web]\n")]                                     // a list where the API wants a string
    public void Strict_parsing_refuses_unknown_fields_and_wrong_types(string from, string to)
    {
        Write("app/web.yaml", Deployment);
        var app = Write("app/kustomization.yaml", "resources: [web.yaml]\n");
        Manifests.Parse(app); // as written: fine

        Assert.Contains(from, Deployment, StringComparison.Ordinal);
        Write("app/web.yaml", Deployment.Replace(from, to, StringComparison.Ordinal));
        Assert.Throws<Xunit.Sdk.XunitException>(() => Manifests.Parse(app));
    }
}
