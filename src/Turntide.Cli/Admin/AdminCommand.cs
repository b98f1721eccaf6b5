using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Hosting;
using Turntide.Server.Features.Members;

namespace Turntide.Cli.Admin;

/// <summary>
/// <c>turntide admin</c>: organisations, people and API keys on the configured database (the data folder's
/// SQLite file, or PostgreSQL from <c>Turntide__DatabaseProvider</c> and <c>Turntide__ConnectionString</c>).
/// Every change is audited as the system acting for the local operator.
/// </summary>
internal static class AdminCommand
{
    public static Command Create()
    {
        var command = new Command("admin", "Create organisations, people and API keys on the server's database.");
        command.Subcommands.Add(CreateOrg());
        command.Subcommands.Add(CreatePerson());
        command.Subcommands.Add(CreateKey());
        command.Subcommands.Add(RevokeKey());
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
        var role = new Option<string>("--role") { Description = "The key's role.", Required = true };
        role.AcceptOnlyFromAmong([.. Roles.All]);
        var name = new Option<string>("--name") { Description = "What the key is for.", DefaultValueFactory = _ => "api key" };
        var scope = new Option<string?>("--scope") { Description = "Narrow the key: node (a platform node's key at the hub, the only key that reports match counts), match or read." };
        scope.AcceptOnlyFromAmong([.. ApiKey.Scopes]);
        var command = new Command("create-key", "Create an API key; the key is the last line printed, shown only once.") { data, org, role, name, scope };
        command.SetAction((parse, ct) => RunAsync(parse, parse.GetValue(data), async (members, _, stdout) =>
        {
            var organisation = await members.FindOrganisationAsync(parse.GetValue(org)!, ct);
            var (key, secret) = await members.CreateKeyAsync(Operator(), organisation.Id, parse.GetValue(role)!, parse.GetValue(name)!, parse.GetValue(scope), ct);
            string scoped = key.Scope is null ? "" : $" with scope {key.Scope}";
            stdout.WriteLine($"created key {key.Prefix} for {organisation.Name} as {key.Role}{scoped}; store it now, it is not shown again:");
            stdout.WriteLine(secret);
        }));
        return command;
    }

    private static Command RevokeKey()
    {
        var data = DataOption();
        var prefix = new Option<string>("--key") { Description = "The key's prefix (tt_ and 12 characters) or the whole key.", Required = true };
        var command = new Command("revoke-key", "Revoke an API key.") { data, prefix };
        command.SetAction((parse, ct) => RunAsync(parse, parse.GetValue(data), async (members, services, stdout) =>
        {
            var text = parse.GetValue(prefix)!;
            var p = text.Length > 15 ? text[..15] : text;
            var db = services.GetRequiredService<TurntideDb>();
            var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Prefix == p, ct)
                ?? throw new DomainException($"No API key {p}.");
            await members.RevokeKeyAsync(Operator(), key.Id, ct);
            stdout.WriteLine($"revoked key {key.Prefix} ({key.Name})");
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
