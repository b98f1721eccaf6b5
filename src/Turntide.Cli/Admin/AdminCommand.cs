using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Common;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Contributions;
using Turntide.Server.Hosting;
using Turntide.Server.Features.Members;

namespace Turntide.Cli.Admin;

/// <summary>
/// <c>turntide admin</c>: organisations, people and API keys on the configured database (the data folder's
/// SQLite file, or PostgreSQL from <c>Turntide__DatabaseProvider</c> and <c>Turntide__ConnectionString</c>).
/// Every change is audited as the system acting for the local operator; the provenance repair as its own system actor.
/// </summary>
internal static class AdminCommand
{
    public static Command Create()
    {
        var command = new Command("admin", "Create organisations, people and API keys on the server's database.");
        command.Subcommands.Add(CreateOrg());
        command.Subcommands.Add(CreatePerson());
        command.Subcommands.Add(CreateKey());
        command.Subcommands.Add(RotateKey());
        command.Subcommands.Add(RevokeKey());
        command.Subcommands.Add(RepairProvenance());
        return command;
    }

    internal static Option<string> DataOption() => new("--data")
    {
        Description = "The server's data folder (SQLite database inside). Default: ./data, or Turntide__DataDirectory.",
    };

    private static Command CreateOrg()
    {
        var data = DataOption();
        var name = new Option<string>("--name") { Description = "The organisation's name (unique).", Required = true };
        var kind = new Option<string>("--kind") { Description = "platform, forum, authority or auditor.", Required = true };
        kind.AcceptOnlyFromAmong([.. OrganisationKinds.All]);
        var command = new Command("create-org", "Create an organisation.") { data, name, kind };
        command.SetAction((parse, ct) => RunAsync(parse, parse.GetValue(data), async (members, _, stdout) =>
        {
            var org = await members.CreateOrganisationAsync(Operator(), parse.GetValue(name)!, parse.GetValue(kind)!, ct);
            stdout.WriteLine($"created organisation {org.Name} ({org.Kind}) {org.Id}");
        }));
        return command;
    }

    private static Command CreatePerson()
    {
        var data = DataOption();
        var org = new Option<string>("--org") { Description = "The organisation's name or id.", Required = true };
        var email = new Option<string>("--email") { Description = "Sign-in email.", Required = true };
        var name = new Option<string>("--name") { Description = "Display name.", Required = true };
        var role = new Option<string[]>("--role") { Description = "Role (repeat for several).", Required = true, AllowMultipleArgumentsPerToken = true };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input (otherwise one is generated and printed)." };
        var command = new Command("create-person", "Create a person who signs in to the web UI.") { data, org, email, name, role, passwordStdin };
        command.SetAction((parse, ct) => RunAsync(parse, parse.GetValue(data), async (members, _, stdout) =>
        {
            var organisation = await members.FindOrganisationAsync(parse.GetValue(org)!, ct);
            bool generated = !parse.GetValue(passwordStdin);
            var password = generated ? GeneratePassword() : (PasswordInput.ReadLine() ?? "");
            var person = await members.CreatePersonAsync(Operator(), organisation.Id, parse.GetValue(email)!, parse.GetValue(name)!,
                password, parse.GetValue(role)!, ct);
            stdout.WriteLine($"created {person.Email} in {organisation.Name} with roles {string.Join(", ", parse.GetValue(role)!)}");
            if (generated)
                stdout.WriteLine($"password (shown once): {password}");
        }));
        return command;
    }

    private static Command CreateKey()
    {
        var data = DataOption();
        var org = new Option<string>("--org") { Description = "The organisation's name or id.", Required = true };
        var role = new Option<string>("--role") { Description = "The key's role. Default: the organisation's least-privileged role (moderator, authority_officer or auditor)." };
        role.AcceptOnlyFromAmong([.. Roles.All]);
        var name = new Option<string>("--name") { Description = "What the key is for.", DefaultValueFactory = _ => "api key" };
        var (scope, expires) = KeyOptions();
        var command = new Command("create-key", "Create an API key; the key is the last line printed, shown only once.") { data, org, role, name, scope, expires };
        command.SetAction((parse, ct) => RunAsync(parse, parse.GetValue(data), async (members, _, stdout) =>
        {
            var organisation = await members.FindOrganisationAsync(parse.GetValue(org)!, ct);
            var request = new NewKey(parse.GetValue(name)!, parse.GetValue(role) ?? OrganisationKinds.LeastPrivilegedRole(organisation.Kind),
                parse.GetValue(scope), parse.GetValue(expires));
            var (key, secret) = await members.CreateKeyAsync(Operator(), organisation.Id, request, ct);
            stdout.WriteLine($"created key {key.Prefix} for {organisation.Name} as {key.Role}{(key.Scope is null ? "" : $" (scope {key.Scope})")}, " +
                $"expiring {key.ExpiresAt:yyyy-MM-dd}; store it now, it is not shown again:");
            stdout.WriteLine(secret);
        }));
        return command;
    }

    private static (Option<string> Scope, Option<int?> Expires) KeyOptions()
    {
        var scope = new Option<string>("--scope") { Description = "Narrower rights than the role: match, read or node. Default: the role's full rights." };
        scope.AcceptOnlyFromAmong([.. KeyScopes.All]);
        var expires = new Option<int?>("--expires-days") { Description = $"Days until the key expires, 1 to {ApiKey.MaxExpiryDays}. Default: Turntide:ApiKeyDefaultExpiryDays (90)." };
        return (scope, expires);
    }

    private static Command RotateKey()
    {
        var data = DataOption();
        var prefix = new Option<string>("--key") { Description = "The key's prefix (tt_ and 12 characters) or the whole key.", Required = true };
        var command = new Command("rotate-key",
            "Create a replacement for a key (same name, role and scope); the new key is the last line printed. The old key works until revoke-key.") { data, prefix };
        command.SetAction((parse, ct) => RunAsync(parse, parse.GetValue(data), async (members, services, stdout) =>
        {
            var old = await FindKeyAsync(services, parse.GetValue(prefix)!, ct);
            var (key, secret) = await members.RotateKeyAsync(Operator(), old.Id, ct);
            stdout.WriteLine($"created key {key.Prefix} to replace {old.Prefix} ({old.Name}), expiring {key.ExpiresAt:yyyy-MM-dd}; " +
                $"put it in place, then run revoke-key --key {old.Prefix}. Store it now, it is not shown again:");
            stdout.WriteLine(secret);
        }));
        return command;
    }

    private static async Task<ApiKey> FindKeyAsync(IServiceProvider services, string text, CancellationToken ct)
    {
        var p = text.Length > 15 ? text[..15] : text;
        var db = services.GetRequiredService<TurntideDb>();
        return await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Prefix == p, ct)
            ?? throw new DomainException($"No API key {p}.");
    }

    private static Command RevokeKey()
    {
        var data = DataOption();
        var prefix = new Option<string>("--key") { Description = "The key's prefix (tt_ and 12 characters) or the whole key.", Required = true };
        var command = new Command("revoke-key", "Revoke an API key.") { data, prefix };
        command.SetAction((parse, ct) => RunAsync(parse, parse.GetValue(data), async (members, services, stdout) =>
        {
            var key = await FindKeyAsync(services, parse.GetValue(prefix)!, ct);
            await members.RevokeKeyAsync(Operator(), key.Id, ct);
            stdout.WriteLine($"revoked key {key.Prefix} ({key.Name})");
        }));
        return command;
    }

    /// <summary>
    /// Gives back the contributors that items stored before provenance was append-only lost, from the audit log.
    /// Each restored row is audited as <c>contribution.restore</c>; a second run finds nothing and writes nothing.
    /// </summary>
    private static Command RepairProvenance()
    {
        var data = DataOption();
        var command = new Command("repair-provenance",
            "Restore contributors that items stored before provenance was append-only lost, from the audit log. Safe to run again.") { data };
        command.SetAction((parse, ct) => RunAsync(parse, parse.GetValue(data), async (_, services, stdout) =>
        {
            var repair = new ProvenanceRepair(services.GetRequiredService<TurntideDb>(), services.GetRequiredService<AuditLog>());
            int restored = await repair.RunAsync(ct);
            stdout.WriteLine(restored == 0
                ? "provenance is complete: nothing to restore"
                : $"restored {restored} contributor{(restored == 1 ? "" : "s")} from the audit log, each audited as contribution.restore");
        }));
        return command;
    }

    internal static Actor Operator() => Actor.System($"turntide admin ({Environment.UserName})");

    /// <summary>Where --password-stdin reads from (tests hand in their own).</summary>
    internal static TextReader PasswordInput { get; set; } = Console.In;

    internal static async Task<int> RunAsync(ParseResult parse, string? dataDirectory,
        Func<MembersService, IServiceProvider, TextWriter, Task> action)
    {
        var stdout = parse.InvocationConfiguration.Output;
        var stderr = parse.InvocationConfiguration.Error;
        try
        {
            var options = OfflineServices.LoadOptions(dataDirectory);
            await using var services = OfflineServices.Create(options);
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<TurntideDb>().MigrateAsync();
            await action(scope.ServiceProvider.GetRequiredService<MembersService>(), scope.ServiceProvider, stdout);
            return 0;
        }
        catch (Exception ex) when (ex is DomainException or InvalidOperationException)
        {
            stderr.WriteLine($"turntide: {ex.Message}");
            return 1;
        }
    }

    private static string GeneratePassword() =>
        Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');
}
