using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Contributions;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Hashing;
using Turntide.Server.Features.Members;
using Turntide.Core.Signals;
using Turntide.Server.Features.Taxonomy;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Sharing;

/// <summary>What the contribute form sends; field names are the form's.</summary>
internal sealed class ContributeInput
{
    public string? Bank { get; set; }
    public List<string?> SignalType { get; set; } = [];
    public List<string?> SignalValue { get; set; } = [];
    /// <summary>"1" for a row a hashed file filled in, "0" for a typed one; one per row, in the rows' order.</summary>
    public List<string?> FromFile { get; set; } = [];
    public List<string> Labels { get; set; } = [];
    public string? Note { get; set; }
}

/// <summary>A signal row of the form (typed in, or filled from a hashed file).</summary>
internal sealed record SignalRow(string Type, string Value, bool FromFile, string? Error);

/// <summary>The rows a hashed file fills in, and what the page tells about the file.</summary>
internal sealed record HashedFile(IReadOnlyList<SignalRow> Rows, string? Message, string? Error);

/// <summary>
/// A member sends signals of one piece of media to a shared bank, with labels and a note. A file may be hashed here
/// first: it is read into memory, hashed by the server's <see cref="MediaHasher"/> and discarded; only its signals reach
/// the form. The contribution goes through <see cref="ContributionService"/>, which merges it into an item already
/// holding one of its signals.
/// </summary>
[Authorize(Policy = Policies.PageCurateBanks)]
[ForRole(ServerRoles.Hub)]
// A form posted without the token header is read for its token: in memory only (the body limit bounds it), never to a
// temporary file, so no media reaches the disk even then.
[RequestFormLimits(MemoryBufferThreshold = int.MaxValue)]
internal sealed class ContributeModel(TurntideDb db, ContributionService contributions, TaxonomyService taxonomy, MediaHasher hasher,
    IOptions<HashingOptions> options, IAntiforgery antiforgery) : SharingPage
{
    /// <summary>Empty rows for typed signals; an item holds at most <see cref="BankContent.MaxSignals"/>.</summary>
    public const int TypedRows = 3;

    public List<BankDto> Banks { get; private set; } = [];
    public List<TaxonomyTermDto> Terms { get; private set; } = [];
    public ContributeInput Input { get; private set; } = new();
    public List<SignalRow> Rows { get; private set; } = [];
    public long MaxUploadBytes => options.Value.MaxUploadBytes;

    /// <summary>htmx sends the antiforgery token as a header with the file, so the form is never parsed (nor buffered to disk).</summary>
    public string HashHeaders => JsonSerializer.Serialize(new Dictionary<string, string?>
    {
        ["X-CSRF-Token"] = antiforgery.GetAndStoreTokens(HttpContext).RequestToken,
    });

    public async Task OnGetAsync(Guid? bank)
    {
        Input = new ContributeInput { Bank = bank?.ToString() };
        Rows = [.. Enumerable.Range(0, TypedRows).Select(_ => new SignalRow(SignalTypes.PdqName, "", false, null))];
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostAsync(ContributeInput input)
    {
        Input = input;
        var signals = CheckForm(input);
        await LoadAsync();
        var unknown = input.Labels.Where(l => Terms.All(t => t.Label != (l ?? "").Trim().ToLowerInvariant())).Take(5).ToList();
        if (unknown.Count > 0 && ErrorFor("Labels") is null)
            FieldError("Labels", $"Not in the taxonomy (or retired): {string.Join(", ", unknown.Select(l => l.Length > 40 ? l[..37] + "..." : l))}. Pick from the terms offered.");
        if (HasFieldErrors)
            return Page();
        ContributionResult? result = null;
        if (await TryAsync(async () => result = await contributions.ContributeAsync(Actor,
                new NewContribution(input.Bank!, signals, input.Labels, input.Note))) is { } refused)
            return refused;
        if (result is null)
            return Page();
        var others = result.Provenance.Count(p => p.OrganisationId != Actor.OrganisationId);
        Flash(result.Merged
            ? $"Merged with an existing item: {result.Provenance.Count} members contributed it ({others} besides yours)."
            : "New item: your contribution is the first of these signals in the bank.");
        return Redirect($"/shared/{result.Content.Id}");
    }

    /// <summary>Hashes an uploaded file in memory and answers the form rows its signals fill in (an htmx fragment).</summary>
    public async Task<IActionResult> OnPostHashAsync()
    {
        HashedFile hashed;
        try
        {
            using var upload = await UploadReader.ReadFileAsync(Request, options.Value.MaxUploadBytes, HttpContext.RequestAborted);
            var result = await hasher.HashAsync(upload, HttpContext.RequestAborted);
            var accepted = result.Signals.Where(s => SignalTypes.Find(s.SignalType) is not null).ToList();
            var skipped = result.Signals.Where(s => SignalTypes.Find(s.SignalType) is null).Select(s => s.SignalType).ToList();
            var message = $"Hashed {result.ContentType}{(result.Format is null ? "" : " (" + result.Format + ")")}, {result.Bytes:N0} bytes: "
                + $"{string.Join(", ", accepted.Select(s => s.SignalType))} filled in. The file itself was not kept."
                + (skipped.Count > 0 ? $" Not offered ({string.Join(", ", skipped)}): not a signal type of Core's vocabulary." : "");
            hashed = new HashedFile([.. accepted.Select(s => new SignalRow(s.SignalType, s.Value, true, null))], message, null);
        }
        catch (DomainException ex)
        {
            // The fragment replaces the file's rows either way; a refusal is told where the rows would be.
            hashed = new HashedFile([], null, ex.Message);
        }
        return Partial("_HashedSignals", hashed);
    }

    /// <summary>Checks every field and puts each problem next to its field; returns the signals that are well formed.</summary>
    private List<SignalDto> CheckForm(ContributeInput input)
    {
        if (string.IsNullOrWhiteSpace(input.Bank) || !Guid.TryParse(input.Bank, out _))
            FieldError("Bank", "Pick the bank to contribute to.");
        var signals = new List<SignalDto>();
        int count = Math.Max(input.SignalType.Count, input.SignalValue.Count);
        if (count > BankContent.MaxSignals + TypedRows)
        {
            FieldError("Signals", $"A contribution has at most {BankContent.MaxSignals} signals.");
            count = 0;
        }
        for (int i = 0; i < count; i++)
        {
            var type = input.SignalType.ElementAtOrDefault(i) ?? "";
            var value = input.SignalValue.ElementAtOrDefault(i) ?? "";
            bool fromFile = input.FromFile.ElementAtOrDefault(i) == "1";
            if (value.Trim().Length == 0)
            {
                if (!fromFile)
                    Rows.Add(new SignalRow(type, "", false, null));
                continue;
            }
            var (t, canonical, error) = SignalTypes.Validate(type, value);
            Rows.Add(new SignalRow(type, value, fromFile, error));
            if (error is null && !signals.Any(s => s.SignalType == t!.Name && s.Value == canonical))
                signals.Add(new SignalDto(t!.Name, canonical!));
        }
        if (Rows.Any(r => r.Error is not null))
            FieldError("Signals", "Correct the signals marked below.");
        else if (signals.Count == 0)
            FieldError("Signals", "Enter at least one signal, or hash a file to fill them in.");
        else if (signals.Count > BankContent.MaxSignals)
            FieldError("Signals", $"A contribution has at most {BankContent.MaxSignals} signals, not {signals.Count}.");
        if (input.Labels.Count > BankContent.MaxLabels)
            FieldError("Labels", $"Pick at most {BankContent.MaxLabels} labels, not {input.Labels.Count}.");
        if ((input.Note ?? "").Trim().Length > BankContent.MaxNoteLength)
            FieldError("Note", $"The note is {input.Note!.Trim().Length} characters long; the limit is {BankContent.MaxNoteLength}.");
        while (Rows.Count(r => !r.FromFile) < TypedRows && Rows.Count < BankContent.MaxSignals)
            Rows.Add(new SignalRow(SignalTypes.PdqName, "", false, null));
        return signals;
    }

    private async Task LoadAsync()
    {
        var ct = HttpContext.RequestAborted;
        var rows = await db.Banks.AsNoTracking().VisibleTo(db, Actor.OrganisationId).OrderBy(b => b.Name)
            .Select(b => new { Bank = b, Count = b.Contents.Count }).ToListAsync(ct);
        Banks = [.. rows.Select(r => r.Bank.ToDto(r.Count))];
        Terms = await ActiveTermsAsync(taxonomy, ct);
    }
}
