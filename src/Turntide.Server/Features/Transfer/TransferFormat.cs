namespace Turntide.Server.Features.Transfer;

/// <summary>The file formats a bank is imported from and exported to.</summary>
internal enum TransferFormat
{
    /// <summary>RFC 4180 CSV with the header <c>signal_type,signal,labels,note</c>; labels separated by <c>;</c>.</summary>
    Csv,
    /// <summary>JSON Lines: one <c>{"signal_type":..,"signal":..,"labels":[..],"note":..}</c> object per line.</summary>
    Jsonl,
    /// <summary>A ThreatExchange-style hash list: one <c>hash[,meta]</c> per line, PDQ; import only.</summary>
    HashList,
}

internal static class TransferFormats
{
    public const string Names = "csv, jsonl or hashlist";

    public static TransferFormat? Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "csv" => TransferFormat.Csv,
        "jsonl" or "ndjson" => TransferFormat.Jsonl,
        "hashlist" or "txt" => TransferFormat.HashList,
        _ => null,
    };

    public static string Name(this TransferFormat format) => format switch
    {
        TransferFormat.Csv => "csv",
        TransferFormat.Jsonl => "jsonl",
        _ => "hashlist",
    };

    /// <summary>The format a file name suggests: .csv, .jsonl or .ndjson, and .txt for a hash list.</summary>
    public static TransferFormat? FromFileName(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => TransferFormat.Csv,
        ".jsonl" or ".ndjson" => TransferFormat.Jsonl,
        ".txt" or ".pdq" or ".hashes" => TransferFormat.HashList,
        _ => null,
    };

    public static string ContentType(this TransferFormat format) => format switch
    {
        TransferFormat.Csv => "text/csv; charset=utf-8",
        TransferFormat.Jsonl => "application/x-ndjson; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };

    /// <summary>
    /// Media types an import of the format accepts. A form encoding or multipart body is refused: it would be read as
    /// the file's text and fail line by line, when the caller only chose the wrong way to send it.
    /// </summary>
    public static bool Accepts(this TransferFormat format, string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
            return true;
        var media = contentType.Split(';')[0].Trim().ToLowerInvariant();
        if (media is "application/octet-stream" or "text/plain")
            return true;
        return format switch
        {
            TransferFormat.Csv => media is "text/csv" or "application/csv",
            TransferFormat.Jsonl => media is "application/x-ndjson" or "application/jsonl" or "application/json-lines" or "application/jsonlines",
            _ => media is "text/csv",
        };
    }
}
