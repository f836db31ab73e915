namespace KpuOrleans.Browser.Tests.Infrastructure;

/// <summary>
/// The embedded gateway on the whole country's registry (<c>Registry:Path</c> = the project's <c>data/indonesia</c>),
/// for one test class: it runs beside the collection's Jawa Timur gateway, which is idle meanwhile.
/// </summary>
public sealed class NationalGateway : IAsyncLifetime
{
    public GatewayServer Gateway { get; private set; } = null!;

    public async Task InitializeAsync() => Gateway = await GatewayServer.StartAsync(registryFolder: Indonesia.Folder);

    public async Task DisposeAsync()
    {
        if (Gateway is not null) await Gateway.DisposeAsync();
    }
}
