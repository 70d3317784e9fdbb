namespace Gateway.Catalog.Queries;

/// <summary>A named query's file is malformed; the message names the file, the line and the fix.</summary>
public sealed class NamedQueryFormatException : FormatException
{
    /// <summary>Creates the exception for line <paramref name="line"/> (1-based; 0 for the file as a whole) of <paramref name="file"/>.</summary>
    public NamedQueryFormatException(string file, int line, string problem)
        : base(line > 0 ? $"{file}:{line}: {problem}" : $"{file}: {problem}")
    {
        File = file;
        Line = line;
    }

    /// <summary>The file (or query name, for text parsed without a file).</summary>
    public string File { get; }

    /// <summary>The 1-based line, or 0 when the problem concerns the whole file.</summary>
    public int Line { get; }
}
