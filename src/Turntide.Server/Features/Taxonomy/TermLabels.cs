using System.Text.RegularExpressions;

namespace Turntide.Server.Features.Taxonomy;

/// <summary>
/// The syntax of a label, whether a taxonomy term names it or an item carries it. It lives with the taxonomy so that
/// the vocabulary checks its own terms without reaching up into the banks that use them.
/// </summary>
internal static partial class TermLabels
{
    public const int MaxLength = 80;

    [GeneratedRegex("^[a-z0-9][a-z0-9:_.\\-/]*$")]
    private static partial Regex Pattern();

    /// <summary>The label trimmed and lower-cased ("" for a blank one); a label outside the syntax is refused.</summary>
    public static string Normalize(string? raw)
    {
        var label = (raw ?? "").Trim().ToLowerInvariant();
        if (label.Length > 0 && (label.Length > MaxLength || !Pattern().IsMatch(label)))
            throw new DomainException($"Label '{(label.Length > 40 ? label[..37] + "..." : label)}' is not 1 to {MaxLength} of a-z, 0-9, ':', '_', '.', '-', '/'.");
        return label;
    }
}
