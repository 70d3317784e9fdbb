namespace Gateway.Aws.Glue;

// The Glue JSON 1.1 bodies (botocore glue/2017-03-31). Requests send GlueTableInput as it is: its property names are
// the API's own. GetTable answers with a Table that has more members (CreateTime, VersionId, CatalogId …) and may
// lack some that GlueTableInput requires (a view has no Location), so it is read into these lenient shapes first.

/// <summary>CreateTable and UpdateTable input.</summary>
internal sealed record GlueTableRequest(string DatabaseName, GlueTableInput TableInput);

/// <summary>CreateDatabase input.</summary>
internal sealed record GlueCreateDatabaseRequest(GlueDatabaseInput DatabaseInput);

/// <summary>A Glue <c>DatabaseInput</c>: the members this client sets.</summary>
internal sealed record GlueDatabaseInput(string Name, string? Description);

/// <summary>GetTable input.</summary>
internal sealed record GlueGetTableRequest(string DatabaseName, string Name);

/// <summary>An answer whose members this client does not need (CreateTable, UpdateTable).</summary>
internal sealed record GlueEmptyResponse;

/// <summary>GetTable output.</summary>
internal sealed record GlueGetTableResponse
{
    public GlueTableWire? Table { get; init; }
}

/// <summary>A Glue <c>Table</c> as GetTable returns it; members this client does not compare are ignored.</summary>
internal sealed record GlueTableWire
{
    public string? Name { get; init; }

    public string? Description { get; init; }

    public string? TableType { get; init; }

    public Dictionary<string, string>? Parameters { get; init; }

    public List<GlueColumnWire>? PartitionKeys { get; init; }

    public GlueStorageDescriptorWire? StorageDescriptor { get; init; }

    /// <summary>The table as the input shape; absent lists and maps become empty, absent strings empty.</summary>
    public GlueTableInput ToInput() => new(
        Name ?? "",
        Description,
        TableType ?? "",
        Parameters ?? [],
        ToColumns(PartitionKeys),
        new GlueStorageDescriptor(
            ToColumns(StorageDescriptor?.Columns),
            StorageDescriptor?.Location ?? "",
            StorageDescriptor?.InputFormat ?? "",
            StorageDescriptor?.OutputFormat ?? "",
            StorageDescriptor?.Compressed ?? false,
            new GlueSerDeInfo(StorageDescriptor?.SerdeInfo?.SerializationLibrary ?? "", StorageDescriptor?.SerdeInfo?.Parameters ?? [])));

    private static List<GlueColumn> ToColumns(List<GlueColumnWire>? columns) =>
        columns is null ? [] : [.. columns.Select(static c => new GlueColumn(c.Name ?? "", c.Type ?? "", c.Comment))];
}

/// <summary>A Glue <c>Column</c>.</summary>
internal sealed record GlueColumnWire
{
    public string? Name { get; init; }

    public string? Type { get; init; }

    public string? Comment { get; init; }
}

/// <summary>A Glue <c>StorageDescriptor</c>.</summary>
internal sealed record GlueStorageDescriptorWire
{
    public List<GlueColumnWire>? Columns { get; init; }

    public string? Location { get; init; }

    public string? InputFormat { get; init; }

    public string? OutputFormat { get; init; }

    public bool? Compressed { get; init; }

    public GlueSerDeInfoWire? SerdeInfo { get; init; }
}

/// <summary>A Glue <c>SerDeInfo</c>.</summary>
internal sealed record GlueSerDeInfoWire
{
    public string? SerializationLibrary { get; init; }

    public Dictionary<string, string>? Parameters { get; init; }
}
