using System.Text.Json;
using KpuOrleans.Gateway.Api;

namespace KpuOrleans.Bench;

/// <summary>
/// <c>POST /api/v1/results</c> and <c>/results/batch</c> as API.md has them: the gateway's body reader and limits
/// (<see cref="RequestJson"/>), its batch envelope and answer shape, and the baseline's <see cref="IFormDesk"/> for
/// each form.
/// </summary>
public static class ResultRoutes
{

    /// <summary>Seconds a client should wait after a 503, as the gateway says.</summary>
    public const string RetryAfterSeconds = "5";

    public static RouteGroupBuilder MapResults(this RouteGroupBuilder api)
    {
        api.MapPost("/results", SubmitOne);
        api.MapPost("/results/batch", SubmitBatch);
        return api;
    }

    private static async Task<IResult> SubmitOne(HttpContext http, IFormDesk desk, CancellationToken cancellationToken)
    {
        var (document, problem) = await RequestJson.ReadAsync(http.Request, RequestJson.FormLimit, cancellationToken);
        if (problem is not null) return Problems.Result(problem);
        using (document)
        {
            var answer = await desk.SubmitAsync(document!.RootElement, cancellationToken);
            if (answer.Status == 503) http.Response.Headers.RetryAfter = RetryAfterSeconds;
            return answer.ToResult();
        }
    }

    /// <summary>
    /// Each form is judged as if posted alone, one after another in batch order. The gateway overlaps forms of
    /// different TPS; here the concurrency comes from the client's parallel requests, which for a baseline that holds a
    /// database connection per form keeps connections per request at one, as a plain request handler would.
    /// </summary>
    private static async Task<IResult> SubmitBatch(HttpContext http, IFormDesk desk, CancellationToken cancellationToken)
    {
        var (document, problem) = await RequestJson.ReadAsync(http.Request, RequestJson.BatchLimit, cancellationToken);
        if (problem is not null) return Problems.Result(problem);
        using (document)
        {
            var (forms, invalid) = BatchRequest.Read(document!.RootElement);
            if (invalid is not null) return Problems.Result(invalid);
            var results = new List<BatchItem>(forms.Length);
            foreach (var form in forms)
            {
                var answer = await desk.SubmitAsync(form, cancellationToken);
                results.Add(new BatchItem(results.Count, answer.Status, answer.Body));
            }
            return TypedResults.Ok(new BatchAnswer(results));
        }
    }
}

/// <summary>One form's verdict in a batch answer: <c>{ index, status, body }</c>.</summary>
public sealed record BatchItem(int Index, int Status, object Body);

/// <summary>The batch answer: <c>{ results: [ ... ] }</c>, one item per form, in order.</summary>
public sealed record BatchAnswer(IReadOnlyList<BatchItem> Results);
