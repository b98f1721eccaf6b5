namespace Turntide.Server.Features.Matching;

/// <summary>One answered match request: who asked, the platform's reference for the upload (if it gave one), and each signal's answer.</summary>
internal sealed record MatchesAnswered(CatalogViewer Viewer, string? Reference, IReadOnlyList<MatchResponse> Results);

/// <summary>
/// The seam through which features above matching learn of its answers (the node's match-flood tally, retroactive
/// matching's kept uploads) without matching knowing them: each registers an implementation, and matching tells every
/// one of them, on the request's thread, after it answered. An observer must be quick (queue work, do not do it).
/// </summary>
internal interface IMatchObserver
{
    void Answered(MatchesAnswered answered);
}

/// <summary>Every registered <see cref="IMatchObserver"/>; one that throws is logged and never fails the request.</summary>
internal sealed class MatchObservers(IEnumerable<IMatchObserver> observers, ILogger<MatchObservers> logger)
{
    private readonly IMatchObserver[] _observers = [.. observers];

    public void Tell(MatchesAnswered answered)
    {
        foreach (var observer in _observers)
        {
            try
            {
                observer.Answered(answered);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "A match observer ({Observer}) failed; the answer was sent regardless", observer.GetType().Name);
            }
        }
    }
}
