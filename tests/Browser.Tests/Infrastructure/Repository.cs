namespace KpuOrleans.Browser.Tests.Infrastructure;

public static class Repository
{
    /// <summary>The folder holding KpuOrleans.sln, found upwards from the test binaries.</summary>
    public static string Root { get; } = Find();

    /// <summary>Debug or Release: whichever these tests were built as, the gateway was built as too.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    /// <summary>Where this run's artifacts go: TestResults/ beside the test binaries.</summary>
    public static string TestResults { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults")).FullName;

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KpuOrleans.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("KpuOrleans.sln not found above " + AppContext.BaseDirectory);
    }
}
