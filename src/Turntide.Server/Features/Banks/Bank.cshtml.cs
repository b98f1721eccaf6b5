using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Transfer;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Banks;

[Authorize(Policy = Policies.PageReadBanks)]
internal sealed class BankModel(TurntideDb db, BankService banks, ExchangeService exchange, TransferService transfer) : TurntidePage
{
    public const int PageSize = 50;

    [FromRoute] public Guid Id { get; set; }
    [BindProperty(SupportsGet = true)] public int Skip { get; set; }
    public int Take => PageSize;
    public Bank? BankRow { get; private set; }
    public int Total { get; private set; }
    public List<BankContentDto> Items { get; private set; } = [];
    /// <summary>The bank's curators only (<see cref="BankOwnership"/>): the owner's admins and analysts, and the forum's admins on the forum's banks.</summary>
    public bool CanCurate { get; private set; }
    /// <summary>Who receives the bank is decided by its curators too.</summary>
    public bool CanShare { get; private set; }
    /// <summary>Whether the signed-in person may contribute here (any member with the curating role that sees the bank).</summary>
    public bool CanContribute { get; private set; }
    /// <summary>The bank's own changes (created, enabled, disabled, shared), oldest first; a disable can be undone from here.</summary>
    public List<AuditEntry> History { get; private set; } = [];
    /// <summary>The latest disable, offered for undoing while the bank is still disabled.</summary>
    public long? UndoableDisable { get; private set; }
    /// <summary>The confirmation a destructive post waits for (see <see cref="Confirmation"/>).</summary>
    public Confirmation? Confirm { get; private set; }
    public List<Organisation> SharingMembers { get; private set; } = [];
    public HashSet<Guid> NamedMembers { get; private set; } = [];
    public string OwnerName { get; private set; } = "";

    public string SharingText => BankRow is not { Private: true }
        ? $"Shared with every member. Owner: {OwnerName}."
        : $"Private: seen only by its owner, {OwnerName}, and the members named on it: "
            + (NamedMembers.Count == 0 ? "none." : string.Join(", ", SharingMembers.Where(o => NamedMembers.Contains(o.Id)).Select(o => o.Name)) + ".");

    [BindProperty] public string SignalType { get; set; } = "pdq";
    [BindProperty] public string SignalValue { get; set; } = "";
    [BindProperty] public string? Labels { get; set; }
    [BindProperty] public string? Note { get; set; }
    [BindProperty] public bool Enabled { get; set; }
    [BindProperty] public bool Private { get; set; }
    [BindProperty] public List<Guid> Members { get; set; } = [];
    [BindProperty] public IFormFile? ImportFile { get; set; }
    [BindProperty] public string? ImportFormat { get; set; }
    [BindProperty] public bool Confirmed { get; set; }
    [BindProperty] public long Entry { get; set; }
    public ImportReport? Report { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ?? Page();

    public async Task<IActionResult> OnPostAddAsync()
    {
        if (await CurateAsync() is { } refused)
            return refused;
        var labels = (Labels ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        BankContent? added = null;
        if (await TryAsync(async () => added = await banks.AddContentAsync(Actor, Id,
                new NewContent([new SignalDto(SignalType, SignalValue)], labels, Note, null))) is { } r)
            return r;
        if (added is null)
        {
            await LoadAsync();
            return Page();
        }
        Flash("Item added; it matches from now on.");
        return Redirect($"/content/{added.Id}");
    }

    public async Task<IActionResult> OnPostEnabledAsync()
    {
        if (await CurateAsync() is { } refused)
            return refused;
        if (!Enabled && !Confirmed)
        {
            // CurateAsync has checked ownership, so only a curator is ever asked to confirm.
            var bank = await db.Banks.AsNoTracking().FirstAsync(b => b.Id == Id);
            if (bank.Enabled)
            {
                await LoadAsync();
                Confirm = new Confirmation($"Disable the bank {bank.Name}?", await DisableConsequenceAsync(bank), "Enabled",
                    $"Disable {bank.Name}", new Dictionary<string, string> { ["Enabled"] = "false" }, $"/banks/{Id}");
                return Page();
            }
        }
        if (await TryAsync(() => banks.SetBankEnabledAsync(Actor, Id, Enabled)) is { } r)
            return r;
        Flash(Enabled ? "Bank enabled." : "Bank disabled: its items match nothing until it is enabled again.");
        return Redirect($"/banks/{Id}");
    }

    /// <summary>Undoes a disable named in the bank's history: the bank is enabled again (audited as bank.enable).</summary>
    public async Task<IActionResult> OnPostUndoAsync()
    {
        if (await CurateAsync() is { } refused)
            return refused;
        var id = Id.ToString();
        var disable = await db.AuditEntries.AsNoTracking()
            .FirstOrDefaultAsync(a => a.Sequence == Entry && a.EntityType == "bank" && a.EntityId == id && a.Action == "bank.disable");
        if (disable is null)
            Error = $"Entry {Entry} of this bank's history is not a disable; only a disable can be undone here.";
        else if (await TryAsync(async () =>
                 {
                     var bank = await banks.FindBankAsync(Id, HttpContext.RequestAborted);
                     await banks.RequireCuratorAsync(Actor, bank, HttpContext.RequestAborted);
                     if (bank.Enabled)
                         throw new DomainException("The bank is already enabled: there is nothing to undo.");
                     await banks.SetBankEnabledAsync(Actor, Id, true, HttpContext.RequestAborted);
                 }) is { } r)
            return r;
        if (Error is not null)
        {
            await LoadAsync();
            return Page();
        }
        Flash($"Disable #{Entry} undone: the bank is enabled and its items match again.");
        return Redirect($"/banks/{Id}");
    }

    public async Task<IActionResult> OnPostSharingAsync()
    {
        if (await CurateAsync() is { } refused)
            return refused;
        // A bank shared with every member names nobody: unticking "Private" drops the named members with it.
        if (!Private)
            Members = [];
        if (Members.Count > ExchangeService.MaxMembers)
            Error = $"A bank names at most {ExchangeService.MaxMembers} members, not {Members.Count}.";
        else if (await TryAsync(() => exchange.SetSharingAsync(Actor, Id.ToString(), new BankSharing(Private, Members))) is { } r)
            return r;
        if (Error is not null)
        {
            await LoadAsync();
            return Page();
        }
        Flash(Private ? $"The bank is private: its owner and {Members.Count} named members see it." : "The bank is shared with every member.");
        return Redirect($"/banks/{Id}");
    }

    /// <summary>Imports an uploaded file (see <see cref="TransferApi.UseTransferUploads"/> for its size) and shows the report.</summary>
    public async Task<IActionResult> OnPostImportAsync()
    {
        if (await CurateAsync() is { } refused)
            return refused;
        var format = TransferFormats.Parse(ImportFormat) ?? (ImportFile is null ? null : TransferFormats.FromFileName(ImportFile.FileName));
        if (ImportFile is null || ImportFile.Length == 0)
            Error = "Choose a file to import.";
        else if (format is null)
            Error = $"Choose the file's format: {TransferFormats.Names}.";
        else
        {
            await using var stream = ImportFile.OpenReadStream();
            if (await TryAsync(async () => Report = await transfer.ImportAsync(Actor, Id.ToString(), stream, format.Value, HttpContext.RequestAborted)) is { } r)
                return r;
        }
        return await LoadAsync() ?? Page();
    }

    /// <summary>The bank as a csv or jsonl download, streamed (status: enabled by default, or disabled, quarantined, all).</summary>
    public async Task<IActionResult> OnGetExportAsync(string? format, string? status)
    {
        var chosen = TransferFormats.Parse(format ?? "csv");
        if (chosen is not (TransferFormat.Csv or TransferFormat.Jsonl) || !TransferApi.TryParseStatus(status, out var wanted, out _))
            return BadRequest();
        var bank = await db.Banks.AsNoTracking().FirstOrDefaultAsync(b => b.Id == Id);
        if (bank is null || await TryAsync(() => BankVisibility.RequireVisibleAsync(db, Actor, Id, HttpContext.RequestAborted)) is not null)
            return NotFound();
        Response.ContentType = chosen.Value.ContentType();
        Response.Headers.ContentDisposition = $"attachment; filename=\"{TransferApi.FileName(bank.Name)}.{chosen.Value.Name()}\"";
        await transfer.ExportAsync(Actor, bank, chosen.Value, wanted, Response.Body, HttpContext.RequestAborted);
        return new EmptyResult();
    }

    private async Task<IActionResult?> CurateAsync()
    {
        if (!IsHub)
            return NotFound();
        if (!await AllowedAsync(Policies.PageCurateBanks))
            return Forbid();
        var bank = await db.Banks.AsNoTracking().VisibleTo(db, Actor.OrganisationId).FirstOrDefaultAsync(b => b.Id == Id);
        if (bank is null)
            return NotFound();
        // The services refuse a non-curator too; asking here first keeps every handler's answer the same (403).
        if (!await BankOwnership.MayCurateAsync(db, Actor, bank, HttpContext.RequestAborted))
            return Forbid();
        return null;
    }

    /// <summary>What disabling does, in figures: the items that stop matching and how many members match against them.</summary>
    private async Task<string> DisableConsequenceAsync(Bank bank)
    {
        int items = await db.Contents.CountAsync(c => c.BankId == bank.Id);
        string[] kinds = [OrganisationKinds.Forum, OrganisationKinds.Platform];
        int members = bank.Private
            ? 1 + await db.BankMembers.CountAsync(m => m.BankId == bank.Id && m.OrganisationId != bank.OwnerOrganisationId)
            : await db.Organisations.CountAsync(o => kinds.Contains(o.Kind));
        return $"{bank.Name} holds {items} {(items == 1 ? "item" : "items")} that {members} {(members == 1 ? "member matches" : "members match")} against. "
            + "None of them will match anything, for anyone, until the bank is enabled again; you can undo this from the bank's history.";
    }

    private async Task<IActionResult?> LoadAsync()
    {
        // A private bank the member may not see is answered as missing, as the API does.
        BankRow = await db.Banks.AsNoTracking().VisibleTo(db, Actor.OrganisationId).FirstOrDefaultAsync(b => b.Id == Id);
        if (BankRow is null)
            return NotFound();
        Skip = Math.Max(0, Skip);
        var query = db.Contents.AsNoTracking().Where(c => c.BankId == Id);
        Total = await query.CountAsync();
        var items = await query.OrderByDescending(c => c.AddedAt).ThenBy(c => c.Id).Skip(Skip).Take(Take)
            .Include(c => c.Signals).Include(c => c.Labels).AsSplitQuery().ToListAsync();
        Items = [.. items.Select(c => c.ToDto(BankRow.Name))];
        CanContribute = IsHub && await AllowedAsync(Policies.PageCurateBanks);
        CanCurate = CanContribute && await BankOwnership.MayCurateAsync(db, Actor, BankRow, HttpContext.RequestAborted);
        OwnerName = await db.Organisations.Where(o => o.Id == BankRow.OwnerOrganisationId).Select(o => o.Name).FirstOrDefaultAsync() ?? "";
        NamedMembers = [.. await db.BankMembers.Where(m => m.BankId == Id).Select(m => m.OrganisationId).ToListAsync()];
        CanShare = CanCurate;
        var id = Id.ToString();
        string[] bankEntities = ["bank", "bank_sharing"];
        History = await db.AuditEntries.AsNoTracking().Where(a => bankEntities.Contains(a.EntityType) && a.EntityId == id)
            .OrderBy(a => a.Sequence).ToListAsync();
        UndoableDisable = CanCurate && !BankRow.Enabled ? History.LastOrDefault(a => a.Action == "bank.disable")?.Sequence : null;
        if (CanShare || BankRow.Private)
        {
            var named = NamedMembers.ToList();
            // Member organisations that work with banks; the owner always sees its own bank.
            string[] kinds = [OrganisationKinds.Forum, OrganisationKinds.Platform];
            SharingMembers = await db.Organisations.AsNoTracking()
                .Where(o => kinds.Contains(o.Kind) && o.Id != BankRow.OwnerOrganisationId && (CanShare || named.Contains(o.Id)))
                .OrderBy(o => o.Name).Take(ExchangeService.MaxMembers).ToListAsync();
        }
        return null;
    }
}
