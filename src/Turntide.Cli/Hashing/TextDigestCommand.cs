using System.CommandLine;
using System.Text;
using Turntide.Core.Hashing.Text;
using Turntide.Core.Signals;

namespace Turntide.Cli.Hashing;

/// <summary>
/// <c>turntide text-digest FILE|-</c>: the <c>text-sha256-v1</c> digest of text files, PDFs (their extracted text)
/// or standard input, one line <c>value,path</c> per input; --normalized prints the normalised text instead, to
/// see why two texts differ.
/// </summary>
internal static class TextDigestCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("FILE")
        {
            Description = "Text files (UTF-8, or UTF-16/32 with a byte-order mark) or PDFs; '-' reads standard input.",
            Arity = ArgumentArity.OneOrMore,
        };
        var normalized = new Option<bool>("--normalized")
        {
            Description = "Print the normalised text that is hashed, instead of the digest.",
        };
        var maxBytes = new Option<long>("--max-bytes")
        {
            Description = "Refuse inputs larger than this many bytes.",
            DefaultValueFactory = _ => TextLimits.DefaultMaxBytes,
        };
        maxBytes.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() is < 1 or > int.MaxValue)
                r.AddError($"--max-bytes must be between 1 and {int.MaxValue}.");
        });
        var command = new Command("text-digest", $"Digest normalised text ({TextDigest.Algorithm}: NFKC, case fold, whitespace and punctuation folded) of text files and PDFs.")
        {
            inputs, normalized, maxBytes,
        };
        command.SetAction(parse => Run(parse.GetValue(inputs)!, parse.GetValue(normalized),
            new TextLimits { MaxBytes = parse.GetValue(maxBytes) }, Console.OpenStandardInput, Console.Out, Console.Error));
        return command;
    }

    internal static int Run(string[] inputs, bool normalized, TextLimits limits, Func<Stream> stdin, TextWriter stdout, TextWriter stderr)
    {
        int failures = 0;
        foreach (var input in inputs)
        {
            try
            {
                byte[] bytes = input == "-" ? ReadAll(stdin(), limits.MaxBytes) : ReadFile(input, limits.MaxBytes);
                var kind = ContentSniffer.Detect(bytes.AsSpan(0, Math.Min(bytes.Length, ContentSniffer.HeadLength)), input,
                    complete: bytes.Length <= ContentSniffer.HeadLength);
                if (kind.Kind is not (FileKind.Pdf or FileKind.Text))
                    throw new TextDigestException($"the text digest needs a text file or a PDF, and this is {FileSignals.Describe(kind)}");
                if (normalized)
                {
                    string text = kind.Kind == FileKind.Pdf
                        ? string.Join("\n", PdfText.ExtractPages(bytes, limits))
                        : ReadText(bytes);
                    stdout.WriteLine(TextNormalization.Normalize(text));
                }
                else
                {
                    var digest = kind.Kind == FileKind.Pdf ? PdfText.Digest(bytes, limits) : TextDigester.Digest(new MemoryStream(bytes), limits);
                    stdout.WriteLine($"{digest.Value},{input}");
                }
            }
            catch (Exception ex) when (ex is TextDigestException or PdfTextException or IOException or UnauthorizedAccessException)
            {
                stdout.Flush();
                stderr.WriteLine($"turntide: {input}: {ex.Message}");
                failures++;
            }
        }
        stdout.Flush();
        return failures > 0 ? 1 : 0;
    }

    /// <summary>Decodes as the digest does: UTF-8 unless a byte-order mark says otherwise, invalid bytes refused.</summary>
    private static string ReadText(byte[] bytes)
    {
        try
        {
            var strictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
            return new StreamReader(new MemoryStream(bytes), strictUtf8, detectEncodingFromByteOrderMarks: true).ReadToEnd();
        }
        catch (DecoderFallbackException)
        {
            throw new TextDigestException("the text is not valid UTF-8");
        }
    }

    private static byte[] ReadFile(string path, long maxBytes)
    {
        if (!File.Exists(path))
            throw new IOException("no such file");
        long length = new FileInfo(path).Length;
        if (length > maxBytes)
            throw new TextDigestException($"file is {length} bytes, over the limit of {maxBytes} (see --max-bytes)");
        return File.ReadAllBytes(path);
    }

    private static byte[] ReadAll(Stream stream, long maxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > maxBytes)
                throw new TextDigestException($"standard input is over the limit of {maxBytes} bytes (see --max-bytes)");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }
}
