using KpuOrleans.Registry;
using KpuOrleans.Simulator.Script;

namespace KpuOrleans.Simulator.Options;

internal enum RunMode
{
    /// <summary>Replays election night's arrival curve, sped up.</summary>
    Night,

    /// <summary>Sends everything as fast as the target takes it.</summary>
    Flood,
}

/// <summary>Everything the command line sets; the defaults are those <c>--help</c> prints.</summary>
internal sealed record SimulatorOptions
{
    public RunMode Mode { get; init; } = RunMode.Night;
    public Uri Target { get; init; } = new("http://localhost:5080/");

    /// <summary>Region codes to restrict the run to; empty: the whole registry.</summary>
    public IReadOnlyList<string> Regions { get; init; } = [];

    public long Seed { get; init; } = 2024;
    public double Speed { get; init; } = 720;
    public int Concurrency { get; init; } = 16;
    public int Batch { get; init; } = 1;
    public double RetriesPct { get; init; } = 3;
    public double CorrectionsPct { get; init; } = 1;
    public double InvalidPct { get; init; } = 1;
    public int Subscribers { get; init; }

    /// <summary>How many of <see cref="Subscribers"/> stop reading mid-run.</summary>
    public int StalledSubscribers { get; init; }
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public int Attempts { get; init; } = 3;
    /// <summary>The deepest level the final check reads; null: no tally check (a target without tallies).</summary>
    public Level? CheckDownTo { get; init; } = Level.Village;

    /// <summary>Base64 HS256 key to sign each officer's token with; null: send no tokens (writers do not authenticate).</summary>
    public string? TokenKey { get; init; }

    /// <summary>Where to write the run's figures as JSON (for the benchmark suite); null: nowhere.</summary>
    public string? ReportJson { get; init; }

    /// <summary>The registry folder (<c>--registry</c>, or its older name <c>--data</c>); null: as the gateways choose it (<see cref="RegistryFolder"/>).</summary>
    public string? DataFolder { get; init; }

    /// <summary>
    /// The registry the run is written for, chosen as the gateways choose theirs: the folder typed, else
    /// <c>Registry__Path</c> (e.g. <c>data/indonesia</c>), else Jawa Timur's <c>data/</c> beside the binaries. A relative
    /// folder is taken from the working directory, else from beside the binaries, where <c>data/indonesia</c> is copied too.
    /// </summary>
    public string RegistryFolder(string? fromEnvironment)
    {
        var chosen = DataFolder ?? (string.IsNullOrEmpty(fromEnvironment) ? null : fromEnvironment);
        if (chosen is null) return Path.Combine(AppContext.BaseDirectory, "data");
        if (Path.IsPathRooted(chosen) || Directory.Exists(chosen)) return Path.GetFullPath(chosen);
        var besideBinaries = Path.Combine(AppContext.BaseDirectory, chosen);
        return Directory.Exists(besideBinaries) ? besideBinaries : Path.GetFullPath(chosen);
    }

    /// <summary>Loads the registry of <see cref="RegistryFolder"/>, with <c>Registry__Path</c> from this process's environment.</summary>
    public RegionRegistry LoadRegistry() =>
        RegionRegistry.Load(RegistryFiles.InFolder(RegistryFolder(Environment.GetEnvironmentVariable("Registry__Path"))));

    /// <summary>Share (0–1) of (TPS, race) pairs whose forms cite photos of their C.Hasil sheet.</summary>
    public double PhotosShare { get; init; }

    /// <summary>Pages each photographed form cites (1–8).</summary>
    public int PhotoPages { get; init; } = 1;

    /// <summary>Share (0–1) of photographed forms whose pages are uploaded after the form, as over a bad network.</summary>
    public double PhotoLateShare { get; init; }

    /// <summary>Share (0–1) of TPS where one race's photo shows a number other than the form's, and a dispute is filed.</summary>
    public double DisputeShare { get; init; }

    public bool Plain { get; init; }
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    public SubmissionMix Mix => new(RetriesPct, CorrectionsPct, InvalidPct);

    public Photos.PhotoPlan PhotoPlan => new(PhotosShare, PhotoPages, PhotoLateShare, DisputeShare);
}
