using KpuOrleans.Gateway.Api.Progress;
using KpuOrleans.Gateway.Api.Proofs;
using KpuOrleans.Gateway.Photos;
using KpuOrleans.Gateway.Protection;
using KpuOrleans.Ledger;
using Microsoft.AspNetCore.Diagnostics;

namespace KpuOrleans.Gateway.Api;

public static class ApiExtensions
{
    public static IServiceCollection AddKpuApi(this IServiceCollection services)
    {
        services.AddSingleton<FormSubmissions>();
        services.AddProgress();
        services.AddOpenApi();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Type ??= Problems.TypeFor(context.ProblemDetails.Status ?? 500);
            if (context.ProblemDetails.Status == 503) context.HttpContext.Response.Headers.RetryAfter = ResultEndpoints.RetryAfterSeconds;
        });
        return services;
    }

    public static WebApplication MapKpuApi(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = StatusFor });
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapOpenApi();
        var api = app.MapGroup("/api/v1").RequireRateLimiting(RateLimits.Readers).RequireCors(CrossOrigin.OpenData);
        api.MapResults();
        api.MapTallies();
        api.MapRegions();
        api.MapExport();
        api.MapAnomalies();
        api.MapCertification();
        api.MapDisputes();
        api.MapPhotos();
        api.MapProgress();
        api.MapProofs();
        return app;
    }

    /// <summary>A cluster or store that cannot answer now is a 503 (try again), not a 500.</summary>
    private static int StatusFor(Exception exception) => exception switch
    {
        LedgerUnavailableException or TimeoutException or SiloUnavailableException or OrleansMessageRejectionException => 503,
        BadHttpRequestException bad => bad.StatusCode,
        _ => 500,
    };
}
