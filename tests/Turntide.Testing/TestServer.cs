using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Turntide.Server;
using Turntide.Server.Data;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;

namespace Turntide.Testing;

/// <summary>
/// The real server on a loopback port with its own database: tests talk to it over HTTP as callers would.
/// </summary>
internal sealed partial class TestServer : IAsyncDisposable
{
    private readonly List<HttpClient> _clients = [];

    private bool _ownsDatabase;

    private TestServer(WebApplication app, TestDatabase database, Uri baseAddress, LogSink logs)
    {
        App = app;
        Database = database;
        BaseAddress = baseAddress;
        Logs = logs;
    }

    public WebApplication App { get; }
    public TestDatabase Database { get; }
    public Uri BaseAddress { get; }
    public LogSink Logs { get; }

    public static async Task<TestServer> StartAsync(string provider = "sqlite", string role = "both",
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? replaceServices = null,
        TestDatabase? database = null, bool waitUntilReady = true)
    {
        // A database handed in outlives this server (restart tests); one made here is dropped with it.
        bool owns = database is null;
        database ??= await TestDatabase.CreateAsync(provider);
        var logs = new LogSink();
        var app = ServerApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(database.Settings());
            builder.Configuration.AddInMemoryCollection([new("Turntide:Role", role)]);
            if (settings is not null)
                builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.AddProvider(logs);
            builder.Logging.AddFilter<LogSink>(null, LogLevel.Trace);
        }, replaceServices);
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        var server = new TestServer(app, database, address, logs) { _ownsDatabase = owns };
        if (waitUntilReady)
            await server.WaitUntilReadyAsync();
        return server;
    }

    public async Task WaitUntilReadyAsync()
    {
        using var client = Anonymous();
        await Wait.UntilAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "the server to become ready");
    }

    public HttpClient Anonymous(bool followRedirects = false)
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = followRedirects, UseCookies = true, CookieContainer = cookies })
        {
            BaseAddress = BaseAddress,
        };
        _clients.Add(client);
        _cookies[client] = cookies;
        return client;
    }

    private readonly ConcurrentDictionary<HttpClient, CookieContainer> _cookies = new();

    /// <summary>A new client sending a copy of another client's cookies, as someone who copied them would.</summary>
    public HttpClient CopyCookiesOf(HttpClient client)
    {
        var copy = Anonymous();
        foreach (Cookie cookie in _cookies[client].GetCookies(BaseAddress))
            _cookies[copy].Add(BaseAddress, new Cookie(cookie.Name, cookie.Value, cookie.Path));
        return copy;
    }

    public HttpClient WithKey(string key)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public Task InScopeAsync(Func<IServiceProvider, Task> action) =>
        InScopeAsync<bool>(async s => { await action(s); return true; });

    public static readonly Actor Operator = TestMembers.Operator;

    public Task<Organisation> CreateOrgAsync(string kind, string? name = null) => TestMembers.CreateOrgAsync(App.Services, kind, name);

    public Task<string> CreateKeyAsync(Guid organisationId, string role, string name = "test key", string? scope = null) =>
        TestMembers.CreateKeyAsync(App.Services, organisationId, role, name, scope);

    /// <summary>An organisation of a fitting kind and a key with the role.</summary>
    public async Task<string> KeyForRoleAsync(string role, string? kind = null)
    {
        var org = await CreateOrgAsync(kind ?? KindFor(role));
        return await CreateKeyAsync(org.Id, role);
    }

    public const string Password = TestMembers.Password;

    public Task<(Person Person, string Email)> CreatePersonAsync(Guid organisationId, string role, string? email = null) =>
        TestMembers.CreatePersonAsync(App.Services, organisationId, [role], email);

    /// <summary>A signed-in browser-like client (cookies, antiforgery token) for a new person with the role.</summary>
    public async Task<HttpClient> SignedInAsync(string role, string? kind = null)
    {
        var org = await CreateOrgAsync(kind ?? KindFor(role));
        var (_, email) = await CreatePersonAsync(org.Id, role);
        return await SignInAsync(email, Password);
    }

    public async Task<HttpClient> SignInAsync(string email, string password)
    {
        var client = Anonymous();
        var response = await PostFormAsync(client, "/signin", new() { ["Email"] = email, ["Password"] = password });
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.ToString() != "/")
            throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode} {response.Headers.Location}");
        return client;
    }

    /// <summary>Posts a form the way a browser does: fetches the page for its antiforgery token first.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, Dictionary<string, string> fields, string? pageForToken = null)
    {
        var page = await client.GetAsync(pageForToken ?? path.Split('?')[0]);
        var html = await page.Content.ReadAsStringAsync();
        var token = TokenPattern().Match(html);
        if (token.Success)
            fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        return await client.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public static string KindFor(string role) => TestMembers.KindFor(role);

    public SignalCatalog Catalog => Service<SignalCatalog>();

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _clients)
            c.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsDatabase)
            await Database.DisposeAsync();
    }
}

/// <summary>Keeps every log line the server writes, to prove secrets never reach the logs.</summary>
internal sealed class LogSink : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            sink.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {structured} {exception}");
        }
    }
}
