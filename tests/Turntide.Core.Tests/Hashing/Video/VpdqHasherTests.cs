using Turntide.Core.Hashing.Video;

namespace Turntide.Core.Tests.Hashing.Video;

/// <summary>Whole-file hashing with the real ffmpeg: damaged input, limits, streams and hostile files.</summary>
public class VpdqHasherTests
{
    private static readonly VpdqOptions EveryFrame = new() { SecondsPerHash = 0 };

    [Fact]
    public void TruncatedVideoFailsWithOneLineReason()
    {
        using var temp = new TempFolder();
        var path = temp.File("cut.mp4");
        var bytes = File.ReadAllBytes(VpdqTestData.Doorknob);
        File.WriteAllBytes(path, bytes[..(bytes.Length * 6 / 10)]);

        var ex = Assert.Throws<VideoDecodeException>(() => VpdqHasher.HashFile(path, EveryFrame));
        Assert.StartsWith("damaged or truncated video: ", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void TruncatedVideoYieldsItsDecodableFramesWhenErrorsAreTolerated()
    {
        using var temp = new TempFolder();
        var path = temp.File("cut.mp4");
        var bytes = File.ReadAllBytes(VpdqTestData.Doorknob);
        File.WriteAllBytes(path, bytes[..(bytes.Length * 6 / 10)]);

        var result = VpdqHasher.HashFile(path, EveryFrame with { TolerateDecodeErrors = true });
        Assert.NotEmpty(result.DecodeErrors);
        Assert.InRange(result.Frames.Count, 1, 119);
        // The frames before the cut are the intact video's frames.
        var intact = VpdqTestData.EveryFrame("doorknob-hd-no-bar", downsample128: false).Frames;
        Assert.Equal(intact.Take(10), result.Frames.Take(10));
    }

    [Fact]
    public void CorruptedBitstreamFailsUnlessErrorsAreTolerated()
    {
        using var temp = new TempFolder();
        var path = temp.File("flipped.mp4");
        var bytes = File.ReadAllBytes(VpdqTestData.Doorknob);
        var random = new Random(1);
        for (int i = 0; i < 40; i++)
            bytes[random.Next(100_000, 400_000)] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<VideoDecodeException>(() => VpdqHasher.HashFile(path, EveryFrame));
        Assert.StartsWith("damaged or truncated video: [h264]", ex.Message);

        var tolerated = VpdqHasher.HashFile(path, EveryFrame with { TolerateDecodeErrors = true });
        Assert.Equal(120, tolerated.Frames.Count);
        Assert.NotEmpty(tolerated.DecodeErrors);
    }

    [Theory]
    [InlineData(new byte[0], "file is empty")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, "not a video FFmpeg can read")]
    public void NonVideoFailsWithOneLineReason(byte[] content, string reason)
    {
        using var temp = new TempFolder();
        var path = temp.File("x.mp4");
        File.WriteAllBytes(path, content);
        var ex = Assert.Throws<VideoDecodeException>(() => VpdqHasher.HashFile(path));
        Assert.StartsWith(reason, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void MissingFileAndFolderAreNamed()
    {
        using var temp = new TempFolder();
        Assert.Equal("no such file", Assert.Throws<VideoDecodeException>(() => VpdqHasher.HashFile(temp.File("none.mp4"))).Message);
        Assert.Equal("is a folder, not a video file", Assert.Throws<VideoDecodeException>(() => VpdqHasher.HashFile(temp.Path)).Message);
    }

    [Fact]
    public void AudioOnlyFileHasNoVideoStream()
    {
        using var temp = new TempFolder();
        var path = temp.File("audio.mp4");
        RunFfmpeg("-i", VpdqTestData.Doorknob, "-vn", "-c:a", "copy", path);
        Assert.Equal("no video stream", Assert.Throws<VideoDecodeException>(() => VpdqHasher.HashFile(path)).Message);
    }

    [Fact]
    public void ContainersOutsideTheAllowListAreRefused()
    {
        using var temp = new TempFolder();
        var path = temp.File("audio.wav");
        WriteSilentWav(path);
        var ex = Assert.Throws<VideoDecodeException>(() => VpdqHasher.HashFile(path));
        Assert.StartsWith("not a video FFmpeg can read", ex.Message);
    }

    [Fact]
    public void VideoStreamAfterAnAudioStreamIsFoundAndFlushedToTheLastFrame()
    {
        // The reference hashes the first video stream wherever it is; it then loses the frames still in the
        // decoder at the end when that stream is not stream 0 (its flush packet carries stream index 0).
        // Turntide flushes as the algorithm says: every frame is hashed.
        using var temp = new TempFolder();
        var path = temp.File("audio-first.mp4");
        RunFfmpeg("-i", VpdqTestData.Doorknob, "-map", "0:a", "-map", "0:v", "-c", "copy", path);
        var result = VpdqHasher.HashFile(path, EveryFrame);
        Assert.Equal(VpdqTestData.EveryFrame("doorknob-hd-no-bar", downsample128: false).Frames, result.Frames);
    }

    [Fact]
    public void PlaylistsThatPointAtOtherFilesAreRefused()
    {
        using var temp = new TempFolder();
        File.Copy(VpdqTestData.Doorknob, temp.File("segment.mp4"));
        var playlist = temp.File("list.m3u8");
        File.WriteAllText(playlist, "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nsegment.mp4\n#EXT-X-ENDLIST\n");
        var ex = Assert.Throws<VideoDecodeException>(() => VpdqHasher.HashFile(playlist));
        Assert.StartsWith("not a video FFmpeg can read", ex.Message);

        var concat = temp.File("list.ffconcat");
        File.WriteAllText(concat, "ffconcat version 1.0\nfile segment.mp4\n");
        Assert.Throws<VideoDecodeException>(() => VpdqHasher.HashFile(concat));
    }

    [Fact]
    public void FileNameIsNeverTakenForAProtocol()
    {
        using var temp = new TempFolder();
        // Without the file: prefix FFmpeg would read "concat:a|b" as its concat protocol.
        var odd = temp.File("concat:x.mp4");
        File.Copy(VpdqTestData.Doorknob, odd);
        Assert.Equal(4, VpdqHasher.HashFile(odd).Frames.Count);
    }

    [Fact]
    public void OversizedFileIsRefusedBeforeDecoding()
    {
        var options = new VpdqOptions { Limits = VideoLimits.Default with { MaxBytes = 1000 } };
        var ex = Assert.Throws<VideoDecodeException>(() => VpdqHasher.HashFile(VpdqTestData.Doorknob, options));
        Assert.Contains("over the limit of 1000", ex.Message);
        Assert.Equal(VideoLimit.Bytes, ex.ExceededLimit);
    }

    [Fact]
    public void OverlongVideoIsRefusedFromItsDeclaredDuration()
    {
        var options = new VpdqOptions { Limits = VideoLimits.Default with { MaxDurationSeconds = 2 } };
        var ex = Assert.Throws<VideoDecodeException>(() => VpdqHasher.HashFile(VpdqTestData.Doorknob, options));
        Assert.Equal("video lasts 4.331 s, over the limit of 2 s", ex.Message); // the container's duration: audio runs past the last frame
        Assert.Equal(VideoLimit.Duration, ex.ExceededLimit);
    }

    [Fact]
    public void VideoWithoutDeclaredDurationIsStoppedWhenItsFramesRunPastTheLimit()
    {
        // A raw H.264 stream declares no duration, so only the frames' times can show it is too long.
        using var temp = new TempFolder();
        var path = temp.File("raw.h264");
        RunFfmpeg("-i", VpdqTestData.Doorknob, "-map", "0:v", "-c", "copy", "-bsf:v", "h264_mp4toannexb", path);
        Assert.Null(VpdqHasher.Probe(path).DurationSeconds);
        Assert.Equal(120, VpdqHasher.HashFile(path, EveryFrame).Frames.Count);

        var options = EveryFrame with { Limits = VideoLimits.Default with { MaxDurationSeconds = 2 } };
        var ex = Assert.Throws<VideoDecodeException>(() => VpdqHasher.HashFile(path, options));
        Assert.Equal("video runs past 2 s, over the limit of 2 s", ex.Message);
        Assert.Equal(VideoLimit.Duration, ex.ExceededLimit);
    }

    [Fact]
    public void VideoWithMoreFramesThanTheLimitFailsWhileDecoding()
    {
        var options = EveryFrame with { Limits = VideoLimits.Default with { MaxFrames = 50 } };
        var ex = Assert.Throws<VideoDecodeException>(() => VpdqHasher.HashFile(VpdqTestData.Doorknob, options));
        Assert.Equal("video has more than 50 frames, over the limit", ex.Message);
        Assert.Equal(VideoLimit.Frames, ex.ExceededLimit);
    }

    [Fact]
    public void OversizedFramesAreRefused()
    {
        var options = new VpdqOptions { Limits = VideoLimits.Default with { MaxFramePixels = 640 * 480 } };
        var ex = Assert.Throws<VideoDecodeException>(() => VpdqHasher.HashFile(VpdqTestData.Doorknob, options));
        Assert.Equal("the video's frames are 1280x720, over the limit of 307200 pixels", ex.Message);
        Assert.Equal(VideoLimit.FramePixels, ex.ExceededLimit);
    }

    [Fact]
    public void DownsampleBelowFivePixelsIsRefusedAsByTheReference()
    {
        var options = new VpdqOptions { DownsampleWidth = 4, DownsampleHeight = 4 };
        var ex = Assert.Throws<VideoDecodeException>(() => VpdqHasher.HashFile(VpdqTestData.Doorknob, options));
        Assert.Contains("below PDQ's minimum of 5x5", ex.Message);
    }

    [Fact]
    public void MissingFfmpegGivesAnInstallHint()
    {
        var options = new VpdqOptions { Tools = FfmpegTools.Default with { FfprobePath = "/nonexistent/ffprobe" } };
        var ex = Assert.Throws<VideoDecodeException>(() => VpdqHasher.HashFile(VpdqTestData.Doorknob, options));
        Assert.Contains("install FFmpeg", ex.Message);
    }

    [Fact]
    public async Task StreamHashesLikeTheFile()
    {
        await using var stream = File.OpenRead(VpdqTestData.Doorknob);
        var fromStream = await VpdqHasher.HashStreamAsync(stream, EveryFrame);
        Assert.Equal(VpdqTestData.EveryFrame("doorknob-hd-no-bar", downsample128: false).Frames, fromStream.Frames);
    }

    [Fact]
    public async Task OversizedStreamIsRefusedWhileCopying()
    {
        await using var stream = File.OpenRead(VpdqTestData.Doorknob);
        var options = new VpdqOptions { Limits = VideoLimits.Default with { MaxBytes = 100_000 } };
        var ex = await Assert.ThrowsAsync<VideoDecodeException>(() => VpdqHasher.HashStreamAsync(stream, options));
        Assert.Equal("upload is over the limit of 100000 bytes", ex.Message);
        Assert.Equal(VideoLimit.Bytes, ex.ExceededLimit);
    }

    [Fact]
    public void CancellationStopsDecoding()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => VpdqHasher.HashFile(VpdqTestData.Doorknob, EveryFrame, cancel.Token));
    }

    [Fact]
    public void InvalidOptionsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VpdqHasher.HashFile(VpdqTestData.Doorknob, new VpdqOptions { SecondsPerHash = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => VpdqHasher.HashFile(VpdqTestData.Doorknob, new VpdqOptions { Threads = 0 }));
    }

    private static void RunFfmpeg(params string[] arguments)
    {
        var info = new System.Diagnostics.ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var a in (string[])["-v", "error", "-nostdin", "-y", .. arguments])
            info.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(info)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, errors);
    }

    private static void WriteSilentWav(string path)
    {
        using var w = new BinaryWriter(File.Create(path));
        int samples = 8000;
        w.Write("RIFF"u8); w.Write(36 + samples * 2); w.Write("WAVE"u8);
        w.Write("fmt "u8); w.Write(16); w.Write((short)1); w.Write((short)1); w.Write(8000); w.Write(16000); w.Write((short)2); w.Write((short)16);
        w.Write("data"u8); w.Write(samples * 2); w.Write(new byte[samples * 2]);
    }
}
