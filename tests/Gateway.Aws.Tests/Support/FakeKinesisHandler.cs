using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Aws.Tests.Support;

/// <summary>One request the fake received, with the parts tests check.</summary>
internal sealed record FakeCall(string Operation, string Target, JsonNode Body, string BodyText, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The PutRecords entries' partition keys, in request order.</summary>
    public IReadOnlyList<string> PartitionKeys => Body["Records"]!.AsArray().Select(r => (string)r!["PartitionKey"]!).ToList();
}

/// <summary>An HTTP handler standing in for Kinesis: records each request and answers with what the test scripts.</summary>
internal sealed class FakeKinesisHandler(Func<FakeCall, HttpResponseMessage> respond) : HttpMessageHandler
{
    private readonly Lock _gate = new();
    private readonly List<FakeCall> _calls = [];

    public IReadOnlyList<FakeCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };

    public static HttpResponseMessage Error(string type, string message, HttpStatusCode status = HttpStatusCode.BadRequest) =>
        Json(new JsonObject { ["__type"] = type, ["message"] = message }.ToJsonString(), status);

    /// <summary>A PutRecords answer: entries whose index is in <paramref name="failed"/> get <paramref name="errorCode"/>, the rest succeed.</summary>
    public static HttpResponseMessage PutRecordsResult(FakeCall call, ISet<int> failed, string errorCode = "ProvisionedThroughputExceededException")
    {
        var count = call.Body["Records"]!.AsArray().Count;
        var records = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            records.Add(failed.Contains(i)
                ? new JsonObject { ["ErrorCode"] = errorCode, ["ErrorMessage"] = $"Rate exceeded for shard shardId-000000000000 in stream s under account 111122223333." }
                : new JsonObject { ["SequenceNumber"] = "495903382714902566085596925383615710959215759891365" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture), ["ShardId"] = "shardId-000000000000" });
        }

        return Json(new JsonObject { ["FailedRecordCount"] = failed.Count(i => i < count), ["Records"] = records }.ToJsonString());
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var text = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value), StringComparer.Ordinal);
        var target = headers.GetValueOrDefault("x-amz-target", "");
        var call = new FakeCall(target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..], target, JsonNode.Parse(text.Length == 0 ? "{}" : text)!, text, headers);
        lock (_gate)
        {
            _calls.Add(call);
        }

        return respond(call);
    }
}
