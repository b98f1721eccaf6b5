using System.Globalization;
using System.Text;
using System.Text.Json;
using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Signals;

namespace Turntide.Cli.Hashing;

internal enum OutputFormat
{
    Text,
    Csv,
    Json,
}

/// <summary>
/// Writes the signals of each file in the chosen format.
/// <list type="bullet">
/// <item>text: a photo's PDQ is the reference hasher's line <c>hash,quality,path</c> (with --dihedral, the 8 hashes,
/// quality, path); every other signal is one line <c>signal,value,path</c> (<c>md5,...</c>, <c>sha256,...</c>,
/// <c>text,text-sha256-v1:...</c>), and vPDQ one line per frame <c>vpdq,frame,quality,hash,timestamp,path</c>.
/// The first field tells the line apart: 64 hex digits for PDQ, else the signal's name.</item>
/// <item>csv: a header, then one row per file: <c>path</c>, the columns of each signal (pdq is <c>pdq,quality</c>,
/// or the 8 dihedral names and <c>quality</c>), then <c>kind</c>; a signal that failed or does not apply is empty.</item>
/// <item>json: one object per file and line: path, kind, format, each signal by name (pdq with quality and the
/// dihedral hashes; vpdq as an array of frames), and "errors" by signal when some failed.</item>
/// </list>
/// </summary>
internal sealed class SignalLineWriter(TextWriter writer, OutputFormat format, bool dihedral, IReadOnlyList<SignalType> columns)
{
    public void WriteHeader()
    {
        if (format != OutputFormat.Csv)
            return;
        var header = new List<string> { "path" };
        foreach (var type in columns)
        {
            if (type == SignalType.Pdq)
            {
                header.AddRange(dihedral ? PdqDihedralHashes.Names : ["pdq"]);
                header.Add("quality");
            }
            else
            {
                header.Add(type.Name());
            }
        }
        header.Add("kind");
        writer.WriteLine(string.Join(',', header));
    }

    /// <summary>Writes the values of one file; signals that failed are left to the caller to report.</summary>
    public void Write(string path, FileOutcome outcome)
    {
        if (!outcome.HasValues)
            return;
        switch (format)
        {
            case OutputFormat.Text:
                WriteText(path, outcome);
                break;
            case OutputFormat.Csv:
                WriteCsv(path, outcome);
                break;
            case OutputFormat.Json:
                writer.WriteLine(Json(path, outcome));
                break;
        }
    }

    private void WriteText(string path, FileOutcome outcome)
    {
        foreach (var signal in outcome.Signals)
        {
            if (signal.Error is not null)
                continue;
            switch (signal.Type)
            {
                case SignalType.Pdq when signal.Dihedral is { } d:
                    // The reference's --pdqdih-across: the 8 hashes, then quality, then path.
                    writer.WriteLine($"{string.Join(',', d.Hashes.All)},{d.Quality},{path}");
                    break;
                case SignalType.Pdq:
                    writer.WriteLine($"{signal.Pdq!.Value.Hash},{signal.Pdq.Value.Quality},{path}");
                    break;
                case SignalType.Vpdq:
                    foreach (var frame in Frames(signal.Value!))
                        writer.WriteLine($"vpdq,{frame},{path}");
                    break;
                default:
                    writer.WriteLine($"{signal.Type.Name()},{signal.Value},{path}");
                    break;
            }
        }
    }

    private void WriteCsv(string path, FileOutcome outcome)
    {
        var cells = new List<string> { Csv(path) };
        foreach (var type in columns)
        {
            var signal = outcome.Signals.FirstOrDefault(s => s.Type == type && s.Error is null);
            if (type == SignalType.Pdq)
            {
                if (dihedral)
                    cells.AddRange(signal?.Dihedral is { } d ? d.Hashes.All.Select(h => h.ToString()) : Enumerable.Repeat("", 8));
                else
                    cells.Add(signal?.Value ?? "");
                int? quality = signal?.Dihedral?.Quality ?? signal?.Pdq?.Quality;
                cells.Add(quality?.ToString(CultureInfo.InvariantCulture) ?? "");
            }
            else
            {
                cells.Add(Csv(signal?.Value ?? ""));
            }
        }
        cells.Add(outcome.Kind.KindName);
        writer.WriteLine(string.Join(',', cells));
    }

    private static string Json(string path, FileOutcome outcome)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("path", path);
            json.WriteString("kind", outcome.Kind.KindName);
            json.WriteString("format", outcome.Kind.Format);
            foreach (var signal in outcome.Signals)
            {
                if (signal.Error is not null)
                    continue;
                switch (signal.Type)
                {
                    case SignalType.Pdq:
                        json.WriteString("pdq", signal.Value);
                        json.WriteNumber("quality", signal.Dihedral?.Quality ?? signal.Pdq!.Value.Quality);
                        if (signal.Dihedral is { } d)
                        {
                            json.WriteStartObject("dihedral");
                            var all = d.Hashes.All;
                            for (int i = 0; i < all.Count; i++)
                                json.WriteString(PdqDihedralHashes.Names[i], all[i].ToString());
                            json.WriteEndObject();
                        }
                        break;
                    case SignalType.Vpdq:
                        json.WriteStartArray("vpdq");
                        foreach (var frame in Frames(signal.Value!))
                        {
                            var f = frame.Split(',');
                            json.WriteStartObject();
                            json.WriteNumber("frame", long.Parse(f[0], CultureInfo.InvariantCulture));
                            json.WriteNumber("quality", int.Parse(f[1], CultureInfo.InvariantCulture));
                            json.WriteString("hash", f[2]);
                            // The reference's 3 decimals, written as a JSON number.
                            json.WritePropertyName("timestamp");
                            json.WriteRawValue(f[3]);
                            json.WriteEndObject();
                        }
                        json.WriteEndArray();
                        break;
                    default:
                        json.WriteString(signal.Type.Name(), signal.Value);
                        break;
                }
            }
            if (outcome.Signals.Any(s => s.Error is not null))
            {
                json.WriteStartObject("errors");
                foreach (var signal in outcome.Signals.Where(s => s.Error is not null))
                    json.WriteString(signal.Type.Name(), signal.Error);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static IEnumerable<string> Frames(string vpdq) => vpdq.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
}
