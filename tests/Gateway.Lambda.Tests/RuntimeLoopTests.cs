using System.Text.Json;
using Gateway.Lambda.Tests.Support;
using Gateway.Tests.Shared;

namespace Gateway.Lambda.Tests;

/// <summary>The real loop and HttpClient against the fake Runtime API on 127.0.0.1.</summary>
public sealed class RuntimeLoopTests : IAsyncLifetime
{
    private FakeRuntimeApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeRuntimeApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Handler_response_is_posted_to_the_invocation_response_path()
    {
        await using var bootstrap = RunningBootstrap.Start(_api, new RecordingHandler());
        _api.Enqueue(new FakeInvocation("req-1", """{"a":1}""", Some.EpochMs(DateTimeOffset.UtcNow.AddMinutes(1))));

        var post = await _api.PostFor("req-1");

        Assert.Equal("/2018-06-01/runtime/invocation/req-1/response", post.Path);
        Assert.Equal("""{"echo":7}""", post.Text);
        Assert.Null(post.ErrorTypeHeader);
        Assert.StartsWith("application/json", post.ContentType, StringComparison.Ordinal);
        await _api.NextCall(2);
        Assert.Equal(LambdaBootstrap.ExitStopped, await bootstrap.StopAsync());
        Assert.Equal(
            ["GET /2018-06-01/runtime/invocation/next", "POST /2018-06-01/runtime/invocation/req-1/response", "GET /2018-06-01/runtime/invocation/next"],
            _api.Requests);
    }

    [Fact]
    public async Task Invocations_are_served_one_after_another_in_arrival_order()
    {
        var handler = new RecordingHandler();
        await using var bootstrap = RunningBootstrap.Start(_api, handler);
        var deadline = Some.EpochMs(DateTimeOffset.UtcNow.AddMinutes(1));
        var payloads = Enumerable.Range(0, 5).Select(i => $$"""{"n":{{new string('x', i)}}}""").ToArray();
        for (var i = 0; i < payloads.Length; i++)
        {
            _api.Enqueue(new FakeInvocation($"req-{i}", payloads[i], deadline));
        }

        for (var i = 0; i < payloads.Length; i++)
        {
            var post = await _api.PostFor($"req-{i}");
            Assert.Equal($$"""{"echo":{{payloads[i].Length}}}""", post.Text);
        }

        Assert.Equal(payloads, handler.Seen.Select(s => s.Payload));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"req-{i}"), handler.Seen.Select(s => s.RequestId));

        // Strictly one invocation at a time: every response is posted before the next invocation is fetched.
        var requests = _api.Requests.ToList();
        for (var i = 0; i < payloads.Length; i++)
        {
            Assert.Equal("GET /2018-06-01/runtime/invocation/next", requests[2 * i]);
            Assert.Equal($"POST /2018-06-01/runtime/invocation/req-{i}/response", requests[(2 * i) + 1]);
        }
    }

    [Fact]
    public async Task Handler_exception_is_posted_to_the_error_path_with_type_message_and_stack()
    {
        await using var bootstrap = RunningBootstrap.Start(_api, new ThrowingHandler());
        var deadline = Some.EpochMs(DateTimeOffset.UtcNow.AddMinutes(1));
        _api.Enqueue(new FakeInvocation("req-boom", "\"boom\"", deadline));
        _api.Enqueue(new FakeInvocation("req-after", "\"fine\"", deadline));

        var error = await _api.PostFor("req-boom");

        Assert.Equal("/2018-06-01/runtime/invocation/req-boom/error", error.Path);
        Assert.Equal("Function.Unhandled", error.ErrorTypeHeader);
        var body = error.Json;
        Assert.Equal(["errorMessage", "errorType", "stackTrace"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("InvalidOperationException", body.GetProperty("errorType").GetString());
        Assert.Equal("The record at offset 3 is not a real-time log line.", body.GetProperty("errorMessage").GetString());
        var stack = body.GetProperty("stackTrace").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains(stack, line => line.Contains(nameof(ThrowingHandler), StringComparison.Ordinal));
        Assert.Contains("--- caused by FormatException: field 7 is empty", stack);

        // The loop goes on after a failed invocation.
        var next = await _api.PostFor("req-after");
        Assert.Equal("/2018-06-01/runtime/invocation/req-after/response", next.Path);
    }

    [Fact]
    public async Task Deadline_and_invocation_headers_reach_the_handler()
    {
        var time = new FakeTimeProvider(Some.Now);
        var handler = new RecordingHandler();
        await using var bootstrap = RunningBootstrap.Start(_api, handler, time);
        _api.Enqueue(new FakeInvocation("req-1", "{}", Some.EpochMs(Some.Now.AddSeconds(3)), Some.FunctionArn, Some.TraceId));
        _api.Enqueue(new FakeInvocation("req-2", "{}", Some.EpochMs(Some.Now.AddMilliseconds(900_123)), "arn:aws:lambda:us-east-1:123456789012:function:gateway-test:live"));

        await _api.PostFor("req-2");

        var seen = handler.Seen.ToList();
        Assert.Equal(Some.Now.AddSeconds(3), seen[0].Deadline);
        Assert.Equal(TimeSpan.FromSeconds(3), seen[0].RemainingTime);
        Assert.Equal(Some.FunctionArn, seen[0].FunctionArn);
        Assert.Equal(Some.TraceId, seen[0].TraceId);
        Assert.Equal(TimeSpan.FromMilliseconds(900_123), seen[1].RemainingTime);
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:gateway-test:live", seen[1].FunctionArn);
        Assert.Null(seen[1].TraceId);

        // _X_AMZN_TRACE_ID follows each invocation, and is cleared when one has no trace header.
        Assert.Equal([Some.TraceId, null], bootstrap.Environment.History("_X_AMZN_TRACE_ID"));
    }

    [Fact]
    public async Task Handler_still_running_near_the_deadline_is_cancelled_and_reported_as_deadline_exceeded()
    {
        var time = new FakeTimeProvider(Some.Now);
        var handler = new WaitsForCancellationHandler();
        await using var bootstrap = RunningBootstrap.Start(_api, handler, time);
        _api.Enqueue(new FakeInvocation("req-slow", "slow", Some.EpochMs(Some.Now.AddSeconds(2))));
        _api.Enqueue(new FakeInvocation("req-next", "quick", Some.EpochMs(Some.Now.AddSeconds(60))));
        await handler.Started;

        time.Advance(TimeSpan.FromMilliseconds(1749));
        Assert.False(_api.PostFor("req-slow").IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        var error = await _api.PostFor("req-slow");
        Assert.Equal("/2018-06-01/runtime/invocation/req-slow/error", error.Path);
        Assert.Equal("Runtime.DeadlineExceeded", error.ErrorTypeHeader);
        Assert.Equal("Runtime.DeadlineExceeded", error.Json.GetProperty("errorType").GetString());
        Assert.Contains("250 ms before the deadline", error.Json.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal("/2018-06-01/runtime/invocation/req-next/response", (await _api.PostFor("req-next")).Path);
    }

    [Fact]
    public async Task Invocation_arriving_after_its_deadline_is_reported_without_running_the_handler()
    {
        var time = new FakeTimeProvider(Some.Now);
        var handler = new WaitsForCancellationHandler();
        await using var bootstrap = RunningBootstrap.Start(_api, handler, time);
        _api.Enqueue(new FakeInvocation("req-late", "quick", Some.EpochMs(Some.Now.AddSeconds(-1))));
        _api.Enqueue(new FakeInvocation("req-ok", "quick", Some.EpochMs(Some.Now.AddSeconds(10))));

        var error = await _api.PostFor("req-late");
        await _api.PostFor("req-ok");

        Assert.Equal("/2018-06-01/runtime/invocation/req-late/error", error.Path);
        Assert.Equal("Runtime.DeadlineExceeded", error.ErrorTypeHeader);
        Assert.Contains("the handler did not run", error.Json.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task Invocation_without_a_deadline_header_still_runs_and_says_so_in_the_log()
    {
        var handler = new RecordingHandler();
        await using var bootstrap = RunningBootstrap.Start(_api, handler);
        _api.Enqueue(new FakeInvocation("req-1", "{}", DeadlineMs: null));

        var post = await _api.PostFor("req-1");

        Assert.Equal("/2018-06-01/runtime/invocation/req-1/response", post.Path);
        Assert.Equal(DateTimeOffset.MaxValue, Assert.Single(handler.Seen).Deadline);
        Assert.Contains("no usable Lambda-Runtime-Deadline-Ms header", bootstrap.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Typed_kinesis_handler_returns_a_partial_batch_response_through_the_loop()
    {
        var handler = new StopsAtFailHandler();
        await using var bootstrap = RunningBootstrap.Start(_api, handler);
        _api.Enqueue(new FakeInvocation("req-1", Some.KinesisEventJson("a", "b", "fail", "c", "fail"), Some.EpochMs(DateTimeOffset.UtcNow.AddMinutes(1))));

        var post = await _api.PostFor("req-1");

        Assert.Equal($$"""{"batchItemFailures":[{"itemIdentifier":"{{Some.SequenceNumber(2)}}"}]}""", post.Text);
        Assert.Equal(["a", "b"], handler.Processed);
    }

    [Fact]
    public async Task Malformed_event_for_a_typed_handler_is_reported_with_its_json_path()
    {
        await using var bootstrap = RunningBootstrap.Start(_api, new StopsAtFailHandler());
        _api.Enqueue(new FakeInvocation("req-1", """{"Records":[{"kinesis":{"data":42}}]}""", Some.EpochMs(DateTimeOffset.UtcNow.AddMinutes(1))));

        var error = await _api.PostFor("req-1");

        Assert.Equal("/2018-06-01/runtime/invocation/req-1/error", error.Path);
        Assert.Equal("JsonException", error.Json.GetProperty("errorType").GetString());
        Assert.Contains("$.Records[0].kinesis.data", error.Json.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Response_too_large_for_lambda_is_followed_by_an_invocation_error()
    {
        await using var bootstrap = RunningBootstrap.Start(_api, new RecordingHandler());
        _api.AnswerPost("req-big", "response", 413);
        _api.Enqueue(new FakeInvocation("req-big", "{}", Some.EpochMs(DateTimeOffset.UtcNow.AddMinutes(1))));

        var error = await _api.PostFor("req-big", "error");

        Assert.Equal("Runtime.ResponseTooLarge", error.ErrorTypeHeader);
        Assert.Contains("6 MB", error.Json.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_handler_posts_an_init_error_naming_the_valid_values_and_exits_non_zero()
    {
        var registry = new HandlerRegistry().Add("test", _ => new RecordingHandler()).Add("other", _ => new RecordingHandler());
        await using var bootstrap = RunningBootstrap.Start(_api, registry, "agregate");

        Assert.Equal(LambdaBootstrap.ExitInitFailed, await bootstrap.Exited);
        var error = await _api.InitError;
        Assert.Equal("/2018-06-01/runtime/init/error", error.Path);
        Assert.Equal("Runtime.NoSuchHandler", error.ErrorTypeHeader);
        Assert.Equal("Runtime.NoSuchHandler", error.Json.GetProperty("errorType").GetString());
        Assert.Equal("_HANDLER 'agregate' is not a Gateway handler. Valid values: test, other.", error.Json.GetProperty("errorMessage").GetString());
        Assert.Equal(JsonValueKind.Array, error.Json.GetProperty("stackTrace").ValueKind);

        // People read this in the Lambda console: apostrophes stay apostrophes, not \u0027.
        Assert.Contains("_HANDLER 'agregate'", error.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Requests, r => r.StartsWith("GET", StringComparison.Ordinal));
    }

    [Theory]
    // Not set at all: the function was created without a handler setting.
    [InlineData(null, "_HANDLER is not set. Set the function's handler to one of: test.")]
    // A pipeline handler that this build does not include yet.
    [InlineData("enrich", "_HANDLER 'enrich' is not built into this bootstrap yet. Valid values: test.")]
    // Lambda passes the setting verbatim, so case matters.
    [InlineData("TEST", "_HANDLER 'TEST' is not a Gateway handler. Valid values: test.")]
    public async Task Handler_setting_that_selects_nothing_is_an_init_error(string? handlerName, string message)
    {
        await using var bootstrap = RunningBootstrap.Start(_api, new HandlerRegistry().Add("test", _ => new RecordingHandler()), handlerName);

        Assert.Equal(LambdaBootstrap.ExitInitFailed, await bootstrap.Exited);
        Assert.Equal(message, (await _api.InitError).Json.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task Missing_configuration_in_a_handler_factory_is_reported_as_config_invalid()
    {
        var registry = new HandlerRegistry().Add("test", init =>
        {
            init.RequireVariable("GATEWAY_OUTPUT_STREAM");
            return new RecordingHandler();
        });
        await using var bootstrap = RunningBootstrap.Start(_api, registry, "test");

        Assert.Equal(LambdaBootstrap.ExitInitFailed, await bootstrap.Exited);
        var error = await _api.InitError;
        Assert.Equal("Runtime.ConfigInvalid", error.ErrorTypeHeader);
        Assert.Equal("Runtime.ConfigInvalid", error.Json.GetProperty("errorType").GetString());
        Assert.Equal(
            "Environment variable GATEWAY_OUTPUT_STREAM is not set; the 'test' handler needs it. Set it in the function's configuration.",
            error.Json.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task Crash_in_a_handler_factory_is_reported_as_an_init_error()
    {
        var registry = new HandlerRegistry().Add("test", _ => throw new InvalidOperationException("salt store unreadable"));
        await using var bootstrap = RunningBootstrap.Start(_api, registry, "test");

        Assert.Equal(LambdaBootstrap.ExitInitFailed, await bootstrap.Exited);
        var error = await _api.InitError;
        Assert.Equal("Runtime.UnknownReason", error.ErrorTypeHeader);
        Assert.Equal("InvalidOperationException", error.Json.GetProperty("errorType").GetString());
        Assert.Equal("salt store unreadable", error.Json.GetProperty("errorMessage").GetString());
    }

    [Theory]
    // 503 and 429: the API is briefly unavailable.
    [InlineData(503)]
    [InlineData(429)]
    // 0: the connection is dropped without a response.
    [InlineData(0)]
    public async Task Transient_runtime_api_failures_are_retried(int status)
    {
        _api.FailNext(2, status);
        await using var bootstrap = RunningBootstrap.Start(_api, new RecordingHandler());
        _api.Enqueue(new FakeInvocation("req-1", "{}", Some.EpochMs(DateTimeOffset.UtcNow.AddMinutes(1))));

        var post = await _api.PostFor("req-1");

        Assert.Equal("/2018-06-01/runtime/invocation/req-1/response", post.Path);
        Assert.Equal(3, _api.Requests.TakeWhile(r => r.StartsWith("GET", StringComparison.Ordinal)).Count());
        Assert.Contains("retry 2 of 3", bootstrap.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runtime_api_container_error_ends_the_process_without_retrying()
    {
        _api.FailNext(1, 500);
        await using var bootstrap = RunningBootstrap.Start(_api, new RecordingHandler());

        Assert.Equal(LambdaBootstrap.ExitRuntimeApiFailed, await bootstrap.Exited);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task Runtime_api_that_stays_unavailable_ends_the_process_after_three_retries()
    {
        _api.FailNext(10, 503);
        await using var bootstrap = RunningBootstrap.Start(_api, new RecordingHandler());

        Assert.Equal(LambdaBootstrap.ExitRuntimeApiFailed, await bootstrap.Exited);
        Assert.Equal(4, _api.Requests.Count);
    }

    [Fact]
    public async Task Shutdown_while_waiting_for_an_invocation_exits_cleanly()
    {
        await using var bootstrap = RunningBootstrap.Start(_api, new RecordingHandler());
        await _api.FirstNext;

        Assert.Equal(LambdaBootstrap.ExitStopped, await bootstrap.StopAsync());
    }

    [Fact]
    public async Task Logs_carry_the_request_id_but_never_the_event_payload()
    {
        await using var bootstrap = RunningBootstrap.Start(_api, new ThrowingHandler());
        _api.Enqueue(new FakeInvocation("req-private", """{"boom":"ip=203.0.113.7"}""", Some.EpochMs(DateTimeOffset.UtcNow.AddMinutes(1))));

        await _api.PostFor("req-private");
        await bootstrap.StopAsync();

        var log = bootstrap.Log;
        Assert.Contains("\treq-private\tERROR\tThe handler failed on an event of 25 bytes", log, StringComparison.Ordinal);
        Assert.DoesNotContain("203.0.113.7", log, StringComparison.Ordinal);
    }
}
