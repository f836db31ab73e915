using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;

namespace KpuOrleans.Gateway.Tests;

/// <summary>The 429-style hub errors of API.md ("Limits") as a client receives them.</summary>
internal static partial class ViewerLimitErrors
{
    /// <summary>
    /// SignalR puts this before a <see cref="HubException"/>'s own message in the completion's <c>error</c>; the .NET
    /// client's exception carries that text unchanged, as the JavaScript client's <c>Error</c> does.
    /// </summary>
    private static string Preamble(string method) => $"An unexpected error occurred invoking '{method}' on the server. HubException: ";

    public static void AssertRefused(HubException error, string method, string limit, int configured)
    {
        Assert.StartsWith(Preamble(method) + "429 Too Many Requests: " + limit + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(configured.ToString(CultureInfo.InvariantCulture), error.Message[Preamble(method).Length..], StringComparison.Ordinal);
    }

    public static int RetryAfterSeconds(HubException error) =>
        RetryAfter().Match(error.Message) is { Success: true } match
            ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new Xunit.Sdk.XunitException($"no retry-after in: {error.Message}");

    [GeneratedRegex(@"retry after (\d+) s\b")]
    private static partial Regex RetryAfter();
}
