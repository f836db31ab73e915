using KpuOrleans.Hosting.Operations;

namespace KpuOrleans.Gateway.Hosting;

/// <summary>
/// Keeps the public port and the management port (<see cref="ManagementPort"/>) apart, after routing has chosen an
/// endpoint: routing matches case-insensitively and after percent-decoding, so asking the endpoint — not comparing
/// the raw path — catches <c>/METRICS</c>, <c>/%6Detrics</c> and <c>/Ops/Dashboard/</c> alike. Paths that match no
/// endpoint but start like an operator path (<c>//metrics</c>) are refused on the public port too, so that nothing
/// behind the routes (static files) can ever answer for them.
/// </summary>
public static class ManagementSplit
{
    private static readonly string[] OperatorSegments =
        [OperationsExtensions.MetricsPath.TrimStart('/'), OperatorPaths.Dashboard.TrimStart('/').Split('/')[0]];

    public static IApplicationBuilder UseKpuManagementSplit(this IApplicationBuilder app)
    {
        var listener = app.ApplicationServices.GetRequiredService<ManagementListener>();
        return app.Use((http, next) =>
        {
            var metadata = http.GetEndpoint()?.Metadata;
            var managementOnly = metadata?.GetMetadata<ManagementOnly>() is not null;
            var both = metadata?.GetMetadata<ManagementAlso>() is not null;
            var allowed = listener.Serves(http) ? managementOnly || both : !managementOnly && !LooksLikeOperatorPath(http.Request.Path);
            if (allowed) return next(http);
            http.SetEndpoint(null); // nothing downstream (CORS, rate limits, the endpoint) acts on it
            return TypedResults.Problem(statusCode: 404, detail: "Nothing is served at this address.").ExecuteAsync(http);
        });
    }

    /// <summary>The first non-empty segment, in any letter case, is an operator one.</summary>
    private static bool LooksLikeOperatorPath(PathString path) =>
        path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) is [var first, ..]
        && OperatorSegments.Contains(first.Trim(), StringComparer.OrdinalIgnoreCase);
}
