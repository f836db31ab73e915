using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KpuOrleans.Gateway.Api;

/// <summary>RFC 9457 problem details, the body of every 4xx/5xx this gateway sends.</summary>
public static class Problems
{
    /// <summary>
    /// A 503 whose form may or may not be stored (the ledger did not answer its commit, or the cluster its call):
    /// unlike a plain 503, sending the same form again is the only way to know. Stable: clients branch on it.
    /// </summary>
    public const string OutcomeUnknownType = "https://kpu-orleans.id/problems/outcome-unknown";

    public static ProblemDetails OutcomeUnknown(string detail)
    {
        var problem = Create(503, "Outcome unknown", detail);
        problem.Type = OutcomeUnknownType;
        return problem;
    }

    public static ProblemDetails Create(int status, string title, string detail,
        IReadOnlyDictionary<string, string[]>? errors = null, IEnumerable<KeyValuePair<string, object?>>? extensions = null)
    {
        var problem = new ProblemDetails { Type = TypeFor(status), Title = title, Status = status, Detail = detail };
        if (errors is not null) problem.Extensions["errors"] = errors;
        foreach (var (key, value) in extensions ?? []) problem.Extensions[key] = value;
        return problem;
    }

    public static ProblemHttpResult Result(ProblemDetails problem) => TypedResults.Problem(problem);

    public static ProblemHttpResult NotFound(string detail) => Result(Create(StatusCodes.Status404NotFound, "Not found", detail));

    public static string TypeFor(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        405 => "https://tools.ietf.org/html/rfc9110#section-15.5.6",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ when status >= 500 => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        _ => "about:blank",
    };
}
