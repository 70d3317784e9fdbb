namespace Gateway.Processing.Internal;

/// <summary>Finds the data files that tools/install.sh puts under tools/node_modules (uap-core, psl, crawler-user-agents).</summary>
internal static class ToolsData
{
    /// <summary>
    /// <paramref name="relativePath"/> (below the repository root, e.g. tools/node_modules/…) under the first folder above
    /// <see cref="AppContext.BaseDirectory"/> that holds Gateway.sln: where every build output in the repository finds it.
    /// </summary>
    /// <exception cref="FileNotFoundException">No repository above the binaries; the message says to pass <paramref name="what"/> explicitly.</exception>
    public static string Find(string relativePath, string what)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
            {
                return Path.Combine(dir.FullName, relativePath);
            }
        }

        throw new FileNotFoundException($"No folder above '{AppContext.BaseDirectory}' holds Gateway.sln; pass the path to {what} explicitly.");
    }
}
