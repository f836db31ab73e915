using System.Text;
using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.Simulator;
using KpuOrleans.Simulator.Forms;
using KpuOrleans.Simulator.Options;
using KpuOrleans.Simulator.Script;
using KpuOrleans.Simulator.Sending;
using KpuOrleans.Simulator.Tokens;

namespace KpuOrleans.Bench.Sender;

/// <summary>One HTTP request, complete on the wire, and the forms it carries (<see cref="FloodRequests.Forms"/>[First..First+Count]).</summary>
/// <param name="Token">The officer's token (the same string the officers' cache holds), for the dump.</param>
/// <param name="BodyLength">The JSON body is the last this many bytes of <paramref name="Bytes"/>.</param>
internal sealed record PreparedRequest(byte[] Bytes, int First, int Count, string? Token, int BodyLength);

/// <summary>
/// The simulator's flood, first forms only, built into requests before anything is sent: the same script (every TPS
/// and race of the slice, its seed), the same shuffled order as its flood queue, the same JSON and the same officer's
/// token per request, so that what the sender measures is the target, not the making of requests.
/// </summary>
internal sealed class FloodRequests
{
    private FloodRequests(RegionRegistry registry, IReadOnlyList<RegionInfo> slice, int tps, IReadOnlyList<ResultForm> forms, IReadOnlyList<PreparedRequest> requests)
    {
        Registry = registry;
        Slice = slice;
        TpsCount = tps;
        Forms = forms;
        Requests = requests;
    }

    public RegionRegistry Registry { get; }
    public IReadOnlyList<RegionInfo> Slice { get; }
    public int TpsCount { get; }

    /// <summary>Every form, in sending order.</summary>
    public IReadOnlyList<ResultForm> Forms { get; }

    public IReadOnlyList<PreparedRequest> Requests { get; }

    /// <summary>Sent to the batch endpoint (even a last batch of one form).</summary>
    public bool Batched { get; private init; }

    public string SliceName => Slice is [{ Level: Level.Province or Level.Nation } root] ? $"the whole of {root.Name}" : $"regions {string.Join(",", Slice.Select(r => r.Code))}";

    public static FloodRequests Build(SenderOptions options)
    {
        var registry = RegionRegistry.Load(RegistryFiles.InFolder(options.DataFolder ?? Path.Combine(AppContext.BaseDirectory, "data")));
        var slice = SimulationRunner.Slice(registry, new SimulatorOptions { Regions = options.Regions });
        var script = ElectionScript.Write(registry, slice.SelectMany(r => registry.TpsUnder(r.Code)).DistinctBy(t => t.Code), options.Seed,
            SubmissionMix.FirstFormsOnly, ArrivalCurve.Pilkada2024, () => { });
        // As FloodQueue orders them, so that each batch holds the forms (and so the officer) the simulator's would.
        var order = script.Races.Where(r => r.Current is not null).ToList();
        SeededRandom.For(options.Seed, "flood-order").Shuffle(order);
        var batches = Batches(order.Select(r => r.Current!.Form), options.Batch);
        var forms = batches.SelectMany(b => b).ToList();

        var officers = OfficerTokens.From(options.TokenKey);
        var target = options.Target;
        var path = target.AbsolutePath + (options.Batch > 1 ? "api/v1/results/batch" : "api/v1/results");
        var host = target.IsDefaultPort ? target.Host : $"{target.Host}:{target.Port}";
        var requests = new List<PreparedRequest>(batches.Count);
        var first = 0;
        foreach (var chunk in batches)
        {
            var body = options.Batch > 1 ? FormJsonWriter.Batch(chunk) : FormJsonWriter.One(chunk[0]);
            var token = officers is null ? null : options.Batch > 1 ? officers.For(chunk) : officers.For(chunk[0]);
            requests.Add(new PreparedRequest(Wire(path, host, token, body), first, chunk.Count, token, body.Length));
            first += chunk.Count;
        }
        return new FloodRequests(registry, slice, script.TpsCount, forms, requests) { Batched = options.Batch > 1 };
    }

    /// <summary>
    /// The forms cut into requests of up to <paramref name="size"/>, each of one province: a batch is sent by one office,
    /// no office that writes spans provinces (KPU RI reads and operates only), so over the whole country each batch takes
    /// the next forms of its province in flood order, and a province's last few go as a smaller batch at the end.
    /// Within one province (Jawa Timur) these are the flood order cut every <paramref name="size"/> forms, as always.
    /// </summary>
    internal static List<List<ResultForm>> Batches(IEnumerable<ResultForm> forms, int size)
    {
        var batches = new List<List<ResultForm>>();
        var filling = new Dictionary<string, List<ResultForm>>(StringComparer.Ordinal);
        foreach (var form in forms)
        {
            var province = RegionCode.TryParse(form.Tps, out var code) ? code.AncestorAt(Level.Province).Value : form.Tps;
            if (!filling.TryGetValue(province, out var batch)) filling[province] = batch = new List<ResultForm>(size);
            batch.Add(form);
            if (batch.Count < size) continue;
            batches.Add(batch);
            filling.Remove(province);
        }
        batches.AddRange(filling.Values);
        return batches;
    }

    private static byte[] Wire(string path, string host, string? token, byte[] body)
    {
        var head = new StringBuilder(256)
            .Append("POST ").Append(path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(host).Append("\r\n")
            .Append("Content-Type: application/json\r\n");
        if (token is not null) head.Append("Authorization: Bearer ").Append(token).Append("\r\n");
        head.Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
    }

    /// <summary>For wrk: one line per request, the token (empty without one), a tab, the JSON body.</summary>
    public async Task DumpAsync(string path)
    {
        await using var file = new StreamWriter(path, false, new UTF8Encoding(false));
        foreach (var request in Requests)
        {
            await file.WriteAsync(request.Token ?? "");
            await file.WriteAsync('\t');
            await file.WriteAsync(Encoding.UTF8.GetString(request.Bytes, request.Bytes.Length - request.BodyLength, request.BodyLength));
            await file.WriteAsync('\n');
        }
    }
}
