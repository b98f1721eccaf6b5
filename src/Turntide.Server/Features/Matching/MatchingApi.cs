using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Turntide.Server.Features.Hashing;
using Turntide.Server.Hosting;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Retroactive;
using Turntide.Server.Features.Signals;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Matching;

public sealed record MatchResponse(string SignalType, string Signal, IReadOnlyList<MatchDto> Matches);

public sealed record BatchMatchResponse(IReadOnlyList<MatchResponse> Results);

public sealed record FileMatchResponse(HashResultDto Hashed, IReadOnlyList<MatchResponse> Results);

public sealed record QuerySignal(string? SignalType, string? Signal);

/// <param name="Reference">The platform's own id for the upload: given, the node keeps the signals for a while and raises later matches (retroactive matching).</param>
public sealed record BatchMatchRequest(IReadOnlyList<QuerySignal>? Signals, int? MaxDistance, string? Reference = null);

public static class MatchingApi
{
    public static WebApplicationBuilder AddMatching(this WebApplicationBuilder builder)
    {
        // Loaded on every role: the node matches with it, and the hub's pages search with it.
        builder.Services.AddSingleton(new SignalCatalog(SignalCatalog.DefaultIndexes));
        builder.Services.AddSingleton<CatalogCursor>();
        builder.Services.AddSingleton<OwnExchangeWrites>();
        builder.Services.Configure<CatalogFollowerOptions>(builder.Configuration.GetSection(ServerOptions.Section));
        builder.Services.AddHostedService<CatalogLoader>();
        // Every role: whatever another process on the same database commits reaches this one's catalog.
        builder.Services.AddHostedService<CatalogFollower>();
        return builder;
    }

    public static RouteGroupBuilder MapMatchingApi(this RouteGroupBuilder api)
    {
        api.MapGet("/match", MatchOne)
            .WithName("MatchSignal").WithTags("Matching")
            .WithSummary("Match one signal against every enabled bank.")
            .RequireAuthorization(Policies.ApiMatch);
        api.MapPost("/match", MatchMany)
            .WithName("MatchBatch").WithTags("Matching")
            .WithSummary("Match a batch of signals (JSON), or hash a file and match its signals (multipart 'file').")
            .Accepts<BatchMatchRequest>("application/json", "multipart/form-data")
            .Produces<BatchMatchResponse>()
            .Produces<FileMatchResponse>()
            .RequireAuthorization(Policies.ApiMatch)
            .DisableAntiforgery();
        return api;
    }

    private static Results<Ok<MatchResponse>, ProblemHttpResult> MatchOne(
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "signal_type")] string? signalType,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "signal")] string? signal,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "max_distance")] string? maxDistance,
        SignalCatalog catalog, IOptions<ServerOptions> options, HubSync.MatchTally tally, HttpContext http)
    {
        var (type, canonical, error) = SignalTypes.Validate(signalType, signal);
        if (error is not null)
            return (ProblemHttpResult)Problems.Bad(error);
        int? distance = null;
        if (maxDistance is not null)
        {
            if (!int.TryParse(maxDistance, out var d))
                return (ProblemHttpResult)Problems.Bad($"max_distance '{Shorten(maxDistance)}' is not a whole number.");
            distance = d;
        }
        if (CheckDistance(type!, distance) is { } bad)
            return (ProblemHttpResult)Problems.Bad(bad);
        return TypedResults.Ok(Match(catalog, type!, canonical!, distance, options.Value, Viewer(http), tally));
    }

    private static async Task<IResult> MatchMany(HttpRequest request, SignalCatalog catalog, MediaHasher hasher, DecodeBudget budget,
        RetroactiveQueue retroactive, IOptions<ServerOptions> options, HubSync.MatchTally tally, CancellationToken ct)
    {
        var o = options.Value;
        var viewer = Viewer(request.HttpContext);
        // A file's reference comes in the query string: the multipart body carries the file alone.
        string? queryReference = request.Query["reference"];
        if (CheckReference(queryReference) is { } badQueryReference)
            return Problems.Bad(badQueryReference);
        if (UploadReader.IsMultipart(request))
        {
            using var upload = await UploadReader.ReadFileAsync(request, o.MaxUploadBytes, ct);
            HashResultDto hashed;
            using (await budget.AcquireForAsync(upload.Memory, ct))
                hashed = hasher.Hash(upload.Span);
            var results = hashed.Signals
                .Select(s => Match(catalog, SignalTypes.Find(s.SignalType)!, s.Value, null, o, viewer, tally))
                .ToList();
            Keep(retroactive, viewer, queryReference, results);
            return TypedResults.Ok(new FileMatchResponse(hashed, results));
        }

        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Problems.Bad("Send application/json with {\"signals\": [...]} or multipart/form-data with a part named 'file'.", StatusCodes.Status415UnsupportedMediaType);
        if (request.ContentLength > o.MaxJsonBytes)
            return Problems.TooLarge(request.HttpContext, $"The JSON body is {request.ContentLength} bytes; the limit is {o.MaxJsonBytes}.");
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = o.MaxJsonBytes;

        BatchMatchRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<BatchMatchRequest>(request.Body, ApiJson.Options, ct);
        }
        catch (JsonException ex)
        {
            return Problems.Bad($"The JSON body is malformed: {ex.Message}");
        }
        if (body?.Signals is null || body.Signals.Count == 0)
            return Problems.Bad("The body has no signals: send {\"signals\": [{\"signal_type\": \"pdq\", \"signal\": \"...\"}]}.");
        if (body.Signals.Count > o.MaxBatchSignals)
            return Problems.Bad($"The batch has {body.Signals.Count} signals; the limit is {o.MaxBatchSignals}.", StatusCodes.Status413PayloadTooLarge);
        if (CheckReference(body.Reference) is { } badReference)
            return Problems.Bad(badReference);
        var reference = body.Reference ?? queryReference;

        // Check every signal before matching any, so a bad batch is refused whole.
        var checkedSignals = new List<(SignalType Type, string Canonical)>(body.Signals.Count);
        for (int i = 0; i < body.Signals.Count; i++)
        {
            var (type, canonical, error) = SignalTypes.Validate(body.Signals[i]?.SignalType, body.Signals[i]?.Signal);
            if (error is not null)
                return Problems.Bad($"signals[{i}]: {error}");
            if (CheckDistance(type!, body.MaxDistance) is { } bad)
                return Problems.Bad(bad);
            checkedSignals.Add((type!, canonical!));
        }
        var matched = checkedSignals.Select(s => Match(catalog, s.Type, s.Canonical, body.MaxDistance, o, viewer, tally)).ToList();
        Keep(retroactive, viewer, reference, matched);
        return TypedResults.Ok(new BatchMatchResponse(matched));
    }

    /// <summary>The caller's organisation: private banks it is not named on stay out of its answers.</summary>
    private static CatalogViewer Viewer(HttpContext http) => CatalogViewer.For(Actor.From(http.User).OrganisationId);

    private static MatchResponse Match(SignalCatalog catalog, SignalType type, string canonical, int? maxDistance, ServerOptions o,
        CatalogViewer viewer, HubSync.MatchTally tally)
    {
        var matches = catalog.Match(type, canonical, maxDistance ?? type.DefaultMaxDistance, o.MaxMatchesPerSignal, viewer);
        // Counted for the hub's match-flood check (only the hub's items are reported).
        tally.Count(matches);
        return new(type.Name, canonical, matches);
    }

    /// <summary>Hands an upload with a reference to retroactive matching; the queue never makes the request wait.</summary>
    private static void Keep(RetroactiveQueue retroactive, CatalogViewer viewer, string? reference, IReadOnlyList<MatchResponse> results)
    {
        if (string.IsNullOrEmpty(reference) || viewer.Organisation is not { } org)
            return;
        var queries = results.Where(r => RetroactiveQueue.Keepable(r.SignalType) && r.Signal.Length <= KeptSignal.MaxValueLength)
            .DistinctBy(r => (r.SignalType, r.Signal))
            .Select(r => new KeptQuery(r.SignalType, r.Signal, r.Matches)).ToList();
        retroactive.Keep(new KeptUpload(org, reference, queries));
    }

    private static string? CheckReference(string? reference)
    {
        if (reference is null)
            return null;
        if (reference.Length is 0 or > KeptSignal.MaxReferenceLength)
            return $"reference is 1 to {KeptSignal.MaxReferenceLength} characters (the platform's id for the upload).";
        return reference.Any(char.IsControl) ? "reference may not hold control characters." : null;
    }

    private static string? CheckDistance(SignalType type, int? distance)
    {
        if (distance is null)
            return null;
        if (!type.ByDistance)
            return distance == 0 ? null : $"{type.Name} signals match exactly; max_distance must be 0 or left out.";
        return distance < 0 || distance > type.MaxAllowedDistance
            ? $"max_distance {distance} is out of range for {type.Name}: use 0 to {type.MaxAllowedDistance} (the usual threshold is {type.DefaultMaxDistance})."
            : null;
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..17] + "...";
}
