namespace Turntide.Server.Features.Transfer;

/// <summary>The <c>Turntide</c> settings of bank import.</summary>
internal sealed class TransferOptions
{
    /// <summary>Largest bank import (API or page upload), in bytes; the body is streamed, never held whole.</summary>
    public long MaxImportBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Longest line (CSV record) of a bank import, in bytes.</summary>
    public int MaxImportLineBytes { get; set; } = 16 * 1024;

    /// <summary>Per-line errors an import report lists; beyond them it only counts.</summary>
    public int MaxImportErrors { get; set; } = 100;

    /// <summary>Items committed per transaction (with their audit entries) during an import.</summary>
    public int ImportBatchSize { get; set; } = 1000;

    public static void Check(TransferOptions o, OptionsCheck c)
    {
        c.Require(o.MaxImportBytes is >= 1024, "MaxImportBytes", "at least 1024");
        c.Require(o.MaxImportLineBytes is >= 256 and <= 16 * 1024 * 1024, "MaxImportLineBytes", "256 to 16777216");
        c.Require(o.MaxImportErrors is >= 0 and <= 100_000, "MaxImportErrors", "0 to 100000");
        c.Require(o.ImportBatchSize is >= 1 and <= 10_000, "ImportBatchSize", "1 to 10000");
    }
}
