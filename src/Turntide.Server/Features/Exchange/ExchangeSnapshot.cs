using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Exchange;

/// <summary>One line of a snapshot: the checkpoint first, then every bank, then every item, then the end line.</summary>
internal sealed record SnapshotLine(string? Checkpoint = null, BankDto? Bank = null, BankContentDto? Item = null, SnapshotEnd? End = null);

/// <summary>The last line: without it the snapshot was cut short and must not replace anything.</summary>
internal sealed record SnapshotEnd(string Checkpoint, long Banks, long Items);

/// <summary>
/// <c>GET /api/v1/exchange/snapshot</c>: every bank and item the caller may see, as JSON Lines, for a node's full
/// resync. The checkpoint is taken before anything is read, so a change made while the snapshot streams is either in it
/// or not, and comes again through the feed from that checkpoint; the feed's entries carry the state after the change,
/// so applying one twice does no harm, and the copy converges.
/// </summary>
internal sealed class ExchangeSnapshot(TurntideDb db, ExchangeService exchange)
{
    private const int Chunk = 5000;

    public static readonly JsonSerializerOptions LineJson = new(ApiJson.Options) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public async Task WriteAsync(Actor actor, Stream output, CancellationToken ct)
    {
        if (actor.OrganisationId is not { } organisationId)
            throw new DomainException("The exchange serves member organisations.", StatusCodes.Status403Forbidden);
        string epoch = await exchange.EpochAsync(ct);
        long head = await db.AuditEntries.MaxAsync(a => (long?)a.Sequence, ct) ?? 0;
        string checkpoint = $"{epoch}.{head}";
        await WriteLineAsync(output, new SnapshotLine(Checkpoint: checkpoint), ct);

        var banks = await db.Banks.VisibleTo(db, organisationId).AsNoTracking().OrderBy(b => b.CreatedAt).ThenBy(b => b.Id).ToListAsync(ct);
        var counts = await db.Contents.GroupBy(c => c.BankId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        foreach (var bank in banks)
            await WriteLineAsync(output, new SnapshotLine(Bank: bank.ToDto(counts.GetValueOrDefault(bank.Id))), ct);
        long items = 0;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            foreach (var bank in banks)
                items += await WriteBankItemsAsync(bank, output, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        await WriteLineAsync(output, new SnapshotLine(End: new SnapshotEnd(checkpoint, banks.Count, items)), ct);
        await output.FlushAsync(ct);
    }

    /// <summary>A bank's items in id order, a chunk at a time, each chunk read in three plain queries.</summary>
    private async Task<long> WriteBankItemsAsync(Bank bank, Stream output, CancellationToken ct)
    {
        long written = 0;
        Guid after = Guid.Empty;
        // The signals and labels of exactly the items just read: bounded by the first and last id read, not by a second
        // LIMIT, which an item added meanwhile inside the range would shift.
        const string page = "SELECT \"Id\" FROM bank_contents WHERE \"BankId\" = @p0 AND \"Id\" > @p1 AND \"Id\" <= @p2";
        while (true)
        {
            var items = new List<BankContent>(Chunk);
            var byId = new Dictionary<Guid, BankContent>(Chunk);
            await using (var command = RawRows.Command(db,
                "SELECT \"Id\", \"Status\", \"Note\", \"AddedByOrganisationId\", \"AddedBy\", \"AddedAt\", \"UpdatedAt\" FROM bank_contents " +
                "WHERE \"BankId\" = @p0 AND \"Id\" > @p1 ORDER BY \"Id\" LIMIT 5000", bank.Id, after))
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var item = new BankContent
                    {
                        Id = reader.GetGuid(0), BankId = bank.Id, Status = Enum.Parse<ContentStatus>(reader.GetString(1)), Note = reader.GetString(2),
                        AddedByOrganisationId = reader.GetGuid(3), AddedBy = reader.GetString(4),
                        AddedAt = DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc), UpdatedAt = DateTime.SpecifyKind(reader.GetDateTime(6), DateTimeKind.Utc),
                    };
                    items.Add(item);
                    byId[item.Id] = item;
                }
            }
            if (items.Count == 0)
                return written;
            await using (var command = RawRows.Command(db,
                $"SELECT \"Id\", \"ContentId\", \"SignalType\", \"Value\" FROM content_signals WHERE \"ContentId\" IN ({page})", bank.Id, after, items[^1].Id))
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    if (byId.TryGetValue(reader.GetGuid(1), out var item))
                        item.Signals.Add(new ContentSignal { Id = reader.GetInt64(0), SignalType = reader.GetString(2), Value = reader.GetString(3) });
                }
            }
            await using (var command = RawRows.Command(db,
                $"SELECT \"ContentId\", \"Label\" FROM content_labels WHERE \"ContentId\" IN ({page})", bank.Id, after, items[^1].Id))
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    if (byId.TryGetValue(reader.GetGuid(0), out var item))
                        item.Labels.Add(new ContentLabel { ContentId = item.Id, Label = reader.GetString(1) });
                }
            }
            foreach (var item in items)
                await WriteLineAsync(output, new SnapshotLine(Item: item.ToDto(bank.Name)), ct);
            written += items.Count;
            after = items[^1].Id;
            await output.FlushAsync(ct);
            if (items.Count < Chunk)
                return written;
        }
    }

    // Lines gather here and go out 64 KiB at a time: one asynchronous write a line costs more than the JSON itself
    // (and Kestrel's body refuses synchronous writes).
    private readonly MemoryStream _buffer = new();

    private async Task WriteLineAsync(Stream output, SnapshotLine line, CancellationToken ct)
    {
        JsonSerializer.Serialize(_buffer, line, LineJson);
        _buffer.WriteByte((byte)'\n');
        if (_buffer.Length >= 64 * 1024 || line.End is not null || line.Checkpoint is not null)
        {
            await output.WriteAsync(_buffer.GetBuffer().AsMemory(0, (int)_buffer.Length), ct);
            _buffer.SetLength(0);
        }
    }
}
