namespace KpuOrleans.Gateway.Protection;

/// <summary>
/// Results are open data: any site may read them from a browser (<see cref="OpenData"/>: GET only, no credentials).
/// Writes carry no CORS headers at all, so no page elsewhere can make a browser submit a form, even with a token.
/// </summary>
public static class CrossOrigin
{
    public const string OpenData = "open-data";

    public static IServiceCollection AddKpuCrossOrigin(this IServiceCollection services) =>
        services.AddCors(cors => cors.AddPolicy(OpenData, policy => policy
            .AllowAnyOrigin()
            .WithMethods(HttpMethods.Get, HttpMethods.Head)
            .WithHeaders("If-None-Match")
            .WithExposedHeaders("ETag")));
}
