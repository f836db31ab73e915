namespace KpuOrleans.TestKit;

public static class Repository
{
    /// <summary>The folder holding KpuOrleans.sln, found upwards from the test binaries.</summary>
    public static string Root { get; } = Find();

    /// <summary>Debug or Release: whichever the tests were built as, the programs they run were built as too.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    /// <summary>Where a test run's artifacts go: TestResults/ beside the test binaries.</summary>
    public static string TestResults { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults")).FullName;

    /// <summary>A program's build output, e.g. <c>("src/Gateway", "KpuOrleans.Gateway.dll")</c>.</summary>
    public static string BuildOutput(string folder, string assembly)
    {
        var path = Path.Combine(Root, folder, "bin", Configuration, "net10.0", assembly);
        return File.Exists(path) ? path : throw new FileNotFoundException($"build output {path} is missing; build the solution first");
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KpuOrleans.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("KpuOrleans.sln not found above " + AppContext.BaseDirectory);
    }
}
