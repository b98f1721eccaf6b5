namespace Turntide.Server.Features.Transfer;

/// <summary>
/// CSV formula injection: a spreadsheet opening an exported file runs a cell that starts with <c>= + - @</c> (or tab or
/// CR) as a formula. As OWASP advises, export puts a <c>'</c> in front of such a cell, which spreadsheets show as text.
/// A cell that already starts with quotes before one of those characters gets one more, and import takes exactly one
/// off such a cell, so an exported file imports back to the same notes.
/// </summary>
internal static class CsvFormulas
{
    private const char Escape = '\'';

    public static bool StartsLikeFormula(ReadOnlySpan<char> cell) =>
        cell.TrimStart(Escape) is [ '=' or '+' or '-' or '@' or '\t' or '\r', ..];

    /// <summary>The cell as export writes it.</summary>
    public static string Neutralise(string cell) => StartsLikeFormula(cell) ? Escape + cell : cell;

    /// <summary>The cell as import reads it: a neutralised cell loses the quote export gave it.</summary>
    public static string? Restore(string? cell) =>
        cell is [Escape, ..] && StartsLikeFormula(cell) ? cell[1..] : cell;
}
