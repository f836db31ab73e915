namespace KpuOrleans.Gateway.Hosting;

/// <summary>
/// Headers that make the public page hard to abuse: only its own scripts, styles and connections (no inline code, no
/// third party), never framed, no MIME sniffing, no referrer leaking a watcher's drill-down to elsewhere. The
/// operators' dashboard under <see cref="OperatorPaths.Dashboard"/> brings its own page and keeps its own rules.
/// </summary>
public static class SecurityHeaders
{
    public const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static IApplicationBuilder UseKpuSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (!http.Request.Path.StartsWithSegments(OperatorPaths.Dashboard))
        {
            headers.ContentSecurityPolicy = PagePolicy;
            headers.XFrameOptions = "DENY";
        }
        return next(http);
    });
}
