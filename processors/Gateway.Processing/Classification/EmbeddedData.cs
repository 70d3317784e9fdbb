using System.Reflection;

namespace Gateway.Processing.Classification;

/// <summary>The data files embedded next to the classifiers, read as lines without comments or blanks.</summary>
internal static class EmbeddedData
{
    public static IEnumerable<string> Lines(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Gateway.Processing.Classification." + name)
            ?? throw new InvalidOperationException($"The embedded list '{name}' is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0 && trimmed[0] != '#')
            {
                lines.Add(trimmed);
            }
        }

        return lines;
    }

    /// <summary>"&lt;key&gt; &lt;value&gt;" lines split at the first space.</summary>
    public static IEnumerable<(string Key, string Value)> Pairs(string name) =>
        Lines(name).Select(line =>
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            return space < 0 ? (line, line) : (line[..space], line[(space + 1)..].Trim());
        });
}
