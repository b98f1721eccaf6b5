using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Cli.Admin;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Hosting;

namespace Turntide.Cli.Audit;

/// <summary><c>turntide audit verify</c>: recomputes the SHA-256 chain and names the first entry that breaks it.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var command = new Command("audit", "Check the audit log.");
        var data = AdminCommand.DataOption();
        var verify = new Command("verify", "Verify the audit log's hash chain; exit 1 and name the first bad entry if it is broken.") { data };
        verify.SetAction((parse, ct) => VerifyAsync(parse.GetValue(data), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        command.Subcommands.Add(verify);
        return command;
    }

    internal static async Task<int> VerifyAsync(string? dataDirectory, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        try
        {
            await using var services = OfflineServices.Create(OfflineServices.LoadOptions(dataDirectory));
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TurntideDb>();
            await db.MigrateAsync(ct);
            var result = await AuditLog.VerifyAsync(db, ct);
            if (result.Intact)
            {
                stdout.WriteLine($"audit log intact: {result.VerifiedEntries} entries, head hash {result.HeadHash}");
                return 0;
            }
            stderr.WriteLine($"turntide: audit log broken at entry {result.FirstBadSequence}: {result.Problem} ({result.VerifiedEntries} entries before it are intact)");
            return 1;
        }
        catch (InvalidOperationException ex)
        {
            stderr.WriteLine($"turntide: {ex.Message}");
            return 1;
        }
    }
}
