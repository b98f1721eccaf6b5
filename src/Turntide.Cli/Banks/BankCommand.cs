using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Turntide.Server.Features.Transfer;

namespace Turntide.Cli.Banks;

/// <summary>
/// <c>turntide bank import|export</c>: moves bank files to and from a hub over its HTTP API. The API key comes from
/// <c>--api-key-file</c> or <c>TURNTIDE_API_KEY</c> and is never printed. Exit codes: 0 done, 1 when any line was not
/// imported or the server refused, 2 for usage errors.
/// </summary>
internal static class BankCommand
{
    public const string ApiKeyVariable = "TURNTIDE_API_KEY";
    public const string ServerVariable = "TURNTIDE_SERVER";

    private static readonly JsonSerializerOptions ReportJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var command = new Command("bank", "Import a bank from a file, or export one, through a Turntide hub's API.");
        command.Subcommands.Add(Import());
        command.Subcommands.Add(Export());
        return command;
    }

    private static Option<string> ServerOption() => new("--server")
    {
        Description = $"The server's base address, for example http://127.0.0.1:5000 (default: {ServerVariable}).",
    };

    private static Option<string> KeyFileOption() => new("--api-key-file")
    {
        Description = $"A file whose first line is the API key (default: the {ApiKeyVariable} environment variable).",
    };

    private static Option<string> BankOption() => new("--bank") { Description = "The bank's name or id.", Required = true };

    private static Command Import()
    {
        var file = new Argument<string>("FILE") { Description = "The file to import (.csv, .jsonl or .ndjson, .txt for a hash list)." };
        var bank = BankOption();
        var format = new Option<string>("--format") { Description = "csv, jsonl or hashlist (default: from the file's extension)." };
        format.AcceptOnlyFromAmong("csv", "jsonl", "hashlist");
        var server = ServerOption();
        var keyFile = KeyFileOption();
        var quiet = new Option<bool>("--quiet") { Description = "No progress on stderr." };
        var command = new Command("import", "Import a file into a bank; prints what was added, skipped and why lines failed.")
        {
            file, bank, format, server, keyFile, quiet,
        };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            var chosen = TransferFormats.Parse(parse.GetValue(format)) ?? TransferFormats.FromFileName(path);
            if (chosen is null)
                return Usage($"{path}: cannot tell the format from the extension; give --format csv, jsonl or hashlist.");
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"turntide: {path}: no such file");
                return 1;
            }
            if (Connect(parse.GetValue(server), parse.GetValue(keyFile)) is not { } client)
                return 2;
            using (client)
            {
                await using var stream = File.OpenRead(path);
                long length = stream.Length;
                using var progress = new SendProgress(path, length, enabled: !parse.GetValue(quiet));
                var content = new StreamContent(new ProgressStream(stream, progress.Report), 64 * 1024);
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(chosen.Value.ContentType());
                content.Headers.ContentLength = length;
                var url = $"api/v1/banks/{Uri.EscapeDataString(parse.GetValue(bank)!)}/import?format={chosen.Value.Name()}";
                HttpResponseMessage response;
                try
                {
                    response = await client.PostAsync(url, content, ct);
                }
                catch (HttpRequestException e)
                {
                    progress.Clear();
                    Console.Error.WriteLine($"turntide: {client.BaseAddress}: {e.Message}");
                    return 1;
                }
                progress.Clear();
                if (!response.IsSuccessStatusCode)
                    return await Refused(response, path, ct);
                var report = (await response.Content.ReadFromJsonAsync<ImportReport>(ReportJson, ct))!;
                PrintReport(path, report);
                return report.Complete ? 0 : 1;
            }
        });
        return command;
    }

    private static Command Export()
    {
        var bank = BankOption();
        var format = new Option<string>("--format") { Description = "csv or jsonl (default: from --output's extension, else csv)." };
        format.AcceptOnlyFromAmong("csv", "jsonl");
        var status = new Option<string>("--status") { Description = "enabled (default), disabled, quarantined or all." };
        status.AcceptOnlyFromAmong("enabled", "disabled", "quarantined", "all");
        var output = new Option<string>("--output", "-o") { Description = "Write to this file (default: standard output)." };
        var server = ServerOption();
        var keyFile = KeyFileOption();
        var command = new Command("export", "Export a bank's items as csv or jsonl.") { bank, format, status, output, server, keyFile };
        command.SetAction(async (parse, ct) =>
        {
            var target = parse.GetValue(output);
            var chosen = TransferFormats.Parse(parse.GetValue(format))
                ?? (target is null ? null : TransferFormats.FromFileName(target)) ?? TransferFormat.Csv;
            if (chosen == TransferFormat.HashList)
                return Usage("export writes csv or jsonl; give --format.");
            if (Connect(parse.GetValue(server), parse.GetValue(keyFile)) is not { } client)
                return 2;
            using (client)
            {
                var url = $"api/v1/banks/{Uri.EscapeDataString(parse.GetValue(bank)!)}/export?format={chosen.Name()}&status={parse.GetValue(status) ?? "enabled"}";
                HttpResponseMessage response;
                try
                {
                    response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
                }
                catch (HttpRequestException e)
                {
                    Console.Error.WriteLine($"turntide: {client.BaseAddress}: {e.Message}");
                    return 1;
                }
                if (!response.IsSuccessStatusCode)
                    return await Refused(response, parse.GetValue(bank)!, ct);
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                if (target is null)
                {
                    try
                    {
                        await using var stdout = Console.OpenStandardOutput();
                        await body.CopyToAsync(stdout, ct);
                    }
                    catch (Exception e) when (e is IOException or HttpRequestException)
                    {
                        Console.Error.WriteLine($"turntide: {parse.GetValue(bank)}: the export broke off ({e.Message}); what was written is incomplete, run it again");
                        return 1;
                    }
                    return 0;
                }
                // Written beside the target and moved into place, so an interrupted export leaves no half file.
                var partial = target + ".partial";
                try
                {
                    await using (var file = File.Create(partial))
                        await body.CopyToAsync(file, ct);
                    File.Move(partial, target, overwrite: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException)
                {
                    File.Delete(partial);
                    Console.Error.WriteLine($"turntide: {target}: {e.Message}");
                    return 1;
                }
                return 0;
            }
        });
        return command;
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine("turntide: " + message);
        return 2;
    }

    /// <summary>A client for the server with the key set, or null after printing why not.</summary>
    private static HttpClient? Connect(string? server, string? keyFile)
    {
        server ??= Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(server) || !Uri.TryCreate(server.TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress)
            || baseAddress.Scheme is not ("http" or "https"))
        {
            Console.Error.WriteLine($"turntide: give --server http(s)://host:port (or set {ServerVariable}).");
            return null;
        }
        string? key;
        if (keyFile is not null)
        {
            try
            {
                using var reader = File.OpenText(keyFile);
                key = reader.ReadLine()?.Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"turntide: {keyFile}: cannot read the API key file ({e.GetType().Name})");
                return null;
            }
        }
        else
            key = Environment.GetEnvironmentVariable(ApiKeyVariable)?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            Console.Error.WriteLine($"turntide: no API key: give --api-key-file or set {ApiKeyVariable}.");
            return null;
        }
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Prints the server's ProblemDetails (never the request, which holds the key).</summary>
    private static async Task<int> Refused(HttpResponseMessage response, string what, CancellationToken ct)
    {
        string detail = "";
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (problem.RootElement.TryGetProperty("detail", out var d))
                detail = d.GetString() ?? "";
        }
        catch (JsonException)
        {
        }
        Console.Error.WriteLine($"turntide: {what}: the server answered {(int)response.StatusCode} {ReasonPhrase(response.StatusCode)}{(detail.Length > 0 ? ": " + detail : "")}");
        return 1;
    }

    private static string ReasonPhrase(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => "(the API key was not accepted)",
        HttpStatusCode.Forbidden => "(this key's role may not do this)",
        _ => "",
    };

    /// <summary>The report: a summary line on stdout, then each failed line as FILE:LINE: message on stderr.</summary>
    internal static void PrintReport(string path, ImportReport report)
    {
        Console.WriteLine($"{path}: {report.Lines} lines read, {report.Added} added, {report.Duplicates} duplicates skipped, {report.Failed} failed (bank {report.Bank}, {report.Format})");
        foreach (var error in report.Errors)
            Console.Error.WriteLine($"{path}:{error.Line}: {error.Message}");
        if (report.ErrorsNotShown > 0)
            Console.Error.WriteLine($"{path}: {report.ErrorsNotShown} more failed lines not listed (the server lists the first {report.Errors.Count})");
        if (report.Stopped is not null)
            Console.Error.WriteLine($"{path}: stopped: {report.Stopped}");
    }

    /// <summary>Bytes sent so far, on stderr about once a second, for imports that take a while.</summary>
    private sealed class SendProgress(string path, long total, bool enabled) : IDisposable
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _lastDraw;
        private bool _drawn;

        public void Report(long sent)
        {
            if (!enabled || _clock.ElapsedMilliseconds - _lastDraw < 1000)
                return;
            _lastDraw = _clock.ElapsedMilliseconds;
            _drawn = true;
            double percent = total > 0 ? 100.0 * sent / total : 100;
            string text = $"{path}: sent {sent / 1048576.0:F1} of {total / 1048576.0:F1} MiB ({percent:F0}%)";
            // A terminal gets one line redrawn; a log gets a line per report.
            if (Console.IsErrorRedirected)
                Console.Error.WriteLine(text);
            else
                Console.Error.Write("\r" + text + "   ");
        }

        public void Clear()
        {
            if (_drawn && !Console.IsErrorRedirected)
                Console.Error.Write("\r" + new string(' ', 79) + "\r");
            _drawn = false;
        }

        public void Dispose() => Clear();
    }

    private sealed class ProgressStream(Stream inner, Action<long> report) : Stream
    {
        private long _sent;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => _sent; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _sent += read;
            report(_sent);
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
