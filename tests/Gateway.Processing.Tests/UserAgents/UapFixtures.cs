using Gateway.Processing.Tests.Support;
using Gateway.Processing.UserAgents;
using Gateway.Tests.Shared;

namespace Gateway.Processing.Tests.UserAgents;

/// <summary>
/// The upstream uap-core test fixtures saved under UserAgents/data as tab-separated cases, and one parser over the
/// installed regexes.yaml shared by every test (loading builds ~1,200 regexes, so it happens once per run).
/// </summary>
internal static class UapFixtures
{
    private static readonly Lazy<UserAgentParser> SharedParser = new(() => UserAgentParser.Load());

    public static UserAgentParser Parser => SharedParser.Value;

    public static string DataPath(string file) =>
        Path.Combine(RepositoryRoot.Path, "tests", "Gateway.Processing.Tests", "UserAgents", "data", file);

    /// <summary>Each case as (line number, user agent, expected fields with empty meaning null).</summary>
    public static IEnumerable<(int Line, string UserAgent, string?[] Expected)> Cases(string file, int fields)
    {
        var lineNumber = 0;
        foreach (var line in File.ReadLines(DataPath(file)))
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split('\t');
            if (parts.Length > fields + 1)
            {
                throw new InvalidDataException($"{file}:{lineNumber}: expected {fields + 1} tab-separated fields, found {parts.Length}.");
            }

            // Trailing empty fields may lose their tabs to an editor that trims line ends; they are nulls either way.
            var expected = new string?[fields];
            for (var i = 1; i < parts.Length; i++)
            {
                expected[i - 1] = parts[i].Length == 0 ? null : parts[i];
            }

            yield return (lineNumber, parts[0], expected);
        }
    }

    public static TheoryData<int, string> Lines(string file, int fields)
    {
        var data = new TheoryData<int, string>();
        foreach (var (line, userAgent, _) in Cases(file, fields))
        {
            data.Add(line, userAgent);
        }

        return data;
    }

    public static string?[] Expected(string file, int fields, int line) =>
        Cases(file, fields).Single(c => c.Line == line).Expected;
}
