using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Turntide.Server.Data;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Hashing;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Banks;

/// <param name="Benign">True for a negative bank of known-benign signals that suppress matches.</param>
/// <param name="Private">
/// A new bank is private to its owner unless this is false: then every member receives it from the start (on purpose).
/// Who receives it can be changed later with <c>PUT /api/v1/banks/{bank}/sharing</c>.
/// </param>
internal sealed record NewBankRequest(string Name, string? Description, bool? Benign, bool? Private = null);

internal sealed record BankChangesRequest(bool? Enabled);

internal sealed record ContentPage(int Total, int Skip, int Take, IReadOnlyList<BankContentDto> Items);

/// <summary>Bank curation for machines (the hub role); people use the pages under /banks.</summary>
internal static class BanksApi
{
    public static WebApplicationBuilder AddBanks(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<BankService>();
        return builder;
    }

    public static RouteGroupBuilder MapBanksApi(this RouteGroupBuilder api)
    {
        var banks = api.MapGroup("/banks").WithTags("Banks");
        banks.MapGet("/", ListBanks).WithName("ListBanks").RequireAuthorization(Policies.ApiReadBanks);
        banks.MapPost("/", CreateBank).WithName("CreateBank").RequireAuthorization(Policies.ApiCurateBanks);
        banks.MapPatch("/{bank}", ChangeBank).WithName("ChangeBank").RequireAuthorization(Policies.ApiCurateBanks)
            .WithSummary("Enable or disable a bank (by id or name).");
        banks.MapGet("/{bank}/content", ListContent).WithName("ListContent").RequireAuthorization(Policies.ApiReadBanks);
        banks.MapPost("/{bank}/content", AddContent).WithName("AddContent").RequireAuthorization(Policies.ApiCurateBanks)
            .WithSummary("Add an item: its signals, labels and a note. Signals only, never media.");
        // The same route for a file: routing picks this endpoint by the multipart content type.
        banks.MapPost("/{bank}/content", AddContentFromFile).WithName("AddContentFromFile").RequireAuthorization(Policies.ApiCurateBanks)
            .WithSummary("Add an item from a file (multipart 'file'): the file is hashed in memory, discarded, and its signals banked.")
            .WithDescription("Labels, note and status come in the query string (labels separated by commas or spaces).")
            .Accepts<IFormFile>("multipart/form-data")
            .DisableAntiforgery();

        var content = api.MapGroup("/content").WithTags("Banks");
        content.MapGet("/{id:guid}", GetContent).WithName("GetContent").RequireAuthorization(Policies.ApiReadBanks);
        content.MapPatch("/{id:guid}", ChangeContent).WithName("ChangeContent").RequireAuthorization(Policies.ApiCurateBanks)
            .WithSummary("Change an item's status (enabled, disabled, quarantined), labels or note.");
        return api;
    }

    private static async Task<Ok<List<BankDto>>> ListBanks(TurntideDb db, HttpContext http, CancellationToken ct)
    {
        var rows = await db.Banks.AsNoTracking().VisibleTo(db, Actor.From(http.User).OrganisationId).OrderBy(b => b.Name)
            .Select(b => new { Bank = b, Count = b.Contents.Count }).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(r => r.Bank.ToDto(r.Count)).ToList());
    }

    private static async Task<Created<BankDto>> CreateBank(NewBankRequest request, BankService banks, HttpContext http, CancellationToken ct)
    {
        var bank = await banks.CreateBankAsync(Actor.From(http.User), request.Name, request.Description, ct, request.Benign ?? false,
            shared: request.Private == false);
        return TypedResults.Created($"/api/v1/banks/{bank.Id}", bank.ToDto(0));
    }

    private static async Task<Ok<BankDto>> ChangeBank(string bank, BankChangesRequest request, BankService banks, TurntideDb db, HttpContext http, CancellationToken ct)
    {
        var found = await banks.FindBankAsync(bank, ct);
        await BankVisibility.RequireVisibleAsync(db, Actor.From(http.User), found.Id, ct);
        if (request.Enabled is { } enabled)
            found = await banks.SetBankEnabledAsync(Actor.From(http.User), found.Id, enabled, ct);
        return TypedResults.Ok(found.ToDto(0));
    }

    private static async Task<Results<Ok<ContentPage>, ProblemHttpResult>> ListContent(string bank, BankService banks, TurntideDb db,
        int? skip, int? take, HttpContext http, CancellationToken ct)
    {
        if (skip is < 0 || take is < 1 or > BankService.MaxPageSize)
            return (ProblemHttpResult)Problems.Bad($"skip must be 0 or more and take 1 to {BankService.MaxPageSize}.");
        var found = await banks.FindBankAsync(bank, ct);
        await BankVisibility.RequireVisibleAsync(db, Actor.From(http.User), found.Id, ct);
        var query = db.Contents.AsNoTracking().Where(c => c.BankId == found.Id);
        int total = await query.CountAsync(ct);
        var items = await query.OrderBy(c => c.AddedAt).ThenBy(c => c.Id).Skip(skip ?? 0).Take(take ?? 50)
            .Include(c => c.Signals).Include(c => c.Labels).AsSplitQuery().ToListAsync(ct);
        return TypedResults.Ok(new ContentPage(total, skip ?? 0, take ?? 50, [.. items.Select(c => c.ToDto(found.Name))]));
    }

    private static async Task<Created<BankContentDto>> AddContent(string bank, NewContent request, BankService banks, TurntideDb db, HttpContext http, CancellationToken ct)
    {
        var found = await banks.FindBankAsync(bank, ct);
        await BankVisibility.RequireVisibleAsync(db, Actor.From(http.User), found.Id, ct);
        var content = await banks.AddContentAsync(Actor.From(http.User), found.Id, request, ct);
        return TypedResults.Created($"/api/v1/content/{content.Id}", content.ToDto(found.Name));
    }

    /// <summary>
    /// Banks the signals of a file. Who may curate the bank is asked before the body is read, so a refused caller's
    /// media is never hashed; the upload is hashed within the size limit and the decoding budget, then discarded.
    /// </summary>
    private static async Task<Created<BankContentDto>> AddContentFromFile(string bank, HttpRequest request, BankService banks, TurntideDb db,
        MediaHasher hasher, DecodeBudget budget, IOptions<HashingOptions> options, CancellationToken ct)
    {
        var actor = Actor.From(request.HttpContext.User);
        var found = await banks.FindBankAsync(bank, ct);
        await BankVisibility.RequireVisibleAsync(db, actor, found.Id, ct);
        await banks.RequireCuratorAsync(actor, found, ct);
        string? labels = request.Query["labels"], note = request.Query["note"], status = request.Query["status"];
        if (labels?.Length > BankContent.MaxLabels * (ContentLabel.MaxLength + 1))
            throw new DomainException($"labels is {labels.Length} characters long; an item has at most {BankContent.MaxLabels} labels of {ContentLabel.MaxLength} characters.");

        using var upload = await UploadReader.ReadFileAsync(request, options.Value.MaxUploadBytes, ct);
        HashResultDto hashed;
        using (await budget.AcquireForAsync(upload.Memory, ct))
            hashed = await hasher.HashAsync(upload, ct);
        var input = new NewContent([.. hashed.Signals.Select(s => new SignalDto(s.SignalType, s.Value))],
            labels?.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), note, status);
        var content = await banks.AddContentAsync(actor, found.Id, input, ct);
        return TypedResults.Created($"/api/v1/content/{content.Id}", content.ToDto(found.Name));
    }

    private static async Task<Ok<BankContentDto>> GetContent(Guid id, BankService banks, TurntideDb db, HttpContext http, CancellationToken ct)
    {
        await BankVisibility.RequireContentVisibleAsync(db, Actor.From(http.User), id, ct);
        var content = await banks.LoadContentAsync(id, ct);
        return TypedResults.Ok(content.ToDto(content.Bank!.Name));
    }

    private static async Task<Ok<BankContentDto>> ChangeContent(Guid id, ContentChanges request, BankService banks, TurntideDb db, HttpContext http, CancellationToken ct)
    {
        await BankVisibility.RequireContentVisibleAsync(db, Actor.From(http.User), id, ct);
        var content = await banks.UpdateContentAsync(Actor.From(http.User), id, request, ct);
        return TypedResults.Ok(content.ToDto(content.Bank!.Name));
    }
}
