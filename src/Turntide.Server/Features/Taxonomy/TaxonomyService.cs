using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Taxonomy;

internal sealed record NewTerm(string Label, string? Description);

/// <summary>Changes to a term; null leaves a field as it is.</summary>
internal sealed record TermChanges(string? Description, bool? Active);

/// <summary>The label vocabulary: reading it, the forum operator's edits (audited), and checking labels against it.</summary>
internal sealed class TaxonomyService(TurntideDb db, AuditLog audit)
{
    public Task<List<TaxonomyTerm>> ListAsync(CancellationToken ct = default) =>
        db.TaxonomyTerms.AsNoTracking().OrderBy(t => t.Facet).ThenBy(t => t.Label).ToListAsync(ct);

    public async Task<TaxonomyTerm> FindAsync(string label, CancellationToken ct = default)
    {
        var normalized = (label ?? "").Trim().ToLowerInvariant();
        return await db.TaxonomyTerms.FirstOrDefaultAsync(t => t.Label == normalized, ct)
            ?? throw new DomainException($"No taxonomy term '{Shorten(normalized)}'.", StatusCodes.Status404NotFound);
    }

    public async Task<TaxonomyTerm> AddAsync(Actor actor, NewTerm input, CancellationToken ct = default)
    {
        RequireOperator(actor);
        var label = TermLabels.Normalize(input.Label) is { Length: > 0 } given ? given
            : throw new DomainException("A term needs a label, facet:name.");
        var facet = Facets.Of(label)
            ?? throw new DomainException($"'{label}' is not facet:name with a facet of {string.Join(", ", Facets.All)}.");
        var description = CheckDescription(input.Description) ?? "";
        if (await db.TaxonomyTerms.AnyAsync(t => t.Label == label, ct))
            throw new DomainException($"The term '{label}' already exists.", StatusCodes.Status409Conflict);

        await using var scope = await audit.BeginAsync(ct);
        var now = Timestamps.Now();
        var term = new TaxonomyTerm { Label = label, Facet = facet, Description = description, CreatedAt = now, UpdatedAt = now };
        db.TaxonomyTerms.Add(term);
        scope.Record(actor, "taxonomy.add", "taxonomy_term", label, null, term.ToDto());
        await scope.CommitAsync(ct);
        return term;
    }

    public async Task<TaxonomyTerm> ChangeAsync(Actor actor, string label, TermChanges changes, CancellationToken ct = default)
    {
        RequireOperator(actor);
        var term = await FindAsync(label, ct);
        var description = CheckDescription(changes.Description);
        var actions = new List<string>();
        await using var scope = await audit.BeginAsync(ct);
        var before = term.ToDto();
        if (description is not null && description != term.Description)
        {
            term.Description = description;
            actions.Add("description");
        }
        if (changes.Active is { } active && active != term.Active)
        {
            term.Active = active;
            actions.Add(active ? "restore" : "retire");
        }
        if (actions.Count == 0)
            return term;
        term.UpdatedAt = Timestamps.Now();
        scope.Record(actor, "taxonomy." + string.Join('+', actions), "taxonomy_term", term.Label, before, term.ToDto());
        await scope.CommitAsync(ct);
        return term;
    }

    /// <summary>
    /// Refuses labels that are not active terms. <paramref name="kept"/> are labels an item already carries: a term
    /// retired since may stay on it, but not be added anew.
    /// </summary>
    public async Task RequireKnownAsync(IReadOnlyCollection<string> labels, IReadOnlyCollection<string>? kept = null, CancellationToken ct = default)
    {
        var fresh = labels.Where(l => kept is null || !kept.Contains(l)).ToList();
        if (fresh.Count == 0)
            return;
        var active = await db.TaxonomyTerms.AsNoTracking().Where(t => fresh.Contains(t.Label) && t.Active)
            .Select(t => t.Label).ToListAsync(ct);
        var unknown = fresh.Where(l => !active.Contains(l)).ToList();
        if (unknown.Count > 0)
            throw new DomainException(
                $"Not in the taxonomy (or retired): {string.Join(", ", unknown.Take(5).Select(Shorten))}{(unknown.Count > 5 ? ", ..." : "")}. " +
                "The forum operator adds terms under /api/v1/taxonomy.", StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>The vocabulary belongs to the forum operator: its admins and analysts (and the system itself).</summary>
    private static void RequireOperator(Actor actor)
    {
        if (actor.IsSystem)
            return;
        if (actor.OrganisationKind != OrganisationKinds.Forum || !actor.Roles.Any(r => Policies.Capabilities["manage-taxonomy"].Contains(r)))
            throw new DomainException("Only the forum operator's admins and analysts edit the taxonomy.", StatusCodes.Status403Forbidden);
    }

    private static string? CheckDescription(string? description)
    {
        if (description is null)
            return null;
        description = description.Trim();
        return description.Length > TaxonomyTerm.MaxDescriptionLength
            ? throw new DomainException($"The description is {description.Length} characters long; the limit is {TaxonomyTerm.MaxDescriptionLength}.")
            : TextRules.Require(description, "description");
    }

    private static string Shorten(string s) => s.Length > 40 ? s[..37] + "..." : s;
}
