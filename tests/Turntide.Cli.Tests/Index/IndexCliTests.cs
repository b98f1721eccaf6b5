using Turntide.Cli.Index;
using Turntide.Core.Index;

namespace Turntide.Cli.Tests.Index;

/// <summary>`turntide index build` and `turntide match` on real files, through the command-line parser.</summary>
public sealed class IndexCliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("turntide-cli-index-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteFile(string name, string text)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Exit, string Out, string Err) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var root = new System.CommandLine.RootCommand { IndexCommand.Create(), MatchCommand.Create() };
        var config = new System.CommandLine.InvocationConfiguration { Output = stdout, Error = stderr };
        int exit = root.Parse(args).Invoke(config);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static (int Exit, string Out, string Err) Match(params string[] args) => Cli(["match", "--threads", "2", .. args]);

    private static readonly Hash256 A = Hash256.Parse("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6339c4e9c9b22");

    private static Hash256 Flip(Hash256 h, int bits) => SyntheticHashes.FlipBits(h, bits, new Random(bits));

    [Fact]
    public void BuildThenMatchPrintsEveryMatchInQueryOrder()
    {
        var b = SyntheticHashes.Random(new Random(2));
        string hashFile = WriteFile("bank.txt", $"{A}\n{Flip(A, 10)},77\n\n{b}\n{A},-3\n");
        string indexFile = Path.Combine(_folder, "bank.tidx");
        var build = Cli("index", "build", "--out", indexFile, hashFile);
        Assert.Equal(0, build.Exit);
        Assert.Contains("indexed 4 hashes", build.Err);

        string queries = WriteFile("queries.txt", $"{Flip(b, 3)},100,photo.jpg\n{A}\n{SyntheticHashes.Random(new Random(9))}\n");
        foreach (var source in new[] { new[] { "--index", indexFile }, ["--index", indexFile, "--mmap"], ["--hashes", hashFile], ["--index", hashFile] })
        {
            var match = Match([.. source, "--queries", queries]);
            Assert.Equal(0, match.Exit);
            // Line numbers are the ids where none is given (line 3 is blank but still counts).
            Assert.Equal(
                $"{Flip(b, 3)},4,3\n{A},-3,0\n{A},1,0\n{A},77,10\n",
                match.Out.Replace("\r\n", "\n"));
            Assert.Contains("3 queries against 4 hashes", match.Err);
            Assert.Contains("4 matches, 2 queries matched", match.Err);
        }
        var near = Match("--index", indexFile, "--queries", queries, "--max-distance", "5");
        Assert.DoesNotContain(",77,", near.Out);
    }

    [Fact]
    public void BadLinesAreReportedWithTheirLineNumbers()
    {
        string hashFile = WriteFile("bank.txt", $"{A}\nnot-a-hash\n{A},12x\n{A},1,2\n{A.ToString()[..10]}\n{new string('a', 5000)}\n{A},5\n");
        string indexFile = Path.Combine(_folder, "bank.tidx");
        var build = Cli("index", "build", "--out", indexFile, hashFile);
        Assert.Equal(1, build.Exit);
        Assert.Contains($"{hashFile}:2: 'not-a-hash' is not a 256-bit hash", build.Err);
        Assert.Contains($"{hashFile}:3: '12x' is not a 64-bit integer id", build.Err);
        Assert.Contains($"{hashFile}:4: expected hash or hash,id but found more fields", build.Err);
        Assert.Contains($"{hashFile}:5: ", build.Err);
        Assert.Contains($"{hashFile}:6: line is longer than 4096 characters", build.Err);
        Assert.Contains("indexed 2 hashes", build.Err);
        Assert.Contains("5 bad lines skipped", build.Err);

        string queries = WriteFile("queries.txt", $"{A}\nzz\n");
        var match = Match("--index", indexFile, "--queries", queries);
        Assert.Equal(1, match.Exit);
        Assert.Contains($"{queries}:2: 'zz' is not a 256-bit hash", match.Err);
        Assert.Equal($"{A},1,0\n{A},5,0\n", match.Out.Replace("\r\n", "\n"));
    }

    [Fact]
    public void AFileThatIsNeitherIndexNorHashListIsRefusedClearly()
    {
        string hashFile = WriteFile("bank.txt", $"{A}\n");
        string other = WriteFile("notes.txt", "meeting at noon\nbring the slides\n");
        var match = Match("--index", other, "--queries", hashFile);
        Assert.Equal(1, match.Exit);
        Assert.Contains($"{other}: neither a Turntide hash index nor a hash list (line 1: ", match.Err);
        Assert.Empty(match.Out);

        // A damaged snapshot is reported as such, not read as text.
        string indexFile = Path.Combine(_folder, "bank.tidx");
        Assert.Equal(0, Cli("index", "build", "--out", indexFile, hashFile).Exit);
        var bytes = File.ReadAllBytes(indexFile);
        File.WriteAllBytes(indexFile, bytes[..^10]);
        var damaged = Match("--index", indexFile, "--queries", hashFile);
        Assert.Equal(1, damaged.Exit);
        Assert.Contains("truncated", damaged.Err);

        var missing = Match("--index", Path.Combine(_folder, "nope.tidx"), "--queries", hashFile);
        Assert.Equal(1, missing.Exit);
        Assert.Contains("no such file", missing.Err);
    }

    [Fact]
    public void UsageErrorsAreRefusedBeforeAnyWork()
    {
        string hashFile = WriteFile("bank.txt", $"{A}\n");
        var (exit, output, error) = Cli("match", "--queries", hashFile);
        Assert.NotEqual(0, exit);
        Assert.DoesNotContain(A.ToString(), output);
        Assert.Contains("Give exactly one of --index FILE or --hashes FILE.", error);
        Assert.Contains("Give exactly one", Cli("match", "--index", hashFile, "--hashes", hashFile, "--queries", hashFile).Err);
        Assert.Contains("--max-distance must be between 0 and 256.", Cli("match", "--hashes", hashFile, "--queries", hashFile, "--max-distance", "300").Err);
        Assert.Contains("--out", Cli("index", "build", hashFile).Err);
        Assert.NotEqual(0, Cli("index", "build", hashFile).Exit);
    }
}
