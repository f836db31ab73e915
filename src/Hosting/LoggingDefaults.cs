using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KpuOrleans.Hosting;

public static class LoggingDefaults
{
    /// <summary>
    /// The frameworks' information logs are per request and per grain call: on election night writing them costs more
    /// than the work they describe. They start at Warning; an operator turns one back on with its usual key, e.g.
    /// <c>Logging__LogLevel__Microsoft.AspNetCore=Information</c>, which this never overrides.
    /// </summary>
    public static IHostApplicationBuilder AddKpuLoggingDefaults(this IHostApplicationBuilder builder)
    {
        foreach (var category in (string[])["Microsoft.AspNetCore", "Orleans", "Polly", "Microsoft.Extensions.Http"])
        {
            if (builder.Configuration[$"Logging:LogLevel:{category}"] is null) builder.Logging.AddFilter(category, LogLevel.Warning);
        }
        return builder;
    }
}
