namespace Turntide.Server.Features.Transfer;

/// <summary>One line that was not imported, and why.</summary>
internal sealed record ImportLineError(long Line, string Message);

/// <summary>
/// What an import did. <see cref="Lines"/> counts the records read (data lines; the CSV header and blank lines are not
/// counted); each was added, skipped as a duplicate, or failed. <see cref="Errors"/> lists the first failures by line;
/// <see cref="ErrorsNotShown"/> counts the rest. <see cref="Stopped"/> says why an import ended before the file did
/// (items committed before that point stay).
/// </summary>
internal sealed record ImportReport(string Bank, string Format, long Lines, int Added, int Duplicates, int Failed,
    IReadOnlyList<ImportLineError> Errors, int ErrorsNotShown, string? Stopped)
{
    public bool Complete => Failed == 0 && Stopped is null;
}
