namespace KpuOrleans.Gateway.Hosting;

/// <summary>
/// Every GET also answers HEAD (RFC 9110 §9.3.2), as caches and link checkers expect: the request is routed and handled
/// as the GET it stands for, so status and headers are the GET's, and the body is thrown away. Placed before routing;
/// the hub's endpoints take no HEAD and so are left alone (they answer 404/405 as before).
/// </summary>
public static class HeadRequests
{
    public static IApplicationBuilder UseKpuHeadAsGet(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!HttpMethods.IsHead(http.Request.Method) || http.Request.Path.StartsWithSegments("/hubs"))
        {
            await next(http);
            return;
        }
        var body = http.Response.Body;
        http.Request.Method = HttpMethods.Get;
        http.Response.Body = Stream.Null;
        try
        {
            await next(http);
        }
        finally
        {
            http.Request.Method = HttpMethods.Head;
            http.Response.Body = body;
        }
    });
}
