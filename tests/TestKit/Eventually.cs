namespace KpuOrleans.TestKit;

/// <summary>Polls a condition until it holds or a deadline passes; the failure names what was last seen.</summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<Task<(bool Ok, string Seen)>> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var (ok, seen) = await condition();
            if (ok) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not hold within {within.TotalSeconds:N0}s; last seen: {seen}");
            await Task.Delay(25);
        }
    }
}
