namespace Turntide.Server.Common;

/// <summary>
/// A destructive action waiting for the person to confirm it. A page whose handler is posted without
/// <c>Confirmed=true</c> sets this instead of acting; <c>_Confirm</c> renders it in the page, naming what will
/// happen, with a danger-styled button that posts the same handler again with the same fields and
/// <c>Confirmed=true</c>. It works without script, and the service is reached only on the second post.
/// </summary>
/// <param name="Title">The question, for example "Disable the bank DEMO_CRISIS?".</param>
/// <param name="Consequence">What will happen, in the person's terms (counts included).</param>
/// <param name="Handler">The page handler to post again.</param>
/// <param name="ConfirmLabel">The danger button's text, naming the action ("Disable DEMO_CRISIS").</param>
/// <param name="Fields">The hidden fields to post again (the handler's own inputs).</param>
/// <param name="CancelHref">Where "Cancel" goes: usually the page itself.</param>
internal sealed record Confirmation(string Title, string Consequence, string Handler, string ConfirmLabel,
    IReadOnlyDictionary<string, string> Fields, string CancelHref);
