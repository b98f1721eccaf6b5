using System.CommandLine;
using System.Text;
using Turntide.Core.Hashing.Video;

namespace Turntide.Cli.Video;

/// <summary><c>turntide vpdq FILE</c>: the vPDQ hash of a video in the reference's line format.</summary>
internal static class VpdqCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "The video file to hash." };
        var video = new VideoOptions();
        var command = new Command("vpdq",
            "Compute the vPDQ hash of a video: one line per hashed frame, frame,quality,hash,timestamp, as Meta's vpdq-hash-video writes.")
        {
            file,
        };
        video.AddTo(command);
        command.SetAction(parse => Run(parse.GetValue(file)!, video.Read(parse),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    internal static int Run(string path, VpdqOptions options, TextWriter stdout, TextWriter stderr)
    {
        VpdqVideoHash result;
        try
        {
            result = VideoOptions.Hash(path, options, stderr);
        }
        catch (VideoDecodeException ex)
        {
            stderr.WriteLine($"turntide: {path}: {ex.Message}");
            return 1;
        }
        // Console.Out flushes every line; one buffered write keeps thousands of lines cheap.
        var text = new StringBuilder(result.Frames.Count * 80);
        foreach (var frame in result.Frames)
            text.Append(frame.ToString()).Append('\n');
        stdout.Write(text.ToString());
        stdout.Flush();
        return 0;
    }
}
