using Microsoft.Extensions.Configuration;

namespace KpuOrleans.Hosting;

/// <summary>Configuration section <c>Orleans</c>: who this cluster is and where a silo listens.</summary>
public sealed class KpuClusterOptions
{
    public const string Section = "Orleans";

    public string ClusterId { get; set; } = "kpu-dev";
    public string ServiceId { get; set; } = "kpu-orleans";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this silo at; loopback when unset (local clusters).</summary>
    public string? AdvertisedIP { get; set; }

    /// <summary>A name for this silo in logs and membership (e.g. the pod name).</summary>
    public string? SiloName { get; set; }

    /// <summary>
    /// The <c>Orleans</c> section, with Kubernetes' downward-API variables as fallbacks (k8s/): <c>POD_NAME</c> names the
    /// silo and <c>POD_IP</c> is the address it advertises, as the Orleans guidance for Kubernetes has it.
    /// </summary>
    public static KpuClusterOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<KpuClusterOptions>() ?? new KpuClusterOptions();
        options.SiloName ??= configuration["POD_NAME"];
        options.AdvertisedIP ??= configuration["POD_IP"];
        return options;
    }
}
