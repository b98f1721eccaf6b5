using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Members;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Transfer;

/// <summary>Bank import and export over the API (hub role), streaming both ways.</summary>
internal static partial class TransferApi
{
    public static WebApplicationBuilder AddTransfer(this WebApplicationBuilder builder)
    {
        builder.AddTurntideOptions<TransferOptions>(TransferOptions.Check);
        builder.Services.AddScoped<TransferService>();
        return builder;
    }

    public static RouteGroupBuilder MapTransferApi(this RouteGroupBuilder api)
    {
        var banks = api.MapGroup("/banks").WithTags("Banks");
        banks.MapPost("/{bank}/import", Import).WithName("ImportBank").RequireAuthorization(Policies.ApiCurateBanks)
            .WithSummary("Import a csv, jsonl or hashlist file into a bank; the body is the file, streamed. Answers a per-line report.");
        banks.MapGet("/{bank}/export", Export).WithName("ExportBank").RequireAuthorization(Policies.ApiReadBanks)
            .WithSummary("Export a bank's items as csv or jsonl, streamed; status=enabled (default), disabled, quarantined or all.");
        return api;
    }

    private static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> Import(string bank, string? format, HttpContext http,
        TransferService transfer, IOptions<TransferOptions> options, CancellationToken ct)
    {
        var request = http.Request;
        var parsed = format is null ? FromContentType(request.ContentType) : TransferFormats.Parse(format);
        if (parsed is null)
            return Problem($"format must be {TransferFormats.Names}.");
        if (!parsed.Value.Accepts(request.ContentType))
            return Problem($"A {parsed.Value.Name()} import is sent as the file itself (for example Content-Type: {parsed.Value.ContentType().Split(';')[0]}), not as {request.ContentType}.",
                StatusCodes.Status415UnsupportedMediaType);
        long max = options.Value.MaxImportBytes;
        if (request.ContentLength > max)
        {
            Problems.CloseAfterResponse(http);
            return Problem($"The file is {request.ContentLength} bytes; the import limit is {max} (Turntide:MaxImportBytes).", StatusCodes.Status413PayloadTooLarge);
        }
        // The server's body limit is for JSON. This endpoint streams up to its own limit, which the import counts itself
        // (LimitedStream) so that it can report how far it got; the server's limit stays above it as a backstop.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = max + 1024 * 1024;
        var report = await transfer.ImportAsync(Actor.From(http.User), bank, request.Body, parsed.Value, ct);
        return TypedResults.Ok(report);
    }

    private static TransferFormat? FromContentType(string? contentType) =>
        contentType?.Split(';')[0].Trim().ToLowerInvariant() switch
        {
            "text/csv" => TransferFormat.Csv,
            "application/x-ndjson" or "application/jsonl" => TransferFormat.Jsonl,
            _ => null,
        };

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Export(string bank, string? format, string? status, HttpContext http,
        TransferService transfer, BankService banks, CancellationToken ct)
    {
        var parsed = TransferFormats.Parse(format ?? "csv");
        if (parsed is not (TransferFormat.Csv or TransferFormat.Jsonl))
            return Problem("format must be csv or jsonl.");
        if (!TryParseStatus(status, out var wanted, out var error))
            return Problem(error!);
        var found = await banks.FindBankAsync(bank, ct);
        var actor = Actor.From(http.User);
        await BankVisibility.RequireVisibleAsync(http.RequestServices.GetRequiredService<Data.TurntideDb>(), actor, found.Id, ct);
        http.Response.ContentType = parsed.Value.ContentType();
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{FileName(found.Name)}.{parsed.Value.Name()}\"";
        await transfer.ExportAsync(actor, found, parsed.Value, wanted, http.Response.Body, ct);
        return TypedResults.Empty;
    }

    /// <summary>enabled (the default), disabled, quarantined, or all (null).</summary>
    public static bool TryParseStatus(string? status, out ContentStatus? wanted, out string? error)
    {
        wanted = ContentStatus.Enabled;
        error = null;
        if (string.IsNullOrWhiteSpace(status))
            return true;
        if (status.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            wanted = null;
            return true;
        }
        try
        {
            wanted = BankService.ParseStatus(status);
            return true;
        }
        catch (DomainException)
        {
            error = "status must be enabled, disabled, quarantined or all.";
            return false;
        }
    }

    public static string FileName(string bankName) => UnsafeFileChars().Replace(bankName, "_");

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex UnsafeFileChars();

    private static ProblemHttpResult Problem(string detail, int status = StatusCodes.Status400BadRequest) =>
        TypedResults.Problem(statusCode: status, title: Problems.Title(status), detail: detail);

    /// <summary>
    /// The bank page's import form posts a file: its request may be as large as an API import. The form reader spools a
    /// large file to a temporary file (never memory), and the import then streams from it.
    /// </summary>
    public static WebApplication UseTransferUploads(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/banks")
                && string.Equals(context.Request.Query["handler"], "Import", StringComparison.OrdinalIgnoreCase)
                && await MayImportAsync(context))
            {
                long max = context.RequestServices.GetRequiredService<IOptions<TransferOptions>>().Value.MaxImportBytes;
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                    limit.MaxRequestBodySize = max + 64 * 1024;
                context.Features.Set<IFormFeature>(new FormFeature(context.Request, new Microsoft.AspNetCore.Http.Features.FormOptions
                {
                    MultipartBodyLengthLimit = max + 64 * 1024,
                }));
            }
            await next();
        });
        return app;
    }

    /// <summary>
    /// Only a signed-in curator on a hub gets the import's large body limit: this runs before the pipeline's own
    /// authentication, so it signs the caller in itself, and anyone else keeps the ordinary limit.
    /// </summary>
    private static async Task<bool> MayImportAsync(HttpContext context)
    {
        if (!context.RequestServices.GetRequiredService<IOptions<ServerOptions>>().Value.ParsedRoles.HasFlag(ServerRoles.Hub))
            return false;
        var signedIn = await context.AuthenticateAsync();
        if (!signedIn.Succeeded || signedIn.Principal is null)
            return false;
        var authorization = context.RequestServices.GetRequiredService<Microsoft.AspNetCore.Authorization.IAuthorizationService>();
        if (!(await authorization.AuthorizeAsync(signedIn.Principal, null, Policies.PageCurateBanks)).Succeeded)
            return false;
        // And only on a bank it curates (the page refuses anyone else, but only after reading the body).
        var segments = context.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length != 2 || !Guid.TryParse(segments[1], out var bankId))
            return false;
        var db = context.RequestServices.GetRequiredService<TurntideDb>();
        var bank = await db.Banks.AsNoTracking().VisibleTo(db, Actor.From(signedIn.Principal).OrganisationId).FirstOrDefaultAsync(b => b.Id == bankId);
        return bank is not null && await BankOwnership.MayCurateAsync(db, Actor.From(signedIn.Principal), bank);
    }
}
