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

    private static (int Exit, string Out, string Err) Match(params string[] args)
    {
        // The match command writes results to the writers it is given; run it directly so both are captured.
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var index = Value(args, "--index");
        var hashes = Value(args, "--hashes");
        var queries = Value(args, "--queries")!;
        int distance = int.Parse(Value(args, "--max-distance") ?? "31");
        int exit = MatchCommand.Run(index, hashes, queries, distance, threads: 2, map: args.Contains("--mmap"), HashListFile.DefaultMaxLines, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string? Value(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i < 0 ? null : args[i + 1];
    }

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
        foreach (var source in new[] { new[] { "--index", indexFile }, ["--index", indexFile, "--mmap"], ["--hashes", hashFile] })
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
        string hashFile = WriteFile("bank.txt", $"{A}\nnot-a-hash\n{A},12x\n{A},1,2\n{A[..10]}\n{new string('a', 5000)}\n{A},5\n");
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
    public void AHashFileGivenAsIndexIsRefusedClearly()
    {
        string hashFile = WriteFile("bank.txt", $"{A}\n");
        var match = Match("--index", hashFile, "--queries", hashFile);
        Assert.Equal(1, match.Exit);
        Assert.Contains("not a Turntide hash index", match.Err);
        var missing = Match("--index", Path.Combine(_folder, "nope.tidx"), "--queries", hashFile);
        Assert.Equal(1, missing.Exit);
        Assert.Contains("no such file", missing.Err);
    }

    [Fact]
    public void UsageErrorsExitWithTwo()
    {
        string hashFile = WriteFile("bank.txt", $"{A}\n");
        Assert.Equal(2, Cli("match", "--queries", hashFile).Exit);
        Assert.Equal(2, Cli("match", "--index", hashFile, "--hashes", hashFile, "--queries", hashFile).Exit);
        Assert.Equal(2, Cli("match", "--hashes", hashFile, "--queries", hashFile, "--max-distance", "300").Exit);
        Assert.Equal(2, Cli("index", "build", hashFile).Exit);
    }
}
