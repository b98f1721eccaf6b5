using System.Data;
using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;

namespace Turntide.Server.Features.Matching;

/// <summary>Fills the <see cref="SignalCatalog"/> from the database at start-up, then marks it ready.</summary>
internal sealed class CatalogLoader(IServiceScopeFactory scopes, SignalCatalog catalog, AuditApplied applied, DatabaseReady database,
    ILogger<CatalogLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await database.WaitAsync(stoppingToken);
        var clock = Stopwatch.StartNew();
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TurntideDb>();
        // The head first: a change that commits while the load reads is then either in the rows read or after
        // this sequence, where the applier picks it up; it can be applied twice, never missed.
        var head = await CatalogReader.AuditHeadAsync(db, stoppingToken);
        await LoadAsync(db, catalog, stoppingToken);
        applied.Start(head);
        catalog.MarkReady();
        logger.LogInformation("Indexes ready: {Signals} signals of {Contents} items in {Ms} ms",
            catalog.SignalCount, catalog.ContentCount, clock.ElapsedMilliseconds);
    }

    /// <summary>
    /// Reads banks, items, labels and signals in four plain passes. A million rows a table make EF's
    /// materialisation and an ORDER BY the slow parts, so this reads with a bare data reader, unordered, and
    /// groups in memory.
    /// </summary>
    internal static Task LoadAsync(TurntideDb db, SignalCatalog catalog, CancellationToken ct) =>
        ReadAllAsync(db, catalog.Load, ct);

    /// <summary>Reads the whole catalog and hands it to <paramref name="fill"/> (a first load, or a rebuild to swap in).</summary>
    internal static async Task ReadAllAsync(TurntideDb db,
        Action<IEnumerable<CatalogBank>, IEnumerable<CatalogContent>, int, int> fill, CancellationToken ct)
    {
        var banks = await CatalogReader.ReadBanksAsync(db, null, ct);

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            int contentCount = await CountAsync(connection, "bank_contents", ct);
            int signalCount = await CountAsync(connection, "content_signals", ct);
            var items = new Dictionary<Guid, (Guid BankId, ContentStatus Status, List<string>? Labels, List<(long, string, string)> Signals)>(contentCount);
            await ReadAsync(connection, "SELECT \"Id\", \"BankId\", \"Status\" FROM bank_contents", r =>
                items[r.GetGuid(0)] = (r.GetGuid(1), ParseStatus(r.GetString(2)), null, new List<(long, string, string)>(1)), ct);
            await ReadAsync(connection, "SELECT \"ContentId\", \"Label\" FROM content_labels", r =>
            {
                var id = r.GetGuid(0);
                if (items.TryGetValue(id, out var item))
                {
                    if (item.Labels is null)
                        items[id] = item = item with { Labels = [] };
                    item.Labels!.Add(r.GetString(1));
                }
            }, ct);
            await ReadAsync(connection, "SELECT \"Id\", \"ContentId\", \"SignalType\", \"Value\" FROM content_signals", r =>
            {
                // Columns in order: the reader is sequential.
                long id = r.GetInt64(0);
                if (items.TryGetValue(r.GetGuid(1), out var item))
                    item.Signals.Add((id, string.Intern(r.GetString(2)), r.GetString(3)));
            }, ct);
            fill(banks, items.Select(kv => new CatalogContent(kv.Key, kv.Value.BankId, kv.Value.Status,
                kv.Value.Labels is { } l ? [.. l.Order(StringComparer.Ordinal)] : [], kv.Value.Signals)), contentCount, signalCount);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<int> CountAsync(DbConnection connection, string table, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table}";
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct));
    }

    private static async Task ReadAsync(DbConnection connection, string sql, Action<DbDataReader> row, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
            row(reader);
    }

    internal static ContentStatus ParseStatus(string status) => status switch
    {
        nameof(ContentStatus.Enabled) => ContentStatus.Enabled,
        nameof(ContentStatus.Disabled) => ContentStatus.Disabled,
        nameof(ContentStatus.Quarantined) => ContentStatus.Quarantined,
        _ => throw new InvalidDataException($"Unknown content status '{status}' in the database."),
    };
}
