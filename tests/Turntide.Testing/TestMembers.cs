using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Features.Members;

namespace Turntide.Testing;

/// <summary>
/// Organisations, people and API keys made the way <c>turntide admin</c> makes them (through <see cref="MembersService"/>,
/// audited as the system), on any server's services: the in-process <see cref="TestServer"/> and the browser tests' host.
/// </summary>
internal static class TestMembers
{
    public static readonly Actor Operator = Actor.System("tests");

    /// <summary>The password every test person gets.</summary>
    public const string Password = "correct horse battery";

    /// <summary>An organisation; unnamed, it gets a unique name so tests sharing a server never collide.</summary>
    public static Task<Organisation> CreateOrgAsync(IServiceProvider services, string kind, string? name = null) =>
        InScopeAsync(services, m => m.CreateOrganisationAsync(Operator, name ?? $"{kind} {Guid.NewGuid():n}", kind));

    /// <summary>A key's secret (shown once, as the API shows it).</summary>
    public static async Task<string> CreateKeyAsync(IServiceProvider services, Guid organisationId, string role, string name = "test key", string? scope = null) =>
        (await InScopeAsync(services, m => m.CreateKeyAsync(Operator, organisationId, new NewKey(name, role, scope)))).Secret;

    /// <summary>A person with the roles; unnamed, with a unique email.</summary>
    public static async Task<(Person Person, string Email)> CreatePersonAsync(IServiceProvider services, Guid organisationId,
        IReadOnlyList<string> roles, string? email = null, string? displayName = null, string password = Password)
    {
        email ??= $"{roles[0]}-{Guid.NewGuid():n}@example.test";
        var person = await InScopeAsync(services, m => m.CreatePersonAsync(Operator, organisationId, email, displayName ?? $"Test {roles[0]}", password, [.. roles]));
        return (person, email);
    }

    /// <summary>The organisation kind a role belongs to, for a test that needs "someone with this role".</summary>
    public static string KindFor(string role) => role switch
    {
        Roles.AuthorityOfficer => OrganisationKinds.Authority,
        Roles.Auditor => OrganisationKinds.Auditor,
        _ => OrganisationKinds.Platform,
    };

    private static async Task<T> InScopeAsync<T>(IServiceProvider services, Func<MembersService, Task<T>> action)
    {
        await using var scope = services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<MembersService>());
    }
}
