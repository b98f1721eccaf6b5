using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using SkiaSharp;
using Turntide.Core.Imaging;
using Turntide.Server.Common;
using Turntide.Server.Data;
using Turntide.Server.Hosting;
using Turntide.Server.Features.Members;

// Prepares what bench/server/run.sh measures:
//   seed --count N [--data DIR]   N random PDQ hashes (one item each) in a bank, a forum and an analyst key;
//                                 PostgreSQL when Turntide__DatabaseProvider=postgres. Prints the key last.
//   jpeg --out FILE               a 1024x768 JPEG of a generated picture.
//   catalog-match [--items N] [--queries Q]   SignalCatalog.Match per viewer, in memory (CatalogMatchBench.cs).
// Fixed seeds: every run seeds the same hashes.
if (args.Length >= 1 && args[0] == "catalog-match")
    return CatalogMatchBench.Run(args);
if (args.Length >= 2 && args[0] == "jpeg")
{
    using var bitmap = SampleImages.Draw(1024, 1024, 768);
    using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
    await File.WriteAllBytesAsync(args[Array.IndexOf(args, "--out") + 1], data.ToArray());
    return 0;
}
if (args.Length < 3 || args[0] != "seed" || args[1] != "--count")
{
    Console.Error.WriteLine("usage: seed --count N [--data DIR] | jpeg --out FILE");
    return 2;
}
int count = int.Parse(args[2]);
string? dataDir = args.Length >= 5 && args[3] == "--data" ? args[4] : null;
var options = OfflineServices.LoadOptions(dataDir);
await using var services = OfflineServices.Create(options);
await using var scope = services.CreateAsyncScope();
var db = scope.ServiceProvider.GetRequiredService<TurntideDb>();
await db.MigrateAsync();
var members = scope.ServiceProvider.GetRequiredService<MembersService>();
var system = Actor.System("bench seed");
var forum = await members.CreateOrganisationAsync(system, "Bench Forum " + Guid.NewGuid().ToString("n")[..6], OrganisationKinds.Forum);
var (_, key) = await members.CreateKeyAsync(system, forum.Id, Roles.Analyst, "bench");

var clock = Stopwatch.StartNew();
var bankId = Guid.CreateVersion7();
var now = DateTime.UtcNow;
var random = new Random(1_000_003);
var hash = new byte[32];
var connection = db.Database.GetDbConnection();
await connection.OpenAsync();
if (connection is NpgsqlConnection pg)
{
    await using (var cmd = new NpgsqlCommand("INSERT INTO banks (\"Id\",\"Name\",\"NormalizedName\",\"Description\",\"Enabled\",\"OwnerOrganisationId\",\"CreatedAt\") VALUES (@i,'BENCH_'||@n,'BENCH_'||@n,'',true,@o,@t)", pg))
    {
        cmd.Parameters.AddWithValue("i", bankId); cmd.Parameters.AddWithValue("n", bankId.ToString("n")[..8].ToUpperInvariant());
        cmd.Parameters.AddWithValue("o", forum.Id); cmd.Parameters.AddWithValue("t", now);
        await cmd.ExecuteNonQueryAsync();
    }
    var ids = new Guid[count];
    await using (var writer = await pg.BeginBinaryImportAsync("COPY bank_contents (\"Id\",\"BankId\",\"Status\",\"Note\",\"AddedByOrganisationId\",\"AddedBy\",\"AddedAt\",\"UpdatedAt\") FROM STDIN (FORMAT BINARY)"))
    {
        for (int i = 0; i < count; i++)
        {
            ids[i] = Guid.CreateVersion7();
            await writer.StartRowAsync();
            await writer.WriteAsync(ids[i], NpgsqlDbType.Uuid); await writer.WriteAsync(bankId, NpgsqlDbType.Uuid);
            await writer.WriteAsync("Enabled", NpgsqlDbType.Varchar); await writer.WriteAsync("", NpgsqlDbType.Varchar);
            await writer.WriteAsync(forum.Id, NpgsqlDbType.Uuid); await writer.WriteAsync("bench", NpgsqlDbType.Varchar);
            await writer.WriteAsync(now, NpgsqlDbType.TimestampTz); await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
        }
        await writer.CompleteAsync();
    }
    await using (var writer = await pg.BeginBinaryImportAsync("COPY content_signals (\"ContentId\",\"SignalType\",\"Value\") FROM STDIN (FORMAT BINARY)"))
    {
        for (int i = 0; i < count; i++)
        {
            random.NextBytes(hash);
            await writer.StartRowAsync();
            await writer.WriteAsync(ids[i], NpgsqlDbType.Uuid); await writer.WriteAsync("pdq", NpgsqlDbType.Varchar);
            await writer.WriteAsync(Convert.ToHexStringLower(hash), NpgsqlDbType.Text);
        }
        await writer.CompleteAsync();
    }
}
else
{
    var sqlite = (SqliteConnection)connection;
    await using var tx = sqlite.BeginTransaction();
    await using (var cmd = sqlite.CreateCommand())
    {
        cmd.CommandText = "INSERT INTO banks (Id,Name,NormalizedName,Description,Enabled,OwnerOrganisationId,CreatedAt) VALUES ($i,$n,$n,'',1,$o,$t)";
        cmd.Parameters.AddWithValue("$i", bankId.ToString().ToUpperInvariant());
        cmd.Parameters.AddWithValue("$n", "BENCH_" + bankId.ToString("n")[..8].ToUpperInvariant());
        cmd.Parameters.AddWithValue("$o", forum.Id.ToString().ToUpperInvariant());
        cmd.Parameters.AddWithValue("$t", now.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF"));
        await cmd.ExecuteNonQueryAsync();
    }
    await using var content = sqlite.CreateCommand();
    content.CommandText = "INSERT INTO bank_contents (Id,BankId,Status,Note,AddedByOrganisationId,AddedBy,AddedAt,UpdatedAt) VALUES ($i,$b,'Enabled','',$o,'bench',$t,$t)";
    var ci = content.Parameters.Add("$i", SqliteType.Text);
    content.Parameters.AddWithValue("$b", bankId.ToString().ToUpperInvariant());
    content.Parameters.AddWithValue("$o", forum.Id.ToString().ToUpperInvariant());
    content.Parameters.AddWithValue("$t", now.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF"));
    await using var signal = sqlite.CreateCommand();
    signal.CommandText = "INSERT INTO content_signals (ContentId,SignalType,Value) VALUES ($c,'pdq',$v)";
    var sc = signal.Parameters.Add("$c", SqliteType.Text);
    var sv = signal.Parameters.Add("$v", SqliteType.Text);
    for (int i = 0; i < count; i++)
    {
        var id = Guid.CreateVersion7().ToString().ToUpperInvariant();
        ci.Value = id;
        await content.ExecuteNonQueryAsync();
        random.NextBytes(hash);
        sc.Value = id;
        sv.Value = Convert.ToHexStringLower(hash);
        await signal.ExecuteNonQueryAsync();
    }
    await tx.CommitAsync();
}
Console.Error.WriteLine($"seeded {count} pdq hashes in {clock.Elapsed.TotalSeconds:F1} s");
Console.WriteLine(key);
return 0;
