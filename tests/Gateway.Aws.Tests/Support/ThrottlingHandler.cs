using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Aws.Tests.Support;

/// <summary>
/// Sits in front of a real Kinesis-API server and makes some PutRecords entries fail the way a throttled shard does:
/// those entries are <em>not</em> forwarded (so not stored) and come back as ProvisionedThroughputExceededException at
/// their position, while the rest are stored by the server and answered with its own results.
/// </summary>
internal sealed class ThrottlingHandler(Func<int, int, bool> throttle) : DelegatingHandler(new SocketsHttpHandler())
{
    private int _putRecordsCalls;

    public int ThrottledEntries { get; private set; }

    /// <param name="throttle">(PutRecords call number from 1, entry index) → whether to throttle that entry.</param>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.Single() : "";
        if (target != "Kinesis_20131202.PutRecords")
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var call = Interlocked.Increment(ref _putRecordsCalls);
        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
        var records = body["Records"]!.AsArray();
        var throttled = Enumerable.Range(0, records.Count).Where(i => throttle(call, i)).ToHashSet();
        if (throttled.Count == 0)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        ThrottledEntries += throttled.Count;
        var forwarded = new JsonArray(records.Where((_, i) => !throttled.Contains(i)).Select(r => r!.DeepClone()).ToArray());
        var stored = new JsonArray();
        if (forwarded.Count > 0)
        {
            body["Records"] = forwarded;
            // kinesalite checks that a request is signed, not the signature, so the rewritten body needs no re-signing.
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToJsonString()));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
            using var response = await base.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            stored = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!["Records"]!.AsArray();
        }

        var merged = new JsonArray();
        var next = 0;
        for (var i = 0; i < records.Count; i++)
        {
            merged.Add(throttled.Contains(i)
                ? new JsonObject { ["ErrorCode"] = "ProvisionedThroughputExceededException", ["ErrorMessage"] = "Rate exceeded for shard in stream under account 000000000000." }
                : stored[next++]!.DeepClone());
        }

        var json = new JsonObject { ["FailedRecordCount"] = throttled.Count, ["Records"] = merged }.ToJsonString();
        return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };
    }
}
