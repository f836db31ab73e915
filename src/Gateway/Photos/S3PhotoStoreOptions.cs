using System.Net;
using System.Text.RegularExpressions;

namespace KpuOrleans.Gateway.Photos;

/// <summary>
/// Configuration section <c>Photos:S3</c>: the S3-compatible object store that holds photos when <c>Photos:Store</c> is
/// <c>s3</c> (MinIO on the commission's own hardware, a cloud's object storage, or scripts/s3.sh in development).
/// </summary>
public sealed partial class S3PhotoStoreOptions
{
    public const string Section = "Photos:S3";

    /// <summary>The store's endpoint, e.g. <c>https://minio.kpu.internal:9000</c>. The only address the client contacts.</summary>
    public string? ServiceUrl { get; set; }

    public string? Bucket { get; set; }

    /// <summary>The region requests are signed for; S3-compatible stores accept any, MinIO's default is us-east-1.</summary>
    public string Region { get; set; } = "us-east-1";

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>Buckets in the path (<c>host/bucket/key</c>), as MinIO and most self-hosted stores expect, rather than as a host name.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>
    /// How long one request may take, to its answer's headers; the client's retries (<see cref="MaxRetries"/>) each get
    /// this much again, so a dead store costs an upload a bounded wait, then a 503.
    /// </summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    public const int MaxRetries = 1;

    /// <summary>What start-up refuses (the gateway exits 2 rather than run with it), each naming its key.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(ServiceUrl))
            yield return "Photos:Store is s3 but Photos:S3:ServiceUrl is not set (the object store's endpoint, e.g. http://127.0.0.1:54380 from scripts/s3.sh).";
        else if (!Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")
                 || !string.IsNullOrEmpty(url.UserInfo) || url.Query.Length > 0)
            yield return $"Photos:S3:ServiceUrl must be an absolute http:// or https:// URL without credentials or query, not '{ServiceUrl}'.";
        if (string.IsNullOrWhiteSpace(Bucket))
            yield return "Photos:Store is s3 but Photos:S3:Bucket is not set.";
        else if (!BucketName().IsMatch(Bucket))
            yield return $"Photos:S3:Bucket must be an S3 bucket name (3–63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit), not '{Bucket}'.";
        if (string.IsNullOrWhiteSpace(Region) || !RegionName().IsMatch(Region))
            yield return $"Photos:S3:Region must be a region name such as us-east-1, not '{Region}'.";
        if (string.IsNullOrWhiteSpace(AccessKey))
            yield return "Photos:Store is s3 but Photos:S3:AccessKey is not set (the gateway never looks for credentials elsewhere).";
        if (string.IsNullOrWhiteSpace(SecretKey))
            yield return "Photos:Store is s3 but Photos:S3:SecretKey is not set.";
    }

    /// <summary>
    /// An http:// endpoint off this machine: requests are signed (the secret key itself never travels), but photos and
    /// signed requests cross the network in clear, so anyone on the path could read or replay them. Logged as an error
    /// at every start rather than refused, since an in-cluster store (k8s/overlays/dev) is reached this way.
    /// </summary>
    public bool SendsInClear() =>
        Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var url) && url.Scheme == "http" && !IsLoopback(url);

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();

    [GeneratedRegex("^[a-z0-9-]{1,32}$")]
    private static partial Regex RegionName();
}
