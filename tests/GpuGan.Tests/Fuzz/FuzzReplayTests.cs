using Xunit;
using GpuGan.Data;
using GpuGan.Fuzz;
using GpuGan.Tests.Data;

namespace GpuGan.Tests.Fuzz;

/// <summary>Alone: the allocation bound is measured process-wide (readers decode on worker threads).</summary>
[CollectionDefinition(nameof(FuzzReplayCollection), DisableParallelization = true)]
public sealed class FuzzReplayCollection;

/// <summary>
/// Every fuzz target (tests/fuzz) replayed on its seed corpus and on the inputs afl-fuzz found (tests/fuzz/findings):
/// each must end in a valid result or one printable line of the reader's own error type, within the target's
/// allocation bound. tests/fuzz/fuzz.sh does the fuzzing; this keeps what it found fixed.
/// </summary>
[Collection(nameof(FuzzReplayCollection))]
public sealed class FuzzReplayTests
{
    public static TheoryData<string> Targets => new(FuzzTargets.All.Select(t => t.Name));

    static string[] Files(string sub, string target)
    {
        string dir = Path.Combine(RepoRoot.Path, "tests", "fuzz", sub, target);
        return Directory.Exists(dir) ? Directory.GetFiles(dir).Order(StringComparer.Ordinal).ToArray() : [];
    }

    [Theory, MemberData(nameof(Targets))]
    public void Corpus_and_findings_keep_the_readers_promise(string name)
    {
        var target = FuzzTargets.Find(name)!;
        string[] corpus = Files("corpus", name);
        Assert.NotEmpty(corpus);
        using var scratch = new TempFolder();
        var broken = new List<string>();
        foreach (var file in corpus.Concat(Files("findings", name)))
        {
            try { FuzzInvariant.Check(target, File.ReadAllBytes(file), scratch.File("run")); }
            catch (Exception e) { broken.Add($"{Path.GetFileName(file)}: {e.GetType().Name}: {GpuGan.Text.OneLine.Of(e.Message)}"); }
        }
        Assert.True(broken.Count == 0, $"{name}: {string.Join("; ", broken)}");
    }

    /// <summary>The seeds are what GpuGan's writers make today, so they must read back (a writer and its reader that
    /// drift apart fail here); the committed corpus must hold them, so afl-fuzz starts from them.</summary>
    [Theory, MemberData(nameof(Targets))]
    public void Seeds_read_back_and_are_in_the_corpus(string name)
    {
        var target = FuzzTargets.Find(name)!;
        using var scratch = new TempFolder();
        var corpus = Files("corpus", name).Select(Path.GetFileName).ToHashSet();
        foreach (var (seed, bytes) in target.Seeds())
        {
            Assert.Contains(seed, corpus);
            var outcome = FuzzInvariant.Check(target, bytes, scratch.File("run"));
            Assert.True(outcome.Accepted || seed.StartsWith("bad-", StringComparison.Ordinal), $"{name}/{seed}: {outcome.Message}");
            Assert.Equal(!seed.StartsWith("bad-", StringComparison.Ordinal), outcome.Accepted);
        }
    }

    [Fact]
    public void Fixed_findings_stay_fixed()
    {
        // The run state afl-fuzz found first: "outDir": null once reached the option checks as a NullReferenceException.
        var target = FuzzTargets.Find("run-state")!;
        using var scratch = new TempFolder();
        var seed = target.Seeds().First().Bytes;
        string json = System.Text.Encoding.UTF8.GetString(seed).Replace("\"outDir\": \"runs/dcgan\"", "\"outDir\": null");
        Assert.Contains("\"outDir\": null", json);
        var outcome = FuzzInvariant.Check(target, System.Text.Encoding.UTF8.GetBytes(json), scratch.File("run"));
        Assert.False(outcome.Accepted);
        Assert.Contains("outDir", outcome.Message);
    }

    sealed class Scripted(Action<string> read, long bound = 64 << 20) : FuzzTarget
    {
        public override string Name => "scripted";
        public override string Description => "a reader that misbehaves on purpose";
        public override IReadOnlyList<Type> Errors => [typeof(DataException)];
        public override long AllocationBound(long inputBytes) => bound;
        public override string Read(string path) { read(path); return "ok"; }
        public override IEnumerable<(string, byte[])> Seeds() => [];
    }

    [Fact]
    public void The_invariant_catches_each_kind_of_broken_promise()
    {
        using var scratch = new TempFolder();
        string run = scratch.File("run");
        Assert.True(FuzzInvariant.Check(new Scripted(_ => { }), [1, 2, 3], run).Accepted);
        var refused = FuzzInvariant.Check(new Scripted(p => throw new DataException(p, "bad header")), [1], run);
        Assert.False(refused.Accepted);
        Assert.EndsWith(": bad header", refused.Message);

        Assert.Throws<InvalidOperationException>(() => FuzzInvariant.Check(new Scripted(_ => throw new InvalidOperationException("x")), [1], run));
        Assert.Throws<FuzzFindingException>(() => FuzzInvariant.Check(new Scripted(p => throw new DataException(p, "two\nlines")), [1], run));
        Assert.Throws<FuzzFindingException>(() => FuzzInvariant.Check(new Scripted(p => throw new DataException(p, "escape \u001b[2J")), [1], run));
        var finding = Assert.Throws<FuzzFindingException>(() => FuzzInvariant.Check(new Scripted(_ => GC.KeepAlive(new byte[8 << 20]), bound: 4 << 20), [1], run));
        Assert.Contains("over the bound of 4,194,304", finding.Message);
    }
}
