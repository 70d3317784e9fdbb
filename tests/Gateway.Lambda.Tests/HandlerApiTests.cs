using System.Text;
using System.Text.Json;
using Gateway.Lambda.Tests.Support;
using Gateway.Tests.Shared;

namespace Gateway.Lambda.Tests;

/// <summary>The surface handler authors use: registry, context, logger, the typed base and the health handler.</summary>
public sealed class HandlerApiTests
{
    [Fact]
    public void Registering_a_name_twice_is_rejected()
    {
        var registry = new HandlerRegistry().Add("enrich", _ => new RecordingHandler());

        Assert.Throws<ArgumentException>(() => registry.Add("enrich", _ => new RecordingHandler()));
    }

    [Fact]
    public void Built_in_registry_serves_the_health_aggregate_enrich_and_forward_handlers()
    {
        var registry = BuiltInHandlers.CreateRegistry();

        Assert.Equal([HandlerNames.Health, HandlerNames.Aggregate, HandlerNames.Enrich, HandlerNames.Forward], registry.Names);
        Assert.True(registry.TryGet("health", out _));
        Assert.True(registry.TryGet("aggregate", out _));
        Assert.True(registry.TryGet("enrich", out _));
    }

    [Fact]
    public void Remaining_time_counts_down_with_the_clock_and_stops_at_zero()
    {
        var time = new FakeTimeProvider(Some.Now);
        var context = new LambdaContext("req-1", Some.Now.AddSeconds(5), time, new LambdaLogger(TextWriter.Null, time));

        time.Advance(TimeSpan.FromMilliseconds(3500));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), context.RemainingTime);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, context.RemainingTime);
    }

    [Fact]
    public void Log_lines_have_time_request_id_level_and_message_columns()
    {
        var time = new FakeTimeProvider(Some.Now.AddMilliseconds(42));
        var output = new StringWriter();
        var logger = new LambdaLogger(output, time);

        logger.Info("init done");
        logger.ForRequest("req-7").Warn("slow destination");

        Assert.Equal(
            "2025-01-01T00:00:00.042Z\t-\tINFO\tinit done\n2025-01-01T00:00:00.042Z\treq-7\tWARN\tslow destination\n",
            output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Error_with_a_stack_trace_stays_one_log_line()
    {
        var output = new StringWriter();
        Exception thrown;
        try
        {
            throw new InvalidOperationException("first\nsecond");
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }

        new LambdaLogger(output, TimeProvider.System).Error("failed", thrown);

        var text = output.ToString();
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("first\rsecond", text, StringComparison.Ordinal);
        Assert.Contains(nameof(Error_with_a_stack_trace_stays_one_log_line), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_null_event_is_a_json_exception_naming_the_expected_type()
    {
        var time = new FakeTimeProvider(Some.Now);
        var context = new LambdaContext("req-1", Some.Now.AddSeconds(5), time, new LambdaLogger(TextWriter.Null, time));

        var error = await Assert.ThrowsAsync<JsonException>(async () => await new StopsAtFailHandler().HandleAsync("null"u8.ToArray(), context, CancellationToken.None));

        Assert.Equal("The event is JSON null; expected a KinesisEvent object.", error.Message);
    }

    [Fact]
    public async Task Health_handler_reports_ok_the_framework_and_the_remaining_time()
    {
        var time = new FakeTimeProvider(Some.Now);
        var context = new LambdaContext("req-1", Some.Now.AddMilliseconds(1234), time, new LambdaLogger(TextWriter.Null, time));

        var response = await new HealthHandler().HandleAsync("{\"anything\":1}"u8.ToArray(), context, CancellationToken.None);

        using var json = JsonDocument.Parse(response);
        Assert.Equal("ok", json.RootElement.GetProperty("status").GetString());
        Assert.StartsWith(".NET 10", json.RootElement.GetProperty("framework").GetString(), StringComparison.Ordinal);
        Assert.Equal(1234, json.RootElement.GetProperty("remainingMs").GetInt64());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("version").GetString()));
        Assert.DoesNotContain("anything", Encoding.UTF8.GetString(response.Span), StringComparison.Ordinal);
    }
}
