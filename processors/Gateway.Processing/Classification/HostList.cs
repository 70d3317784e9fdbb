namespace Gateway.Processing.Classification;

/// <summary>A list of referrer hosts: "example.com" covers that host and its subdomains, "name.*" any registrable domain whose first label is name.</summary>
internal sealed class HostList
{
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _suffixes;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _anyTld;

    public HostList(IEnumerable<string> entries)
    {
        var suffixes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var anyTld = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in entries)
        {
            var entry = line.Trim();
            if (entry.Length == 0 || entry[0] == '#')
            {
                continue;
            }

            if (entry.EndsWith(".*", StringComparison.Ordinal))
            {
                anyTld.Add(entry[..^2]);
            }
            else
            {
                suffixes.Add(entry);
            }
        }

        Count = suffixes.Count + anyTld.Count;
        _suffixes = suffixes.GetAlternateLookup<ReadOnlySpan<char>>();
        _anyTld = anyTld.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count { get; }

    /// <summary>Reads the embedded list <paramref name="name"/> shipped with this assembly.</summary>
    public static HostList FromResource(string name) => new(EmbeddedData.Lines(name));

    /// <summary>Whether <paramref name="host"/> is on the list; <paramref name="registrableStart"/> is where its registrable domain starts, or -1.</summary>
    public bool Matches(ReadOnlySpan<char> host, int registrableStart)
    {
        var rest = host;
        while (true)
        {
            if (_suffixes.Contains(rest))
            {
                return true;
            }

            var dot = rest.IndexOf('.');
            if (dot < 0)
            {
                break;
            }

            rest = rest[(dot + 1)..];
        }

        if (registrableStart < 0 || _anyTld.Set.Count == 0)
        {
            return false;
        }

        var registrable = host[registrableStart..];
        var firstDot = registrable.IndexOf('.');
        return firstDot > 0 && _anyTld.Contains(registrable[..firstDot]);
    }
}
