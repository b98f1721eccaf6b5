using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Hashing;

internal static class HashingApi
{
    public static WebApplicationBuilder AddHashing(this WebApplicationBuilder builder)
    {
        builder.AddTurntideOptions<HashingOptions>(HashingOptions.Check);
        builder.Services.AddSingleton<MediaHasher>();
        builder.Services.AddSingleton<DecodeBudget>();
        return builder;
    }

    public static RouteGroupBuilder MapHashingApi(this RouteGroupBuilder api)
    {
        api.MapPost("/hash", Hash)
            .WithName("Hash").WithTags("Hashing")
            .WithSummary("Hash a file and return every signal: pdq for photos, vpdq for videos, text for PDFs and text, md5 and sha256 for any file.")
            .WithDescription("multipart/form-data with a part named 'file'. The media is discarded after hashing.")
            .Accepts<IFormFile>("multipart/form-data")
            .RequireAuthorization(Policies.ApiMatch)
            .DisableAntiforgery();
        return api;
    }

    private static async Task<Ok<HashResultDto>> Hash(HttpRequest request, MediaHasher hasher, DecodeBudget budget, IOptions<HashingOptions> options, CancellationToken ct)
    {
        using var upload = await UploadReader.ReadFileAsync(request, options.Value.MaxUploadBytes, ct);
        using var decoding = await budget.AcquireForAsync(upload.Memory, ct);
        return TypedResults.Ok(await hasher.HashAsync(upload, ct));
    }
}
