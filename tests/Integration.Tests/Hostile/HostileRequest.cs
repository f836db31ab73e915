using System.Text;

namespace KpuOrleans.Integration.Tests.Hostile;

/// <summary>One hostile request; <see cref="HostileRequests.Create"/> rebuilds it from the seed and its index.</summary>
public sealed record HostileRequest(int Index, string Category, string Kind, HttpMethod Method, string Path, byte[]? Body = null,
    string? Authorization = null, string? ContentType = "application/json", bool Chunked = false, string? IfNoneMatch = null)
{
    public override string ToString()
    {
        var body = Body is null ? "" : Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 240)).ReplaceLineEndings("⏎");
        var printable = new string([.. body.Select(c => char.IsControl(c) ? '·' : c)]);
        return $"#{Index} {Category}/{Kind}: {Method} {Path[..Math.Min(Path.Length, 160)]} [{Body?.Length ?? 0} B] {printable}";
    }
}
