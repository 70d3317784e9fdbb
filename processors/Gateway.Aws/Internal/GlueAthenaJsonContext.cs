using System.Text.Json.Serialization;
using Gateway.Aws.Athena;
using Gateway.Aws.Glue;

namespace Gateway.Aws.Internal;

// Source-generated so the clients stay trimming/AOT safe. Member names are the APIs' own (PascalCase);
// nulls are left out because the services treat a present null differently from an absent member.
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GlueTableRequest))]
[JsonSerializable(typeof(GlueGetTableRequest))]
[JsonSerializable(typeof(GlueCreateDatabaseRequest))]
[JsonSerializable(typeof(GlueGetTableResponse))]
[JsonSerializable(typeof(GlueEmptyResponse))]
[JsonSerializable(typeof(StartQueryExecutionRequest))]
[JsonSerializable(typeof(StartQueryExecutionResponse))]
[JsonSerializable(typeof(GetQueryExecutionRequest))]
[JsonSerializable(typeof(GetQueryExecutionResponse))]
[JsonSerializable(typeof(GetQueryResultsRequest))]
[JsonSerializable(typeof(GetQueryResultsResponse))]
[JsonSerializable(typeof(StopQueryExecutionRequest))]
[JsonSerializable(typeof(StopQueryExecutionResponse))]
internal sealed partial class GlueAthenaJsonContext : JsonSerializerContext;
