using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Processing.Forwarding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Cli;

/// <summary>
/// The forward stage's read-only admin routes, on the authenticated group of <see cref="AdminApi.MapAdminApi"/>:
/// <c>GET /admin/api/metrics</c> (per pixel and event name, or <c>?by=hour</c>), <c>GET /admin/api/dlq</c> (dead letters
/// and spill per destination, with each destination's breaker).
/// </summary>
internal static class ForwardStatusApi
{
    public static RouteGroupBuilder MapForwardStatus(this RouteGroupBuilder admin, ForwardStage stage, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(stage);
        var clock = time ?? TimeProvider.System;
        admin.MapGet("/metrics", (HttpRequest request) => Metrics(stage.Metrics, request, clock.GetUtcNow()));
        admin.MapGet("/dlq", (CancellationToken cancellationToken) => DeadLettersAsync(stage.Destinations, cancellationToken));
        return admin;
    }

    // ?since=&until= (ISO 8601, default the last 30 days), ?pixel=, ?by=hour for the hourly series.
    private static Results<ContentHttpResult, BadRequest<string>> Metrics(ForwardMetrics metrics, HttpRequest request, DateTimeOffset now)
    {
        if (!TryTime(request.Query["since"], now.AddDays(-30), out var since) || !TryTime(request.Query["until"], now.AddHours(1), out var until))
        {
            return TypedResults.BadRequest("since and until are ISO 8601 times, e.g. 2026-11-23T00:00:00Z");
        }

        var pixel = request.Query["pixel"].FirstOrDefault();
        var json = Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("since", since);
            writer.WriteString("until", until);
            if (request.Query["by"] == "hour")
            {
                writer.WriteStartArray("hours");
                foreach (var bucket in metrics.Buckets(since, until, pixel))
                {
                    JsonSerializer.Serialize(writer, bucket, ForwardStatusJson.Default.ForwardMetricsBucket);
                }
            }
            else
            {
                writer.WriteStartArray("events");
                foreach (var row in metrics.Query(since, until, pixel))
                {
                    JsonSerializer.Serialize(writer, row, ForwardStatusJson.Default.ForwardMetricsRow);
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
        return TypedResults.Content(json, "application/json");
    }

    private static async Task<ContentHttpResult> DeadLettersAsync(ForwardDestinations destinations, CancellationToken cancellationToken)
    {
        var dead = await destinations.DeadLetters.TotalsAsync(cancellationToken).ConfigureAwait(false);
        var spill = await destinations.Spill.TotalsAsync(cancellationToken).ConfigureAwait(false);
        var json = Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("deadLetters", destinations.DeadLetters.Location);
            writer.WriteString("spill", destinations.Spill.Location);
            writer.WriteStartArray("destinations");
            var names = destinations.All.Select(s => s.Settings.Name).Concat(dead.Keys).Concat(spill.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            foreach (var name in names)
            {
                writer.WriteStartObject();
                writer.WriteString("name", name);
                if (destinations.Get(name) is { } sender)
                {
                    writer.WriteString("breaker", sender.Breaker.State.ToString().ToLowerInvariant());
                    if (sender.Breaker.State != CircuitState.Closed)
                    {
                        writer.WriteString("probeAt", sender.Breaker.ReopenAt);
                    }
                }
                else
                {
                    writer.WriteString("breaker", "not configured");
                }

                var (deadBatches, deadBytes) = dead.GetValueOrDefault(name);
                var (spillBatches, spillBytes) = spill.GetValueOrDefault(name);
                writer.WriteNumber("deadLetterBatches", deadBatches);
                writer.WriteNumber("deadLetterBytes", deadBytes);
                writer.WriteNumber("spillBatches", spillBatches);
                writer.WriteNumber("spillBytes", spillBytes);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
        return TypedResults.Content(json, "application/json");
    }

    private static bool TryTime(string? text, DateTimeOffset fallback, out DateTimeOffset value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>Source-generated JSON for the metrics records (camelCase).</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ForwardMetricsRow))]
[System.Text.Json.Serialization.JsonSerializable(typeof(ForwardMetricsBucket))]
internal sealed partial class ForwardStatusJson : System.Text.Json.Serialization.JsonSerializerContext;
