using KpuOrleans.Evidence;

namespace KpuOrleans.Grains.Tests;

/// <summary>The embedded mode's disputes keep the contract PostgreSQL's do (Integration.Tests' PostgresDisputeRegisterTests).</summary>
public class InMemoryDisputeRegisterTests : DisputeRegisterContract
{
    protected override IDisputeRegister Register { get; } = new InMemoryDisputeRegister();
}
