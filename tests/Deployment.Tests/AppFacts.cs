using KpuOrleans.Gateway.Auth;
using KpuOrleans.Gateway.Protection;
using KpuOrleans.Hosting;
using KpuOrleans.Hosting.Operations;
using Orleans.Configuration;

namespace KpuOrleans.Deployment.Tests;

/// <summary>
/// What the manifests must agree with about the two processes, taken from the apps' own code where it lives there
/// (paths, ports, timeouts); the rest from their project files (images) and the README's "Configuration" table.
/// </summary>
public static class AppFacts
{
    // The images `dotnet publish src/Silo|src/Gateway -c Release -t:PublishContainer` builds, and the user they run as
    // (the .NET images' non-root `app`), as the project files configure them.
    public static readonly string SiloImage = ProjectProperty("src/Silo/Silo.csproj", "ContainerRepository");
    public static readonly string GatewayImage = ProjectProperty("src/Gateway/Gateway.csproj", "ContainerRepository");
    public static readonly string ImageTag = ProjectProperty("src/Silo/Silo.csproj", "ContainerImageTag");
    public static readonly string GatewayImageTag = ProjectProperty("src/Gateway/Gateway.csproj", "ContainerImageTag");
    public static readonly long AppUid = long.Parse(ProjectProperty("src/Silo/Silo.csproj", "ContainerUser"), System.Globalization.CultureInfo.InvariantCulture);
    public static readonly long GatewayUid = long.Parse(ProjectProperty("src/Gateway/Gateway.csproj", "ContainerUser"), System.Globalization.CultureInfo.InvariantCulture);

    // Gateways: the public API on ASPNETCORE_URLS=http://+:8080; both processes: operations (probes, metrics, the
    // dashboard) on Management__Urls=http://+:8081, which nothing public may reach.
    public const int HttpPort = 8080;
    public const int ManagementPort = 8081;
    public static readonly string ManagementUrlsKey = EnvironmentKey(KpuOrleans.Hosting.Operations.ManagementPort.UrlsKey);
    public const string LivePath = OperationsExtensions.LivePath;
    public const string ReadyPath = OperationsExtensions.ReadyPath;
    public const string MetricsPath = OperationsExtensions.MetricsPath;

    // Silos: Orleans' silo-to-silo and client-to-silo ports.
    public static readonly int SiloPort = new KpuClusterOptions().SiloPort;
    public static readonly int GatewayPort = new KpuClusterOptions().GatewayPort;

    // The silo image's argument that applies the schema and exits 0.
    public const string MigrateArgument = "migrate";

    // The host's shutdown timeout and Orleans' deactivation timeout: a pod's grace period must be longer than both.
    public static readonly int HostShutdownTimeoutSeconds = (int)OperationsExtensions.ShutdownTimeout.TotalSeconds;
    public static readonly int OrleansDeactivationTimeoutSeconds = (int)GrainCollectionOptions.DEFAULT_DEACTIVATION_TIMEOUT.TotalSeconds;

    // The environment keys the apps read; nothing else may be set on their containers.
    public const string ConnectionStringKey = "ConnectionStrings__Kpu";
    public const string PodNameKey = "POD_NAME";   // silos: the silo name (downward API metadata.name)
    public const string PodIpKey = "POD_IP";       // silos: the address a silo advertises (downward API status.podIP)
    public const string SiloPortKey = "Orleans__SiloPort";
    public const string GatewayPortKey = "Orleans__GatewayPort";

    // Gateways only: who may write (API.md, "Authentication"), from the gateway's own options class.
    public const string AuthEnabledKey = $"{WriterAuthOptions.Section}__{nameof(WriterAuthOptions.Enabled)}";
    public const string SigningKeyKey = $"{WriterAuthOptions.Section}__{nameof(WriterAuthOptions.SigningKey)}";
    public const string AuthorityKey = $"{WriterAuthOptions.Section}__{nameof(WriterAuthOptions.Authority)}";
    public const string AllowDevelopmentKeyKey = $"{WriterAuthOptions.Section}__{nameof(WriterAuthOptions.AllowDevelopmentKey)}";

    // Gateways only: the reverse proxies whose X-Forwarded-* headers count.
    public static readonly string TrustedNetworksKey = EnvironmentKey(TrustedProxies.Key);

    public const string PhotoStoreKey = "Photos__Store";
    public static readonly string PhotoS3Section = EnvironmentKey(KpuOrleans.Gateway.Photos.S3PhotoStoreOptions.Section);
    public static readonly string PhotoServiceUrlKey = $"{PhotoS3Section}__{nameof(KpuOrleans.Gateway.Photos.S3PhotoStoreOptions.ServiceUrl)}";
    public static readonly string PhotoAccessKeyKey = $"{PhotoS3Section}__{nameof(KpuOrleans.Gateway.Photos.S3PhotoStoreOptions.AccessKey)}";
    public static readonly string PhotoSecretKeyKey = $"{PhotoS3Section}__{nameof(KpuOrleans.Gateway.Photos.S3PhotoStoreOptions.SecretKey)}";

    public static readonly string[] EnvironmentKeys =
    [
        ConnectionStringKey,
        "Orleans__ClusterId",
        "Orleans__ServiceId",
        SiloPortKey,
        GatewayPortKey,
        PodNameKey,
        PodIpKey,
        "ASPNETCORE_URLS",
        ManagementUrlsKey,
        "Logging__Console__FormatterName",
        "Logging__LogLevel__Default",
        // Every setting of the gateway's options classes (so a new one must be documented too).
        .. OptionKeys(typeof(WriterAuthOptions), WriterAuthOptions.Section),
        .. OptionKeys(typeof(RateLimitOptions), RateLimitOptions.Section),
        .. OptionKeys(typeof(KpuOrleans.Gateway.Api.Export.ExportOptions), KpuOrleans.Gateway.Api.Export.ExportOptions.Section),
        .. OptionKeys(typeof(KpuOrleans.Gateway.Photos.PhotoOptions), KpuOrleans.Gateway.Photos.PhotoOptions.Section),
        $"ConnectionStrings__{KpuOrleans.Gateway.Api.Export.PostgresExportSource.ReplicaConnectionStringName}",
        TrustedNetworksKey,
        // Gateways only: where photos are kept (README, "Photos").
        PhotoStoreKey,
        .. OptionKeys(typeof(KpuOrleans.Gateway.Photos.S3PhotoStoreOptions), PhotoS3Section),
    ];

    /// <summary>The environment variable for a configuration key (<c>Proxy:TrustedNetworks</c> → <c>Proxy__TrustedNetworks</c>).</summary>
    public static string EnvironmentKey(string configurationKey) => configurationKey.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>The keys an options class binds from its section: its public settable properties.</summary>
    private static IEnumerable<string> OptionKeys(Type options, string section) =>
        options.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod!.IsPublic)
            .Select(p => $"{section}__{p.Name}");

    private static string ProjectProperty(string project, string property) =>
        System.Xml.Linq.XDocument.Load(Path.Combine(Repository.Root, project)).Descendants(property).SingleOrDefault()?.Value
        ?? throw new InvalidOperationException($"{project} sets no {property}");
}

/// <summary>The names and labels k8s/ uses.</summary>
public static class Names
{
    public const string Namespace = "kpu";
    public const string ServiceAccount = "kpu-orleans";
    public const string Config = "kpu-config";
    /// <summary>The schema owner's connection string: the migration Job's alone.</summary>
    public const string OwnerDatabaseSecret = "kpu-postgres-owner";

    /// <summary>The application role's connection string (README "Database roles"): silos' and gateways'.</summary>
    public const string AppDatabaseSecret = "kpu-postgres-app";

    public const string PostgresInit = "kpu-postgres-init";
    public const string AuthSecret = "kpu-auth";
    public const string Silo = "kpu-silo";
    public const string Gateway = "kpu-gateway";
    public const string Migrate = "kpu-migrate";
    public const string Postgres = "kpu-postgres";
    public const string Minio = "kpu-minio";
    public const string PhotosSecret = "kpu-photos";

    public const string NameLabel = "app.kubernetes.io/name";
    public const string ComponentLabel = "app.kubernetes.io/component";
    public const string AppName = "kpu-orleans";
    public static readonly string[] Components = ["silo", "gateway", "postgres", "migrate", "object-store"];

    /// <summary>
    /// The Secrets (and their keys) the app pods use that production creates out of band (kubectl create secret), so
    /// the base does not hold them; overlays/dev does, with placeholders.
    /// </summary>
    public static readonly Dictionary<string, string[]> OutOfBandSecrets = new()
    {
        [OwnerDatabaseSecret] = [AppFacts.ConnectionStringKey],
        [AppDatabaseSecret] = [AppFacts.ConnectionStringKey],
        [AuthSecret] = [AppFacts.SigningKeyKey],
        [PhotosSecret] = [AppFacts.PhotoAccessKeyKey, AppFacts.PhotoSecretKeyKey],
    };
}
