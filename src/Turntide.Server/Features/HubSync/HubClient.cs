using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Matching;

namespace Turntide.Server.Features.HubSync;

/// <summary>The hub answered 410: the node's checkpoint is unknown there and only a full resync helps.</summary>
internal sealed class HubResyncRequiredException() : Exception("The hub no longer knows this node's checkpoint.");

/// <summary>
/// The node's HTTP client for its hub. The API key goes only into the Authorization header of requests to the hub's
/// own address; it is never logged, and error messages name the hub and the status, never the key.
/// </summary>
internal sealed class HubClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly HubOptions _options;

    public HubClient(IOptions<HubOptions> options)
    {
        _options = options.Value;
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        })
        {
            // Pages and forwarded requests set their own deadlines; the push stream and a snapshot have none.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (!string.IsNullOrWhiteSpace(_options.Url))
            _http.BaseAddress = new Uri(_options.Url.EndsWith('/') ? _options.Url : _options.Url + "/");
        if (!string.IsNullOrWhiteSpace(_options.ApiKey))
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
    }

    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public bool Configured => _http.BaseAddress is not null;

    public string Address => _http.BaseAddress?.GetLeftPart(UriPartial.Authority) ?? "(none)";

    public async Task<ExchangePage> PageAsync(string? checkpoint, int limit, CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        var url = $"api/v1/exchange/updates?limit={limit}" + (checkpoint is null ? "" : "&checkpoint=" + Uri.EscapeDataString(checkpoint));
        using var response = await _http.GetAsync(url, deadline.Token);
        if (response.StatusCode == HttpStatusCode.Gone)
            throw new HubResyncRequiredException();
        await EnsureSuccessAsync(response, "the exchange feed", deadline.Token);
        return await response.Content.ReadFromJsonAsync<ExchangePage>(ApiJson.Options, deadline.Token)
            ?? throw new InvalidDataException("The hub sent an empty page.");
    }

    /// <summary>The snapshot's body as a stream; the caller disposes the response.</summary>
    public async Task<HttpResponseMessage> SnapshotAsync(CancellationToken ct)
    {
        // The first line comes at once; a hub that does not even answer must not hang the fetcher (the body then has the
        // resync's own idle limit per line).
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(RequestTimeout);
        var response = await _http.GetAsync("api/v1/exchange/snapshot", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        try
        {
            await EnsureSuccessAsync(response, "the exchange snapshot", ct);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public async Task<HttpResponseMessage> StreamAsync(CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/exchange/stream");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        try
        {
            await EnsureSuccessAsync(response, "the exchange stream", ct);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public async Task<MatchReportResult> ReportMatchesAsync(MatchReport report, CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        using var response = await _http.PostAsJsonAsync("api/v1/exchange/match-reports", report, ApiJson.Options, deadline.Token);
        await EnsureSuccessAsync(response, "match reports", deadline.Token);
        return (await response.Content.ReadFromJsonAsync<MatchReportResult>(ApiJson.Options, deadline.Token))!;
    }

    /// <summary>Sends a member's request on to the hub as it came (method, path, JSON body), with the node's key.</summary>
    public async Task<HttpResponseMessage> ForwardAsync(HttpMethod method, string path, HttpContent? body, CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = body };
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
        return response;
    }

    private static CancellationTokenSource Deadline(CancellationToken ct)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(RequestTimeout);
        return cts;
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
            return;
        string detail = "";
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            detail = text.Length > 300 ? text[..300] : text;
        }
        catch (HttpRequestException)
        {
        }
        throw new HttpRequestException($"The hub at {Address} answered {(int)response.StatusCode} for {what}: {detail}", null, response.StatusCode);
    }

    public void Dispose() => _http.Dispose();
}
