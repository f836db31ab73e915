using KpuOrleans.Forms;
using KpuOrleans.Tps;

namespace KpuOrleans.Ingest;

/// <summary>One form on its way from a gateway to its TPS grain, with what the gateway read from its sender's token.</summary>
[GenerateSerializer, Immutable, Alias("kpu.Submission")]
public sealed record Submission(
    [property: Id(0)] ResultForm Form,
    [property: Id(1)] string SubmittedBy,
    [property: Id(2)] SubmitterRights Rights);
