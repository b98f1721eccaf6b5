using System.Diagnostics;
using Turntide.Cli.Hashing;
using Turntide.Core.Tests;

namespace Turntide.Cli.Tests;

/// <summary>The real turntide program in its own process: command wiring and exit codes.</summary>
public class ProgramTests
{
    private static CommandRun Turntide(string stdin, params string[] args)
    {
        string cli = typeof(HashCommand).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(cli);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new CommandRun(process.ExitCode, stdout.Replace("\r\n", "\n"), stderr.Result.Replace("\r\n", "\n"));
    }

    [Fact]
    public void HashPrintsTheReferenceLineAndExitsZero()
    {
        string photo = Path.Combine(TestData.PdqData, "bridge-mods", "aaa-orig.jpg");
        var run = Turntide("", "hash", photo);
        Assert.Equal(0, run.Exit);
        Assert.Equal([$"d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22,100,{photo}"], run.Lines);
    }

    [Theory]
    [InlineData("hash", "--bogus")]
    [InlineData("hash", "--signal", "sha1", "x.jpg")]
    [InlineData("hash", "--signal", "url", "x.jpg")]
    [InlineData("hash", "--threads", "0", "x.jpg")]
    [InlineData("url", "compare", "https://a.example/")]
    [InlineData("no-such-command")]
    public void UsageErrorsExitWithTwo(params string[] args)
    {
        var run = Turntide("", args);
        Assert.Equal(2, run.Exit);
        Assert.NotEqual("", run.Stderr.Trim());
        Assert.Equal("", run.Stdout.Trim());
    }

    [Fact]
    public void VpdqOfAVideoIsPrintedOneLinePerSampledFrame()
    {
        var video = TestData.Path_("vpdq", "sample-videos", "test-padded-dimensions.mp4");
        var run = Turntide("", "hash", "--signal", "vpdq", video);
        Assert.Equal(0, run.Exit);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 1);
        Assert.All(lines, l => Assert.Matches($"^vpdq,[0-9]+,[0-9]+,[0-9a-f]{{64}},[0-9]+\\.[0-9]{{3}},{System.Text.RegularExpressions.Regex.Escape(video)}$", l));
    }

    [Fact]
    public void FailedInputsExitWithOne()
    {
        var run = Turntide("", "hash", "/no/such/photo.jpg");
        Assert.Equal(1, run.Exit);
        Assert.Contains("no such file or folder", run.Stderr);
    }

    [Fact]
    public void UrlAndTextDigestCommandsAreWired()
    {
        var url = Turntide("https://EXAMPLE.com/a/?utm_source=x\n", "url", "canonicalize", "-");
        Assert.Equal(0, url.Exit);
        Assert.Equal(["https://example.com/a"], url.Lines);

        var text = Turntide("Hello, World!", "text-digest", "-");
        Assert.Equal(0, text.Exit);
        Assert.Equal(["text-sha256-v1:b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9,-"], text.Lines);
    }
}
