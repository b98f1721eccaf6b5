using Turntide.Server.Features.Taxonomy;

namespace Turntide.Server.Features.Banks;

/// <summary>A named list of signals, curated by its owner organisation.</summary>
internal sealed class Bank
{
    public const int MaxNameLength = 80;
    public const int MaxDescriptionLength = 2000;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public required string NormalizedName { get; set; }
    public string Description { get; set; } = "";
    /// <summary>A disabled bank keeps its content but matches nothing.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>
    /// A negative bank: known-benign signals (a news photo, a public-service video). A query that matches one of its
    /// items matches nothing at all, so a benign look-alike never raises an alert.
    /// </summary>
    public bool Benign { get; set; }
    /// <summary>A private bank reaches, through the exchange, only its owner and the members named on it.</summary>
    public bool Private { get; set; }
    public Guid OwnerOrganisationId { get; set; }
    /// <summary>Null for the node's own bank; <c>hub</c> for a read-only copy of a hub's bank, kept under the hub's id.</summary>
    public string? Origin { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<BankContent> Contents { get; set; } = [];

    public BankDto ToDto(int contentCount) => new(Id, Name, Description, Enabled, OwnerOrganisationId, CreatedAt, contentCount, Benign);
}

internal sealed record BankDto(Guid Id, string Name, string Description, bool Enabled, Guid OwnerOrganisationId, DateTime CreatedAt, int ContentCount, bool Benign);

/// <summary>Whether an item takes part in matching.</summary>
internal enum ContentStatus
{
    /// <summary>Matches.</summary>
    Enabled,
    /// <summary>Kept for the record, matches nothing.</summary>
    Disabled,
    /// <summary>Under doubt (for example disputed by members): matches nothing until reviewed.</summary>
    Quarantined,
}

/// <summary>One item in a bank: one or more signals of the same media, its labels and where it came from.</summary>
internal sealed class BankContent
{
    public const int MaxNoteLength = 2000;
    public const int MaxSignals = 64;
    public const int MaxLabels = 32;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid BankId { get; set; }
    public Bank? Bank { get; set; }
    public ContentStatus Status { get; set; } = ContentStatus.Enabled;
    public string Note { get; set; } = "";
    /// <summary>Provenance: the organisation that added the item, and who in it.</summary>
    public Guid AddedByOrganisationId { get; set; }
    public string AddedBy { get; set; } = "";
    public DateTime AddedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<ContentSignal> Signals { get; set; } = [];
    public List<ContentLabel> Labels { get; set; } = [];

    public BankContentDto ToDto(string bankName) => new(
        Id, BankId, bankName, Status.ToString().ToLowerInvariant(), Note, AddedByOrganisationId, AddedBy, AddedAt, UpdatedAt,
        [.. Signals.OrderBy(s => s.Id).Select(s => s.ToDto())],
        [.. Labels.Select(l => l.Label).Order(StringComparer.Ordinal)]);
}

internal sealed record BankContentDto(Guid Id, Guid BankId, string Bank, string Status, string Note,
    Guid AddedByOrganisationId, string AddedBy, DateTime AddedAt, DateTime UpdatedAt,
    IReadOnlyList<SignalDto> Signals, IReadOnlyList<string> Labels);

/// <summary>
/// One signal of an item, stored as its type name and canonical text (lower-case hex for hashes), so that new
/// signal types need no schema change.
/// </summary>
internal sealed class ContentSignal
{
    public long Id { get; set; }
    public Guid ContentId { get; set; }
    public BankContent? Content { get; set; }
    public required string SignalType { get; set; }
    public required string Value { get; set; }

    public SignalDto ToDto() => new(SignalType, Value);
}

internal sealed record SignalDto(string SignalType, string Value);

/// <summary>One label of an item (taxonomy terms such as <c>entity:example-group</c> or <c>severity:crisis</c>).</summary>
internal sealed class ContentLabel
{
    public const int MaxLength = TermLabels.MaxLength;

    public Guid ContentId { get; set; }
    public required string Label { get; set; }
}
