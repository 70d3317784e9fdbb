using System.Text.Json.Nodes;
using Gateway.Tests.Shared;

namespace Gateway.Processing.Tests.Support;

/// <summary>
/// Runs tools/kpl/kpl.js, which wraps the npm package aws-kinesis-agg: one node process per batch of JSON-line
/// requests. A missing node or package fails the test: the cross-check is the point, so it must not be skipped.
/// </summary>
internal static class NodeKpl
{
    public static IReadOnlyList<JsonObject> Aggregate(IReadOnlyList<string> requests) => Run("aggregate", requests);

    public static IReadOnlyList<JsonObject> Deaggregate(IReadOnlyList<string> requests) => Run("deaggregate", requests);

    private static List<JsonObject> Run(string mode, IReadOnlyList<string> requests) =>
        NodeScript.Run("aws-kinesis-agg", Path.Combine(RepositoryRoot.Path, "tools", "kpl", "kpl.js"), [mode], requests);
}
