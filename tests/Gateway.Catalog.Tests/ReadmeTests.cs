using Gateway.Tests.Shared;

namespace Gateway.Catalog.Tests;

public sealed class ReadmeTests
{
    [Fact]
    public void Readme_column_block_is_the_one_generated_from_the_schema()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md")).ReplaceLineEndings("\n");
        var expected = SchemaMarkdown.ReadmeBlock();
        var begin = readme.IndexOf(SchemaMarkdown.BeginMarker, StringComparison.Ordinal);
        var end = readme.IndexOf(SchemaMarkdown.EndMarker, StringComparison.Ordinal);
        var actual = begin >= 0 && end > begin ? readme[begin..(end + SchemaMarkdown.EndMarker.Length)] + "\n" : null;
        if (actual != expected)
        {
            Assert.Fail(
                $"README.md's column block does not match catalog/Gateway.Catalog/EventSchema.cs " +
                $"({(actual is null ? "markers not found" : "content differs")}). Replace everything from {SchemaMarkdown.BeginMarker} " +
                $"to {SchemaMarkdown.EndMarker} (inclusive) in the section \"## The event table\" with:\n\n{expected}");
        }
    }

    [Fact]
    public void Readme_has_each_marker_once()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        Assert.Single(Occurrences(readme, SchemaMarkdown.BeginMarker));
        Assert.Single(Occurrences(readme, SchemaMarkdown.EndMarker));
    }

    private static List<int> Occurrences(string text, string marker)
    {
        var found = new List<int>();
        for (var at = text.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = text.IndexOf(marker, at + 1, StringComparison.Ordinal))
        {
            found.Add(at);
        }

        return found;
    }
}
