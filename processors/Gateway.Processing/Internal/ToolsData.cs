namespace Gateway.Processing.Internal;

/// <summary>Finds the data files that tools/install.sh puts under tools/node_modules (uap-core, psl, crawler-user-agents).</summary>
internal static class ToolsData
{
    /// <summary>
    /// <paramref name="relativePath"/> (e.g. tools/node_modules/…) next to the binaries, as a deployment package ships it
    /// (the Lambda bootstrap's folder), else under the first folder above <see cref="AppContext.BaseDirectory"/> that holds
    /// Gateway.sln, where every build output in the repository finds it.
    /// </summary>
    /// <exception cref="FileNotFoundException">Neither place has it; the message names both and how to fix it.</exception>
    public static string Find(string relativePath, string what)
    {
        var beside = Path.Combine(AppContext.BaseDirectory, relativePath);
        if (File.Exists(beside))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
            {
                return Path.Combine(dir.FullName, relativePath);
            }
        }

        throw new FileNotFoundException(
            $"{what} is neither at '{beside}' nor in a repository above '{AppContext.BaseDirectory}'; ship {relativePath} next to the binary, run tools/install.sh in the repository, or pass the path explicitly.");
    }
}
