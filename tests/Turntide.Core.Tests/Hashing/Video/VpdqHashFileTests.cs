using Turntide.Core.Hashing.Video;
using Turntide.Core.Index;

namespace Turntide.Core.Tests.Hashing.Video;

public class VpdqHashFileTests
{
    private const string Hash = "e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c";

    [Fact]
    public void ReadsEveryCommittedSampleHashFile()
    {
        foreach (var path in Directory.GetFiles(TestData.Path_("vpdq", "sample-hashes"), "*.txt"))
        {
            var frames = VpdqHashFile.Read(path);
            Assert.NotEmpty(frames);
            // Writing gives back the file byte for byte.
            var writer = new StringWriter();
            VpdqHashFile.Write(writer, frames);
            Assert.Equal(File.ReadAllText(path), writer.ToString());
        }
    }

    [Fact]
    public void ParsesTheReferenceLine()
    {
        var frame = VpdqHashFile.ParseLine($"1,100,{Hash},0.033");
        Assert.Equal(new VpdqFrame(1, 100, Hash256.Parse(Hash), 0.033), frame);
    }

    [Fact]
    public void AcceptsCrLfExtraFieldsBlankLinesAndSpaces()
    {
        var frames = VpdqHashFile.Parse(new StringReader($"0,99,{Hash},0.000,extra\r\n\r\n 1 , 98 ,{Hash}, 0.033\r\n"));
        Assert.Equal([0, 1], frames.Select(f => f.FrameNumber));
        Assert.Equal([99, 98], frames.Select(f => f.Quality));
    }

    [Theory]
    [InlineData("", "no frames")]
    [InlineData("\n\n", "no frames")]
    [InlineData("0,100," + Hash, "line 1: expected frame,quality,hash,timestamp, got 3 field(s)")]
    [InlineData("x,100," + Hash + ",0.0", "line 1: frame number 'x'")]
    [InlineData("-1,100," + Hash + ",0.0", "line 1: frame number '-1'")]
    [InlineData("0,101," + Hash + ",0.0", "line 1: quality '101'")]
    [InlineData("0,12abc," + Hash + ",0.0", "line 1: quality '12abc'")]
    [InlineData("0,100,abc,0.0", "line 1: 'abc' is not a 256-bit hash")]
    [InlineData("0,100," + Hash + ",-1", "line 1: timestamp '-1'")]
    [InlineData("0,100," + Hash + ",NaN", "line 1: timestamp 'NaN'")]
    [InlineData("0,100," + Hash + ",0.0\n1,100," + Hash + ",zz", "line 2: timestamp 'zz'")]
    public void MalformedInputGivesAnErrorNamingTheLine(string text, string message)
    {
        var ex = Assert.Throws<FormatException>(() => VpdqHashFile.Parse(new StringReader(text)));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void OverlongLineIsRefusedWithoutReadingItWhole()
    {
        var text = new string('1', 10_000_000);
        var ex = Assert.Throws<FormatException>(() => VpdqHashFile.Parse(new StringReader(text)));
        Assert.Contains("longer than 1024 characters", ex.Message);
    }

    [Fact]
    public void TooManyFramesAreRefused()
    {
        var text = string.Concat(Enumerable.Range(0, 11).Select(i => $"{i},100,{Hash},0.0\n"));
        var ex = Assert.Throws<FormatException>(() => VpdqHashFile.Parse(new StringReader(text), maxFrames: 10));
        Assert.Contains("more than 10 frames", ex.Message);
    }

    [Fact]
    public void FileOverTheSizeLimitIsRefusedUnread()
    {
        using var temp = new TempFolder();
        var path = temp.File("h.txt");
        File.WriteAllText(path, $"0,100,{Hash},0.000\n");
        var ex = Assert.Throws<FormatException>(() => VpdqHashFile.Read(path, maxBytes: 10));
        Assert.Contains("over the limit of 10", ex.Message);
    }

    [Fact]
    public void TellsHashFilesFromVideos()
    {
        Assert.True(VpdqHashFile.LooksLikeHashFile(VpdqTestData.SampleHashes("chair-19-sd-bar.txt")));
        foreach (var video in VpdqTestData.Videos)
            Assert.False(VpdqHashFile.LooksLikeHashFile(VpdqTestData.Video(video)));
        using var temp = new TempFolder();
        var withBom = temp.File("bom.txt");
        File.WriteAllText(withBom, $"0,100,{Hash},0.000\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.True(VpdqHashFile.LooksLikeHashFile(withBom));
        Assert.Single(VpdqHashFile.Read(withBom));
        var notes = temp.File("notes.txt");
        File.WriteAllText(notes, "hello, world\n");
        Assert.False(VpdqHashFile.LooksLikeHashFile(notes));
    }

    [Theory]
    [InlineData(0.0625f, "0.062")]   // an exact tie rounds to even, as printf does
    [InlineData(1.0625f, "1.062")]
    [InlineData(0.3125f, "0.312")]
    [InlineData(0.4375f, "0.438")]
    public void TimestampsRoundLikeTheCLibrary(float seconds, string expected)
    {
        // Expected strings are glibc's printf("%.3f") of the same float widened to double.
        Assert.EndsWith("," + expected, new VpdqFrame(0, 0, Hash256.Zero, seconds).ToString());
    }
}
