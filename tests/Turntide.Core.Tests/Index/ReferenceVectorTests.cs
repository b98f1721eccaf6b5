using System.Text.RegularExpressions;
using Turntide.Core.Index;

namespace Turntide.Core.Tests.Index;

/// <summary>The reference tools' outputs (mih-query, hashtool256) reproduced by the index and Hash256.</summary>
public partial class ReferenceVectorTests
{
    private static string Input(string name) => Path.Combine(TestData.PdqData, "reg-test-input", name);

    private static string Expected(string name) => Path.Combine(TestData.PdqExpected, "index", name);

    private static Hash256[] ReadHashes(string path) =>
        File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => Hash256.Parse(l)).ToArray();

    [GeneratedRegex(@"^d=(\d+),match=([0-9a-f]{64}),idx=(\d+)$")]
    private static partial Regex MatchLine();

    [Theory]
    [InlineData(31, "mih-query-d31-needles-vs-haystack.txt")]
    [InlineData(32, "mih-query-d32-needles-vs-haystack.txt")]
    public void NeedlesAgainstHaystackGiveTheReferenceMihMatches(int distance, string expectedFile)
    {
        var needles = ReadHashes(Input("needles.txt"));
        var haystack = ReadHashes(Input("haystack.txt"));
        var expected = new HashSet<(string Needle, long Idx, int Distance)>();
        string? needle = null;
        foreach (var line in File.ReadLines(Expected(expectedFile)))
        {
            if (line.StartsWith("needle=", StringComparison.Ordinal))
            {
                needle = line["needle=".Length..];
                continue;
            }
            if (line.Length == 0)
                continue;
            var m = MatchLine().Match(line);
            Assert.True(m.Success, $"unexpected line in {expectedFile}: {line}");
            int idx = int.Parse(m.Groups[3].Value);
            Assert.Equal(m.Groups[2].Value, haystack[idx - 1].ToString());
            expected.Add((needle!, idx, int.Parse(m.Groups[1].Value)));
        }
        Assert.Equal(250, expected.Count);

        var ids = Enumerable.Range(1, haystack.Length).Select(i => (long)i).ToArray();
        foreach (var plan in new[] { QueryPlan.Auto, QueryPlan.MultiIndex, QueryPlan.Scan })
        {
            using var index = HashIndex.Build(ids, haystack, new HashIndexOptions());
            index.Plan = plan;
            var actual = new HashSet<(string, long, int)>();
            var results = index.QueryBatch(needles, distance, threads: 2);
            for (int i = 0; i < needles.Length; i++)
            {
                foreach (var m in results[i])
                    actual.Add((needles[i].ToString(), m.Id, m.Distance));
            }
            Assert.True(expected.SetEquals(actual), $"{plan}: {expected.Except(actual).Count()} missing, {actual.Except(expected).Count()} extra");
        }
    }

    [Fact]
    public void WordsMatchHashtool256()
    {
        var hashes = ReadHashes(Input("short256.dat"));
        var lines = File.ReadAllLines(Expected("hashtool256-words-short256.txt"));
        Assert.Equal(hashes.Length, lines.Length);
        for (int i = 0; i < hashes.Length; i++)
        {
            // hashtool256 prints w[15] first.
            var words = Enumerable.Range(0, 16).Reverse().Select(w => hashes[i].Word16(w).ToString("x4"));
            Assert.Equal(lines[i], string.Join(' ', words));
            var parsed = lines[i].Split(' ').Reverse().Select(w => Convert.ToUInt16(w, 16)).ToArray();
            Assert.Equal(hashes[i], Hash256.FromWords16(parsed));
        }
    }

    [Fact]
    public void BitsMatchHashtool256()
    {
        var hashes = ReadHashes(Input("short256.dat"));
        var blocks = File.ReadAllText(Expected("hashtool256-bits-short256.txt")).TrimEnd('\n').Split("\n\n");
        Assert.Equal(hashes.Length, blocks.Length);
        for (int i = 0; i < hashes.Length; i++)
        {
            var rows = blocks[i].Split('\n');
            Assert.Equal(16, rows.Length);
            for (int row = 0; row < 16; row++)
            {
                // Row 0 is w[15]; within a row, bit 15 comes first.
                int word = 15 - row;
                var bits = Enumerable.Range(0, 16).Reverse().Select(b => hashes[i].GetBit(word * 16 + b) ? " 1" : " 0");
                Assert.Equal(rows[row], string.Concat(bits));
            }
        }
    }

    [Fact]
    public void NormsMatchHashtool256()
    {
        var lines = File.ReadAllLines(Expected("hashtool256-norms-short256.txt"));
        Assert.Equal(6, lines.Length);
        foreach (var line in lines)
        {
            var parts = line.Split(' ');
            var hash = Hash256.Parse(parts[0]);
            Assert.Equal(int.Parse(parts[1]), hash.PopCount);
            Assert.Equal(parts[0], hash.ToString());
        }
    }
}
