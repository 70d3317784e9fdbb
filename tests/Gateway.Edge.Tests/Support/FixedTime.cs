namespace Gateway.Edge.Tests.Support;

/// <summary>A clock that always says the same instant, so record timestamps are exact.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
