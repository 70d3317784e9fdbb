using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using Gateway.Lambda.Internal;

namespace Gateway.Lambda;

/// <summary>
/// <c>_HANDLER=health</c>: answers any event with the bootstrap's version, .NET version and remaining time, without
/// reading the event. A deployment invokes it once to prove that the trimmed single-file bootstrap starts on the
/// target runtime (provided.al2023) before any pipeline function depends on it.
/// </summary>
public sealed class HealthHandler : ILambdaHandler
{
    private static readonly string Version =
        typeof(HealthHandler).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Creates the handler.</summary>
    public HealthHandler()
    {
    }

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, LambdaContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var report = new HealthReport("ok", Version, RuntimeInformation.FrameworkDescription, (long)context.RemainingTime.TotalMilliseconds);
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(JsonSerializer.SerializeToUtf8Bytes(report, RuntimeJsonContext.Readable.HealthReport));
    }
}
