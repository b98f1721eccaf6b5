using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Turntide.Core.Hashing.Video;
using Turntide.Core.Signals;
using Turntide.Server.Features.Hashing;
using Turntide.Server.Features.Members;
using Turntide.Server.Web;
using Turntide.Server.Features.Retroactive;

namespace Turntide.Server.Features.Matching;

internal sealed record MatchResponse(string SignalType, string Signal, IReadOnlyList<MatchDto> Matches);

internal sealed record BatchMatchResponse(IReadOnlyList<MatchResponse> Results);

internal sealed record FileMatchResponse(HashResultDto Hashed, IReadOnlyList<MatchResponse> Results);

internal sealed record QuerySignal(string? SignalType, string? Signal);

/// <param name="Reference">The platform's own id for the upload: given, the node keeps the signals for a while and raises later matches (retroactive matching).</param>
/// <param name="MinQueryMatchPercent">vpdq: the share of the query video's frames that must match (default 80).</param>
/// <param name="MinComparedMatchPercent">vpdq: the share of the banked video's frames that must match (default 0).</param>
internal sealed record BatchMatchRequest(IReadOnlyList<QuerySignal>? Signals, int? MaxDistance, string? Reference = null,
    double? MinQueryMatchPercent = null, double? MinComparedMatchPercent = null);

internal static class MatchingApi
{
    /// <summary>The longest <c>reference</c> a match request may carry (the platform's id for the upload).</summary>
    public const int MaxReferenceLength = 200;

    public static WebApplicationBuilder AddMatching(this WebApplicationBuilder builder)
    {
        // Loaded on every role: the node matches with it, and the hub's pages search with it.
        builder.Services.AddSingleton(new SignalCatalog(SignalCatalog.DefaultIndexes));
        builder.AddTurntideOptions<MatchingOptions>(MatchingOptions.Check);
        builder.Services.AddHostedService<CatalogLoader>();
        // Every role: the one writer of the catalog, for this process's commits and every other process's on the database.
        builder.Services.AddSingleton<CatalogApplier>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CatalogApplier>());
        builder.Services.AddSingleton<MatchObservers>();
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
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "min_query_match_percent")] string? minQueryShare,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "min_compared_match_percent")] string? minComparedShare,
        SignalCatalog catalog, IOptions<MatchingOptions> options, MatchObservers observers, HttpContext http)
    {
        var (video, badShares) = VideoDecision(minQueryShare, minComparedShare);
        if (badShares is not null)
            return (ProblemHttpResult)Problems.Bad(badShares);
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
        var viewer = Viewer(http);
        var answer = Match(catalog, type!, canonical!, distance, video, options.Value, viewer);
        observers.Tell(new MatchesAnswered(viewer, null, [answer]));
        return TypedResults.Ok(answer);
    }

    private static async Task<IResult> MatchMany(HttpRequest request, SignalCatalog catalog, MediaHasher hasher, DecodeBudget budget,
        IOptions<MatchingOptions> options, IOptions<HashingOptions> hashing, IOptions<ServerOptions> server,
        MatchObservers observers, CancellationToken ct)
    {
        var o = options.Value;
        long maxJsonBytes = server.Value.MaxJsonBytes;
        var viewer = Viewer(request.HttpContext);
        // A file's reference comes in the query string: the multipart body carries the file alone.
        string? queryReference = request.Query["reference"];
        if (CheckReference(queryReference) is { } badQueryReference)
            return Problems.Bad(badQueryReference);
        if (UploadReader.IsMultipart(request))
        {
            // The thresholds of a file's vPDQ come in the query string too.
            var (fileVideo, badShares) = VideoDecision(request.Query["min_query_match_percent"], request.Query["min_compared_match_percent"]);
            if (badShares is not null)
                return Problems.Bad(badShares);
            using var upload = await UploadReader.ReadFileAsync(request, hashing.Value.MaxUploadBytes, ct);
            HashResultDto hashed;
            using (await budget.AcquireForAsync(upload.Memory, ct))
                hashed = await hasher.HashAsync(upload, ct);
            var results = hashed.Signals
                .Select(s => Match(catalog, SignalTypes.Find(s.SignalType)!, s.Value, null, fileVideo, o, viewer))
                .ToList();
            observers.Tell(new MatchesAnswered(viewer, queryReference, results));
            return TypedResults.Ok(new FileMatchResponse(hashed, results));
        }

        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Problems.Bad("Send application/json with {\"signals\": [...]} or multipart/form-data with a part named 'file'.", StatusCodes.Status415UnsupportedMediaType);
        if (request.ContentLength > maxJsonBytes)
            return Problems.TooLarge(request.HttpContext, $"The JSON body is {request.ContentLength} bytes; the limit is {maxJsonBytes}.");
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = maxJsonBytes;

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
        var (batchVideo, badBatchShares) = VideoDecision(body.MinQueryMatchPercent, body.MinComparedMatchPercent);
        if (badBatchShares is not null)
            return Problems.Bad(badBatchShares);

        // Check every signal before matching any, so a bad batch is refused whole.
        var checkedSignals = new List<(SignalDescriptor Type, string Canonical)>(body.Signals.Count);
        for (int i = 0; i < body.Signals.Count; i++)
        {
            var (type, canonical, error) = SignalTypes.Validate(body.Signals[i]?.SignalType, body.Signals[i]?.Signal);
            if (error is not null)
                return Problems.Bad($"signals[{i}]: {error}");
            if (CheckDistance(type!, body.MaxDistance) is { } bad)
                return Problems.Bad(bad);
            checkedSignals.Add((type!, canonical!));
        }
        var matched = checkedSignals.Select(s => Match(catalog, s.Type, s.Canonical, body.MaxDistance, batchVideo, o, viewer)).ToList();
        observers.Tell(new MatchesAnswered(viewer, reference, matched));
        return TypedResults.Ok(new BatchMatchResponse(matched));
    }

    /// <summary>The caller's organisation: private banks it is not named on stay out of its answers.</summary>
    private static CatalogViewer Viewer(HttpContext http) => CatalogViewer.For(Actor.From(http.User).OrganisationId);

    private static MatchResponse Match(SignalCatalog catalog, SignalDescriptor type, string canonical, int? maxDistance,
        VpdqVideoQueryOptions video, MatchingOptions o, CatalogViewer viewer) =>
        new(type.Name, canonical, catalog.Match(type, canonical, maxDistance ?? type.DefaultMaxDistance, o.MaxMatchesPerSignal, viewer, video));

    private static string? CheckReference(string? reference)
    {
        if (reference is null)
            return null;
        if (reference.Length is 0 or > MaxReferenceLength)
            return $"reference is 1 to {MaxReferenceLength} characters (the platform's id for the upload).";
        return reference.Any(char.IsControl) ? "reference may not hold control characters." : null;
    }

    /// <summary>The vPDQ decision of a GET or a file's POST: min_query_match_percent and min_compared_match_percent in the query string.</summary>
    private static (VpdqVideoQueryOptions Decision, string? Error) VideoDecision(string? minQueryShare, string? minComparedShare)
    {
        double? Read(string name, string? text, out string? error)
        {
            error = null;
            if (text is null)
                return null;
            if (double.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var v))
                return v;
            error = $"{name} '{Shorten(text)}' is not a number from 0 to 100.";
            return null;
        }
        var queryShare = Read("min_query_match_percent", minQueryShare, out var e1);
        var comparedShare = Read("min_compared_match_percent", minComparedShare, out var e2);
        return e1 is not null || e2 is not null ? (VpdqVideoQueryOptions.Default, e1 ?? e2) : VideoDecision(queryShare, comparedShare);
    }

    /// <summary>
    /// A vPDQ decision from the request's thresholds, each 0 to 100 and left out for python-threatexchange's defaults
    /// (80 % of the query's frames, any share of the banked video's).
    /// </summary>
    private static (VpdqVideoQueryOptions Decision, string? Error) VideoDecision(double? minQueryShare, double? minComparedShare)
    {
        var decision = new VpdqVideoQueryOptions
        {
            QueryMatchThresholdPercent = minQueryShare ?? SignalTypes.Vpdq.DefaultQueryMatchPercent,
            ComparedMatchThresholdPercent = minComparedShare ?? SignalTypes.Vpdq.DefaultComparedMatchPercent,
        };
        if (decision.QueryMatchThresholdPercent is < 0 or > 100 || double.IsNaN(decision.QueryMatchThresholdPercent)
            || decision.ComparedMatchThresholdPercent is < 0 or > 100 || double.IsNaN(decision.ComparedMatchThresholdPercent))
            return (decision, "min_query_match_percent and min_compared_match_percent are percentages from 0 to 100.");
        if (decision.QueryMatchThresholdPercent == 0 && decision.ComparedMatchThresholdPercent == 0)
            return (decision, "min_query_match_percent and min_compared_match_percent cannot both be 0: every video would match, even one sharing no frame.");
        return (decision, null);
    }

    private static string? CheckDistance(SignalDescriptor type, int? distance)
    {
        if (distance is null)
            return null;
        if (type.Rule == SignalMatchRule.FrameShares)
            return $"{type.Name} signals match by the shares of matching frames; leave max_distance out and set min_query_match_percent or min_compared_match_percent.";
        if (!type.ByDistance)
            return distance == 0 ? null : $"{type.Name} signals match exactly; max_distance must be 0 or left out.";
        return distance < 0 || distance > type.MaxAllowedDistance
            ? $"max_distance {distance} is out of range for {type.Name}: use 0 to {type.MaxAllowedDistance} (the usual threshold is {type.DefaultMaxDistance})."
            : null;
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..17] + "...";
}
