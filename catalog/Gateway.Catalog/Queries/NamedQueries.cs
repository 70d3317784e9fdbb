namespace Gateway.Catalog.Queries;

/// <summary>Loads the named queries (<c>catalog/queries/*.sql</c>) and finds one by name.</summary>
public static class NamedQueries
{
    /// <summary>
    /// Where the query files are, relative to the repository and to the binaries: Gateway.Catalog's build copies them to
    /// this path in its output (and so into the output of every project that references it).
    /// </summary>
    public const string RelativeDirectory = "catalog/queries";

    /// <summary>
    /// The query folder: <see cref="RelativeDirectory"/> next to the binaries, as a build or deployment ships it, else
    /// under the first folder above <see cref="AppContext.BaseDirectory"/> that holds Gateway.sln.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">Neither place has it; the message names both and the fix.</exception>
    public static string DefaultDirectory() => FindDirectory(AppContext.BaseDirectory);

    /// <summary>Every query in <see cref="DefaultDirectory"/>, ordered by name.</summary>
    /// <exception cref="NamedQueryFormatException">A file is malformed.</exception>
    public static IReadOnlyList<NamedQuery> Load() => Load(DefaultDirectory());

    /// <summary>Every <c>*.sql</c> file in <paramref name="directory"/> (not its subfolders) as a query, ordered by name.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="NamedQueryFormatException">A file is malformed; the message names the file, the line and the fix.</exception>
    public static IReadOnlyList<NamedQuery> Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The named-query folder '{Path.GetFullPath(directory)}' does not exist.");
        }

        return
        [
            .. Directory.EnumerateFiles(directory, "*.sql", SearchOption.TopDirectoryOnly)
                .Where(file => file.EndsWith(".sql", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(file => NamedQuery.Parse(Path.GetFileNameWithoutExtension(file), File.ReadAllText(file), file)),
        ];
    }

    /// <summary>The query named <paramref name="name"/> in <see cref="DefaultDirectory"/> (case-insensitive).</summary>
    /// <exception cref="KeyNotFoundException">There is none; the message lists the names.</exception>
    public static NamedQuery Find(string name) => Find(Load(), name);

    /// <summary>The query named <paramref name="name"/> in <paramref name="queries"/> (case-insensitive).</summary>
    /// <exception cref="KeyNotFoundException">There is none; the message lists the names.</exception>
    public static NamedQuery Find(IEnumerable<NamedQuery> queries, string name)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(name);
        var all = queries.ToList();
        var wanted = name.Trim();
        wanted = wanted.EndsWith(".sql", StringComparison.OrdinalIgnoreCase) ? wanted[..^4] : wanted;
        return all.FirstOrDefault(q => string.Equals(q.Name, wanted, StringComparison.OrdinalIgnoreCase))
            ?? throw new KeyNotFoundException(all.Count == 0
                ? $"There is no named query '{name}': no queries are loaded."
                : $"There is no named query '{name}'; the queries are: {string.Join(", ", all.Select(q => q.Name))}.");
    }

    /// <summary><see cref="DefaultDirectory"/> for binaries in <paramref name="baseDirectory"/> (the test seam).</summary>
    internal static string FindDirectory(string baseDirectory)
    {
        var beside = Path.Combine(baseDirectory, RelativeDirectory);
        if (Directory.Exists(beside))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(baseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
            {
                var inRepository = Path.Combine(dir.FullName, RelativeDirectory);
                if (Directory.Exists(inRepository))
                {
                    return inRepository;
                }

                throw new DirectoryNotFoundException(
                    $"The named queries are neither at '{beside}' nor at '{inRepository}'; restore {RelativeDirectory} in the checkout, or rebuild Gateway.Catalog so that its output holds them.");
            }
        }

        throw new DirectoryNotFoundException(
            $"The named queries are not at '{beside}' and no folder above '{baseDirectory}' holds Gateway.sln; ship {RelativeDirectory} next to the binary (Gateway.Catalog's build copies it there), or pass the folder to NamedQueries.Load.");
    }
}
