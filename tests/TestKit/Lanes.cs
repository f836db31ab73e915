namespace KpuOrleans.TestKit;

/// <summary>
/// The test lanes, as xunit traits: <c>[Trait(Lanes.Category, Lanes.Slow)]</c> on a test class (or on single tests of a
/// class that mixes both) puts it in the slow lane. <c>dotnet test</c> runs every lane; <c>dotnet test --filter
/// "Category!=Slow"</c> runs the fast one, which must pass on a machine without PostgreSQL or Chromium.
/// </summary>
/// <remarks>
/// Slow: anything that starts a process (a gateway, a silo, a program of the repository, PostgreSQL through
/// scripts/postgres.sh), talks to PostgreSQL, drives Chromium, runs a multi-silo cluster or a long simulation, or
/// otherwise takes more than a few seconds. <see cref="SlowLaneGuard"/> finds the first three by reading the tests' code.
/// </remarks>
public static class Lanes
{
    public const string Category = "Category";

    public const string Slow = "Slow";
}
