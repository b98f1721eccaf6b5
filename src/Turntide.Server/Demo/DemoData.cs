using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Turntide.Core.Imaging;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Hashing;
using Turntide.Server.Hosting;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Taxonomy;

namespace Turntide.Server.Demo;

/// <summary>
/// Fills an empty database with a small world to try Turntide in: a forum, two platforms, an authority and an
/// auditor, people in each role, and two banks holding the hashes of generated pictures (no real content).
/// The pictures are written to the data folder so they can be uploaded to find their own matches.
/// </summary>
internal sealed class DemoData(TurntideDb db, MembersService members, BankService banks, TaxonomyService taxonomy, MediaHasher hasher, IOptions<DataOptions> options,
    IConfiguration configuration)
{
    public const string Password = "turntide-demo";
    public const int ImagesPerBank = 12;
    public const int PictureWidth = 640, PictureHeight = 480;

    /// <summary>
    /// The demo's banks and the seeds of their generated pictures. <c>turntide sample-images --demo</c> writes the same
    /// pictures, so that uploading one finds its bank.
    /// </summary>
    public static readonly IReadOnlyList<(string Bank, string Description, int FirstSeed, string[] Labels)> Banks =
    [
        ("DEMO_CRISIS", "Generated pictures standing in for crisis content.", 1, ["severity:crisis", "entity:demo-group-a", "content_type:image"]),
        ("DEMO_PROMOTIONAL", "Generated pictures standing in for promotional material.", 101, ["severity:promotional", "entity:demo-group-b", "content_type:image"]),
    ];

    public static string PictureFileName(string bank, int seed) => $"{bank.ToLowerInvariant()}-{seed:D3}.jpg";

    public static readonly IReadOnlyList<(string Email, string Name, string Org, string Role)> People =
    [
        ("admin@forum.demo", "Forum Admin", "Demo Forum", Roles.Admin),
        ("analyst@forum.demo", "Forum Analyst", "Demo Forum", Roles.Analyst),
        ("admin@platform-one.demo", "Platform One Admin", "Demo Platform One", Roles.Admin),
        ("moderator@platform-one.demo", "Platform One Moderator", "Demo Platform One", Roles.Moderator),
        ("analyst@platform-two.demo", "Platform Two Analyst", "Demo Platform Two", Roles.Analyst),
        ("officer@authority.demo", "Authority Officer", "Demo Authority", Roles.AuthorityOfficer),
        ("auditor@auditors.demo", "Auditor", "Demo Auditors", Roles.Auditor),
    ];

    public async Task LoadAsync(CancellationToken ct)
    {
        if (await db.Organisations.AnyAsync(ct))
        {
            Console.WriteLine("turntide: the database already has organisations; demo data not loaded again.");
            return;
        }
        var system = Actor.System("demo data");
        var orgs = new Dictionary<string, Organisation>();
        foreach (var (name, kind) in new[]
        {
            ("Demo Forum", OrganisationKinds.Forum), ("Demo Platform One", OrganisationKinds.Platform),
            ("Demo Platform Two", OrganisationKinds.Platform), ("Demo Authority", OrganisationKinds.Authority),
            ("Demo Auditors", OrganisationKinds.Auditor),
        })
            orgs[name] = await members.CreateOrganisationAsync(system, name, kind, ct);
        foreach (var (email, name, org, role) in People)
            await members.CreatePersonAsync(system, orgs[org].Id, email, name, Password, [role], ct);
        var (_, key) = await members.CreateKeyAsync(system, orgs["Demo Platform One"].Id, Roles.Analyst, "demo upload pipeline", ct);

        var forum = orgs["Demo Forum"];
        var curator = new Actor(Actor.SystemKind, "demo", "demo data", forum.Id, forum.Kind, [Roles.Admin]);
        var images = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "demo-images");
        Directory.CreateDirectory(images);
        string? exampleHash = null, exampleImage = null;
        // Labels must be taxonomy terms: the demo's made-up groups join the vocabulary first.
        foreach (var group in new[] { "a", "b" })
            await taxonomy.AddAsync(curator, new NewTerm($"entity:demo-group-{group}", $"A made-up group for the demo ({group})."), ct);
        foreach (var (bankName, description, firstSeed, labels) in Banks)
        {
            // The forum's banks are for every member: shared on purpose, as a new bank is private to its owner.
            var bank = await banks.CreateBankAsync(curator, bankName, description, ct, shared: true);
            for (int seed = firstSeed; seed < firstSeed + ImagesPerBank; seed++)
            {
                var path = Path.Combine(images, PictureFileName(bankName, seed));
                SampleImages.Write(path, seed, PictureWidth, PictureHeight);
                var hashed = hasher.Hash(await File.ReadAllBytesAsync(path, ct));
                await banks.AddContentAsync(curator, bank.Id, new NewContent(
                    [.. hashed.Signals.Select(s => new SignalDto(s.SignalType, s.Value))],
                    labels, $"Generated demo picture, seed {seed}.", null), ct);
                exampleHash ??= hashed.Signals[0].Value;
                exampleImage ??= path;
            }
        }

        var url = (configuration["urls"] ?? "http://127.0.0.1:5080").Split(';')[0];
        // Shown on the console once, never logged: the demo key is a real key of this database.
        Console.WriteLine($"""

            Turntide demo is starting at {url}
            Sign in with any of these (password: {Password}):
            {string.Join(Environment.NewLine, People.Select(p => $"  {p.Email,-30} {p.Role,-18} {p.Org}"))}
            Demo API key (Demo Platform One, analyst), shown only now:
              {key}
            Try:
              curl -H "Authorization: Bearer {key}" "{url}/api/v1/match?signal_type=pdq&signal={exampleHash}"
              curl -H "Authorization: Bearer {key}" -F file=@{exampleImage} {url}/api/v1/match
            Generated demo pictures: {images}

            """);
    }
}

internal static class DemoExtensions
{
    public static WebApplicationBuilder AddDemo(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<DemoData>();
        return builder;
    }
}
