using System.Threading.Channels;
using KpuOrleans.Ingest;
using KpuOrleans.Ledger;
using KpuOrleans.Telemetry;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Gateway.Ingest;

/// <summary>
/// Carries the gateway's forms to the silo in batches: forms arriving while a call is on its way gather for up to
/// <see cref="IngestOptions.Window"/> (or <see cref="IngestOptions.MaxBatch"/> of them) and go in one call to an
/// <see cref="IIngestGrain"/>, instead of one grain call each. Each sender still gets its own form's receipt.
/// </summary>
public sealed class FormCourier : IAsyncDisposable
{
    private readonly IGrainFactory _grains;
    private readonly IngestOptions _options;
    private readonly ILogger<FormCourier> _logger;
    private readonly Channel<Parcel> _queue = Channel.CreateUnbounded<Parcel>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _calls;
    private int _held;
    private int _queued;
    private int _route;
    private int _callsOut;

    public FormCourier(IGrainFactory grains, IOptions<IngestOptions> options, ILogger<FormCourier> logger)
    {
        _grains = grains;
        _options = options.Value;
        _logger = logger;
        _calls = new SemaphoreSlim(_options.MaxCallsInFlight);
        _ = Task.Run(DispatchAsync);
    }

    /// <summary>
    /// Ingest grains the calls take turns at. A client sends every call for one grain through one silo, so a single
    /// key would put all of a gateway's forms on one silo, and all of them at risk when it dies; each key goes its way.
    /// </summary>
    private const int Routes = 16;

    public const string Full =
        "The gateway holds as many forms on their way to the cluster as it may; this one was not sent and not accepted. Retry later.";

    /// <summary>Forms waiting or on their way now (bounded by <see cref="IngestOptions.MaxQueue"/>).</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>The form's receipt; never throws for the form's own failure, which is a receipt too.</summary>
    public Task<Receipt> SendAsync(Submission submission)
    {
        if (Interlocked.Increment(ref _held) > _options.MaxQueue)
        {
            Interlocked.Decrement(ref _held);
            return Task.FromResult(Receipt.Unavailable(Full));
        }
        var parcel = new Parcel(submission);
        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(parcel))
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Decrement(ref _held);
            return Task.FromResult(Receipt.Unavailable(Full));
        }
        return parcel.Receipt.Task;
    }

    private async Task DispatchAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            await _calls.WaitAsync();
            // A call already out means forms are coming fast: wait for company, unless a full batch is waiting already.
            // Otherwise go at once.
            if (Volatile.Read(ref _callsOut) > 0 && _options.Window > TimeSpan.Zero && Volatile.Read(ref _queued) < _options.MaxBatch)
                await Task.Delay(_options.Window);
            var batch = new List<Parcel>();
            while (batch.Count < _options.MaxBatch && reader.TryRead(out var parcel)) batch.Add(parcel);
            Interlocked.Add(ref _queued, -batch.Count);
            Interlocked.Increment(ref _callsOut);
            _ = CarryAsync(batch);
        }
    }

    private async Task CarryAsync(List<Parcel> batch)
    {
        try
        {
            KpuMetrics.IngestBatchSize.Record(batch.Count);
            var submissions = new Submission[batch.Count];
            for (var i = 0; i < batch.Count; i++) submissions[i] = batch[i].Submission;
            var receipts = await _grains.GetGrain<IIngestGrain>((uint)Interlocked.Increment(ref _route) % Routes).Submit(submissions);
            for (var i = 0; i < batch.Count; i++) batch[i].Receipt.TrySetResult(receipts[i]);
        }
        catch (Exception e)
        {
            // The whole call failed (timeout, silo lost): each form may have been judged and stored, or not.
            _logger.LogError(e, "A call carrying {Count} forms got no answer; whether they were stored is unknown", batch.Count);
            var receipt = e is LedgerUnavailableException ? Receipt.Unavailable(IngestGrain.NotActivated) : Receipt.OutcomeUnknown(IngestGrain.Unanswered);
            foreach (var parcel in batch) parcel.Receipt.TrySetResult(receipt);
        }
        finally
        {
            Interlocked.Add(ref _held, -batch.Count);
            Interlocked.Decrement(ref _callsOut);
            _calls.Release();
        }
    }

    /// <summary>
    /// Ends the dispatch once what is queued has gone. The host stops only after its requests are answered, so
    /// nothing waits here by then.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    private sealed class Parcel(Submission submission)
    {
        public Submission Submission { get; } = submission;

        public TaskCompletionSource<Receipt> Receipt { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
