namespace KpuOrleans.Tps;

/// <summary>What the sender of a form may do beyond an ordinary writer, as the gateway read it from their token.</summary>
[GenerateSerializer, Alias("kpu.SubmitterRights")]
public enum SubmitterRights
{
    /// <summary>Every officer below KPU Provinsi, and every writer where writers do not authenticate.</summary>
    Ordinary,
    /// <summary>KPU Provinsi: corrects beyond the per-TPS limit, e.g. a recount it ordered.</summary>
    BeyondCorrectionLimit,
}
