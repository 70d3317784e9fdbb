using System.Text.Json.Nodes;

namespace Gateway.Dashboards.CloudWatch.Internal;

/// <summary>Places widgets left to right on CloudWatch's 24-column grid, starting a new row when one does not fit.</summary>
internal sealed class DashboardGrid
{
    /// <summary>The dashboard grid's width in columns.</summary>
    public const int Columns = 24;

    private readonly JsonArray _widgets = [];
    private int _x;
    private int _y;
    private int _rowHeight;

    /// <summary>The placed widgets.</summary>
    public JsonArray Widgets => _widgets;

    /// <summary>Places a widget of <paramref name="type"/> (metric, text, alarm) after the previous one.</summary>
    public void Add(string type, int width, int height, JsonObject properties)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, Columns);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (_x + width > Columns)
        {
            NewRow();
        }

        _widgets.Add((JsonNode)new JsonObject
        {
            ["type"] = type,
            ["x"] = _x,
            ["y"] = _y,
            ["width"] = width,
            ["height"] = height,
            ["properties"] = properties,
        });
        _x += width;
        _rowHeight = Math.Max(_rowHeight, height);
    }

    /// <summary>Starts a new row below the tallest widget of the current one (a no-op on an empty row).</summary>
    public void NewRow()
    {
        _y += _rowHeight;
        _x = 0;
        _rowHeight = 0;
    }
}
