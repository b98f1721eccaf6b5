using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Taxonomy;
using Turntide.Server.Web;

namespace Turntide.Server.Features.Sharing;

/// <summary>What the sharing pages have in common: messages next to the field they are about, and the banks a member may see.</summary>
internal abstract class SharingPage : TurntidePage
{
    /// <summary>Puts a message next to a field (the page shows it beside the input and marks the input invalid).</summary>
    protected void FieldError(string field, string message) => ModelState.AddModelError(field, message);

    public string? ErrorFor(string field) =>
        ModelState.TryGetValue(field, out var entry) && entry.Errors.Count > 0 ? entry.Errors[0].ErrorMessage : null;

    public bool HasFieldErrors => ModelState.ErrorCount > 0;

    /// <summary>The ids of the banks the signed-in member may see (shared banks, and private ones it owns or is named on).</summary>
    protected IQueryable<Guid> VisibleBankIds(TurntideDb db) => db.Banks.VisibleTo(db, Actor.OrganisationId).Select(b => b.Id);

    /// <summary>Active terms only, grouped by facet in the taxonomy's order: retired terms are never offered.</summary>
    protected static async Task<List<TaxonomyTermDto>> ActiveTermsAsync(TaxonomyService taxonomy, CancellationToken ct) =>
        [.. (await taxonomy.ListAsync(ct)).Where(t => t.Active).Select(t => t.ToDto())];

    protected static async Task<Dictionary<Guid, string>> OrganisationNamesAsync(TurntideDb db, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var wanted = ids.Distinct().ToList();
        return await db.Organisations.AsNoTracking().Where(o => wanted.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
    }
}

/// <summary>A label picker: checkboxes grouped by facet, the chosen ones ticked, and the message about them.</summary>
internal sealed record LabelPicker(string Name, string Legend, string IdPrefix, IReadOnlyList<TaxonomyTermDto> Terms,
    IReadOnlyCollection<string> Selected, string? Error);
