using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Transfer;

namespace Turntide.Server.Tests.Robustness;

/// <summary>
/// Failures that used to lose work: a write failing in the middle of an import, the readiness probe while writes fail,
/// and concurrent imports of one file.
/// </summary>
public sealed class ImportFailureTests
{
    internal static string Pdq(int seed)
    {
        var bytes = new byte[32];
        new Random(seed).NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    internal const string Header = "signal_type,signal,labels,note\r\n";

    internal static string Csv(int from, int count)
    {
        var csv = new StringBuilder(Header);
        for (int i = from; i < from + count; i++)
            csv.Append($"pdq,{Pdq(i)},,item {i}\r\n");
        return csv.ToString();
    }

    internal static async Task<(HttpStatusCode Status, ImportReport? Report, string Body)> ImportAsync(HttpClient client, string bank, string csv)
    {
        var body = new ByteArrayContent(Encoding.UTF8.GetBytes(csv)) { Headers = { ContentType = MediaTypeHeaderValue.Parse("text/csv") } };
        var response = await client.PostAsync($"/api/v1/banks/{bank}/import?format=csv", body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.IsSuccessStatusCode ? System.Text.Json.JsonSerializer.Deserialize<ImportReport>(text, Json.Options) : null, text);
    }

    internal static Task<int> CountAsync(TestServer server, string bank) =>
        server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Contents.CountAsync(c => c.Bank!.Name == bank));

    /// <summary>
    /// Makes the database refuse new items, as a full disk does, once <see cref="AllowedBatches"/> transactions holding
    /// new items have committed (counted by transaction, so however the provider splits a batch into commands).
    /// Npgsql hands the same transaction object to every transaction on one connection, so a transaction is counted
    /// when it commits and forgotten then, never kept by identity.
    /// </summary>
    private sealed class FullDisk : DbCommandInterceptor, IDbTransactionInterceptor
    {
        public volatile bool Full;
        public int AllowedBatches;
        private readonly HashSet<DbTransaction> _open = [];
        private int _committed;

        private void Check(DbCommand command)
        {
            if (!Full || !IsItemInsert(command.CommandText) || command.Transaction is null)
                return;
            lock (_open)
            {
                if (_committed >= AllowedBatches)
                    throw new IOException("No space left on device");
                _open.Add(command.Transaction);
            }
        }

        public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            lock (_open)
            {
                if (_open.Remove(transaction))
                    _committed++;
            }
            return Task.CompletedTask;
        }

        public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
            TransactionCommittedAsync(transaction, eventData).GetAwaiter().GetResult();

        public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
            TransactionRolledBackAsync(transaction, eventData).GetAwaiter().GetResult();

        public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            lock (_open)
                _open.Remove(transaction);
            return Task.CompletedTask;
        }

        // SQLite's provider quotes the table's name, Npgsql's does not need to.
        private static bool IsItemInsert(string sql) =>
            sql.Contains("INSERT INTO \"bank_contents\"", StringComparison.Ordinal) || sql.Contains("INSERT INTO bank_contents", StringComparison.Ordinal);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Check(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Check(command);
            return ValueTask.FromResult(result);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AWriteFailingMidImportAnswersTheReportOfWhatWasCommittedAndReadinessShowsDegradedUntilWritesSucceed(string provider)
    {
        var disk = new FullDisk();
        await using var server = await TestServer.StartAsync(provider,
            settings: new Dictionary<string, string?> { ["Turntide:ImportBatchSize"] = "100" },
            replaceServices: s => s.AddSingleton<IInterceptor>(disk));
        using var curator = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Platform));
        Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/api/v1/banks", new { name = "DISK" })).StatusCode);
        using var probe = server.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health/ready")).StatusCode);

        // Two batches of 100 items go in, then the disk is full.
        disk.AllowedBatches = 2;
        disk.Full = true;
        var (status, report, body) = await ImportAsync(curator, "DISK", Csv(0, 350));
        Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body}");
        Assert.Equal(200, report!.Added);
        Assert.Equal(200, await CountAsync(server, "DISK"));
        Assert.NotNull(report.Stopped);
        Assert.Contains("lines 202 to 301 could not be written", report.Stopped);
        Assert.Contains("No space left on device", report.Stopped);
        Assert.Contains("the 200 items added before line 202 are committed", report.Stopped);
        Assert.Equal(202, Assert.Single(report.Errors).Line);
        Assert.False(report.Complete);

        var ready = await probe.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Degraded", await ready.Content.ReadAsStringAsync());

        // Space again: running the same import again adds only what is missing, and the probe recovers.
        disk.Full = false;
        var (again, rerun, rerunBody) = await ImportAsync(curator, "DISK", Csv(0, 350));
        Assert.True(again == HttpStatusCode.OK, $"{(int)again} {rerunBody}");
        Assert.Equal((150, 200), (rerun!.Added, rerun.Duplicates));
        Assert.Equal(350, await CountAsync(server, "DISK"));
        Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health/ready")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ThreeConcurrentImportsOfOneFileMakeOneCopyOfEachItem(string provider)
    {
        await using var server = await TestServer.StartAsync(provider, settings: new Dictionary<string, string?> { ["Turntide:ImportBatchSize"] = "50" });
        using var curator = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Platform));
        Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/api/v1/banks", new { name = "RACE" })).StatusCode);
        var csv = Csv(0, 600);

        var imports = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ImportAsync(curator, "RACE", csv)));
        Assert.All(imports, i => Assert.True(i.Status == HttpStatusCode.OK, $"{(int)i.Status} {i.Body}"));
        Assert.Equal(600, imports.Sum(i => i.Report!.Added));
        Assert.Equal(1200, imports.Sum(i => i.Report!.Duplicates));
        Assert.Equal(600, await CountAsync(server, "RACE"));
        var distinct = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Signals
            .Where(x => x.Content!.Bank!.Name == "RACE").Select(x => x.Value).Distinct().CountAsync());
        Assert.Equal(600, distinct);
    }
}
