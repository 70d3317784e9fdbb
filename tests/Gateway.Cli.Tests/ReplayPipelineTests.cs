using System.Text;
using Gateway.Parquet.Lake;
using Gateway.Processing.Enrichment;

namespace Gateway.Cli.Tests;

public sealed class ReplayPipelineTests : IDisposable
{
    private static readonly Lazy<EnricherResources> Resources = new(EnricherResources.Load);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-replay-pipeline-");

    [Fact]
    public async Task A_lake_that_fails_mid_run_ends_the_replay_with_its_error_instead_of_waiting_forever()
    {
        // Far more chunks than are read ahead, so the reader is blocked on a full queue when the writer fails.
        var path = Path.Combine(_dir.FullName, "lines.tsv");
        await File.WriteAllTextAsync(path, string.Concat(Enumerable.Repeat("not a real-time log line\n", ReplayPipeline.LinesPerChunk * 40)));
        var store = new DirectoryLakeStore(Path.Combine(_dir.FullName, "lake"));
        await using var lake = LakeWriter.Create(store, new LakeWriterOptions { DedupWindow = TimeSpan.Zero });
        // The first row needs a staged file, and its folder is gone.
        Directory.Delete(store.StagingDirectory, recursive: true);
        var enricher = new EventEnricher(Resources.Value, new VisitorIds(Encoding.UTF8.GetBytes("test-visitor-secret-of-at-least-32-bytes!!")));
        using var input = ReplayInput.Open(path);

        var run = new ReplayPipeline(enricher, lake).RunAsync([input], null, CancellationToken.None);

        await Assert.ThrowsAnyAsync<IOException>(() => run.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(lake.IsFaulted);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
