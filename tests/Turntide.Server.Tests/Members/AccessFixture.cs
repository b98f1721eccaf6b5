using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Members;

/// <summary>One caller for every (organisation kind, role) pair the system allows, each with a key and a signed-in session.</summary>
public sealed class AccessFixture : IAsyncLifetime
{
    public sealed record Principal(string Kind, string Role, Guid OrganisationId, string Key, HttpClient Session)
    {
        public override string ToString() => $"{Role}@{Kind}";
    }

    internal TestServer Server { get; private set; } = null!;
    public List<Principal> Principals { get; } = [];
    public Guid BankId { get; private set; }
    public Guid ContentId { get; private set; }
    public Guid OtherOrganisationId { get; private set; }
    /// <summary>A moderator and a key of the other organisation, for the people and key handlers.</summary>
    public Guid OtherPersonId { get; private set; }
    public Guid OtherKeyId { get; private set; }

    public static IEnumerable<(string Kind, string Role)> AllPairs() =>
        OrganisationKinds.All.SelectMany(kind => OrganisationKinds.AllowedRoles(kind).Select(role => (kind, role)));

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        foreach (var (kind, role) in AllPairs())
        {
            var org = await Server.CreateOrgAsync(kind);
            var key = await Server.CreateKeyAsync(org.Id, role);
            var (_, email) = await Server.CreatePersonAsync(org.Id, role);
            Principals.Add(new Principal(kind, role, org.Id, key, await Server.SignInAsync(email, TestServer.Password)));
        }
        OtherOrganisationId = (await Server.CreateOrgAsync(OrganisationKinds.Platform)).Id;
        OtherPersonId = (await Server.CreatePersonAsync(OtherOrganisationId, Roles.Moderator)).Person.Id;
        OtherKeyId = (await Server.InScopeAsync(s => s.GetRequiredService<MembersService>()
            .CreateKeyAsync(TestServer.Operator, OtherOrganisationId, Roles.Moderator, "other"))).Key.Id;
        using var curator = Server.WithKey(Principals.First(p => p.Kind == OrganisationKinds.Forum && p.Role == Roles.Admin).Key);
        var bank = await (await curator.PostAsJsonAsync("/api/v1/banks", new { name = "ACCESS", @private = false })).Content.ReadFromJsonAsync<BankDto>(Json.Options);
        BankId = bank!.Id;
        var content = await (await curator.PostAsJsonAsync("/api/v1/banks/ACCESS/content", new
        {
            signals = new[] { new { signal_type = "md5", value = new string('c', 32) } },
        })).Content.ReadFromJsonAsync<BankContentDto>(Json.Options);
        ContentId = content!.Id;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
