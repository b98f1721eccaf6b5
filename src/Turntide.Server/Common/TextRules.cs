using System.Globalization;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Common;

/// <summary>
/// What text may hold before it reaches the database: no control characters except tab and line breaks (LF, CR), and
/// no unpaired surrogates. PostgreSQL refuses NUL in text outright (error 22021) and SQLite would keep it, so the same
/// rule on both keeps the two databases alike and turns what was a 500 into a 400 that names the field.
/// </summary>
internal static class TextRules
{
    /// <summary>Why <paramref name="text"/> may not be stored as the <paramref name="field"/>, or null when it may.</summary>
    public static string? Problem(string? text, string field)
    {
        if (text is null)
            return null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
                return $"The {field} is not valid Unicode: an unpaired surrogate at character {i + 1}.";
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
                return $"The {field} contains the control character U+{((int)c).ToString("X4", CultureInfo.InvariantCulture)} at character {i + 1}; only tab and line breaks are allowed.";
        }
        return null;
    }

    /// <summary>Throws a 400 <see cref="DomainException"/> naming the field when the text breaks the rule.</summary>
    public static string? Require(string? text, string field) =>
        Problem(text, field) is { } problem ? throw new DomainException(problem) : text;
}
