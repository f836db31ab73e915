using KpuOrleans.Gateway.Api;
using Microsoft.AspNetCore.Mvc;

namespace KpuOrleans.Bench;

/// <summary>
/// The status and body API.md prescribes for one form: the single endpoint sends it as it is, the batch endpoint wraps
/// it in a result item. The same pair the gateway's FormSubmissions produces, so both answer alike.
/// </summary>
public sealed record FormAnswer(int Status, object Body)
{
    public static FormAnswer Problem(ProblemDetails problem) => new(problem.Status!.Value, problem);

    /// <summary>The parser's 400: a missing field or a wrong type, each named.</summary>
    public static FormAnswer Malformed(FormJson read) => Problem(Problems.Create(400, "Malformed form",
        "The body is not a C.Hasil form of the shape API.md describes; see errors.", read.ShapeErrors));

    public IResult ToResult() => Body is ProblemDetails problem ? Problems.Result(problem) : TypedResults.Json(Body, statusCode: Status);
}
