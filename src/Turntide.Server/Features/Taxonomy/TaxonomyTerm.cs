namespace Turntide.Server.Features.Taxonomy;

/// <summary>
/// One term of the label vocabulary, such as <c>severity:crisis</c>. The forum operator adds, describes and retires
/// terms; items may carry only active terms. A retired term stays on the items that already carry it (their history
/// must not change), but no new write may use it.
/// </summary>
internal sealed class TaxonomyTerm
{
    public const int MaxDescriptionLength = 500;

    /// <summary>The whole label, <c>facet:name</c>; the key, since items store labels as text.</summary>
    public required string Label { get; set; }
    public required string Facet { get; set; }
    public string Description { get; set; } = "";
    public bool Active { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public TaxonomyTermDto ToDto() => new(Label, Facet, Description, Active, CreatedAt, UpdatedAt);
}

internal sealed record TaxonomyTermDto(string Label, string Facet, string Description, bool Active, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>
/// The dimensions a label describes. They are fixed because code reads them (alerting picks the severity, the
/// exchange groups by entity); the terms within each are data.
/// </summary>
internal static class Facets
{
    /// <summary>The group that produced the content.</summary>
    public const string Entity = "entity";
    /// <summary>The designation list the producing group is on (UN, EU, US, ...).</summary>
    public const string Designation = "designation";
    /// <summary>What the content does: incites, recruits, instructs, ...</summary>
    public const string Behaviour = "behaviour";
    /// <summary>What kind of media it is.</summary>
    public const string ContentType = "content_type";
    /// <summary>The tier alerting services act on.</summary>
    public const string Severity = "severity";

    public static readonly IReadOnlyList<string> All = [Entity, Designation, Behaviour, ContentType, Severity];

    public static string? Of(string label)
    {
        int colon = label.IndexOf(':');
        return colon > 0 && All.Contains(label[..colon]) && colon < label.Length - 1 ? label[..colon] : null;
    }
}

/// <summary>The vocabulary a new hub starts with (put in place by the first migration); the operator edits it from there.</summary>
internal static class DefaultTaxonomy
{
    /// <summary>When the defaults were written; fixed so the migration that seeds them is stable.</summary>
    private static readonly DateTime Seeded = new(2026, 11, 29, 0, 0, 0, DateTimeKind.Utc);

    public static readonly IReadOnlyList<(string Label, string Description)> Terms =
    [
        ("severity:threat-to-life", "Imminent threat to someone's life: act at once."),
        ("severity:crisis", "Crisis content: an attacker's manifesto, a livestream or recording of an attack."),
        ("severity:designated-entity", "Produced by or for an entity on a designation list."),
        ("severity:promotional", "Promotes a terrorist entity or its cause without depicting an attack."),
        ("designation:un", "On the UN Security Council consolidated sanctions list."),
        ("designation:eu", "On the EU terrorist list."),
        ("designation:us", "Designated by the United States (FTO or SDGT)."),
        ("designation:uk", "Proscribed in the United Kingdom."),
        ("designation:ca", "A listed terrorist entity in Canada."),
        ("designation:au", "A listed terrorist organisation in Australia."),
        ("entity:unattributed", "The producing entity is not known."),
        ("behaviour:incitement", "Calls for violence."),
        ("behaviour:glorification", "Glorifies an attack or an attacker."),
        ("behaviour:recruitment", "Recruits members or supporters."),
        ("behaviour:instruction", "Instructs in attack planning, weapons or explosives."),
        ("behaviour:threat", "Threatens violence against people or places."),
        ("behaviour:financing", "Raises or moves money for an entity."),
        ("content_type:image", "A still image."),
        ("content_type:video", "A recorded video."),
        ("content_type:livestream", "A live broadcast or its recording."),
        ("content_type:audio", "Audio only."),
        ("content_type:text", "Text, including posts and messages."),
        ("content_type:manifesto", "A manifesto or other long document by an attacker."),
        ("content_type:publication", "A magazine, newsletter or other periodical."),
        ("content_type:url", "A link to content hosted elsewhere."),
    ];

    public static IEnumerable<TaxonomyTerm> Rows() => Terms.Select(t => new TaxonomyTerm
    {
        Label = t.Label,
        Facet = Facets.Of(t.Label)!,
        Description = t.Description,
        CreatedAt = Seeded,
        UpdatedAt = Seeded,
    });
}
