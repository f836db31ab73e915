namespace KpuOrleans.Ingest;

/// <summary>
/// Where a gateway's forms enter the silo: a batch of them in one call, each handed to its TPS grain. One per silo
/// and core (a stateless worker), so a batch never crosses silos twice.
/// </summary>
public interface IIngestGrain : IGrainWithIntegerKey
{
    /// <param name="submissions">Forms a gateway has judged against API.md's rules already: each TPS takes them with
    /// <see cref="Tps.ITpsGrain.SubmitJudged"/>, which does not run the rules again.</param>
    /// <returns>One receipt per submission, in their order; one submission's failure is its own receipt, never the batch's.</returns>
    Task<Receipt[]> Submit(Submission[] submissions);
}
