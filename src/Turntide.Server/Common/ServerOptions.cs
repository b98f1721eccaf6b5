namespace Turntide.Server.Common;

/// <summary>
/// The settings every feature may read: which roles this process plays and the API's JSON body limit. Each feature's
/// own settings live in its options class (docs/server.md lists them all).
/// </summary>
internal sealed class ServerOptions
{
    /// <summary><c>hub</c>, <c>node</c> or <c>both</c>.</summary>
    public string Role { get; set; } = "both";

    /// <summary>Largest JSON request body, in bytes.</summary>
    public long MaxJsonBytes { get; set; } = 1024 * 1024;

    public ServerRoles ParsedRoles => ParseRoles(Role);

    public static ServerRoles ParseRoles(string? role) => role?.Trim().ToLowerInvariant() switch
    {
        "hub" => ServerRoles.Hub,
        "node" => ServerRoles.Node,
        "both" or "hub,node" or "node,hub" => ServerRoles.Both,
        _ => throw new InvalidOperationException($"{TurntideOptions.Section}:Role must be hub, node or both, not '{role}'."),
    };

    public static void Check(ServerOptions o, OptionsCheck c)
    {
        _ = o.ParsedRoles;
        c.Require(o.MaxJsonBytes is >= 1024 and <= 256L * 1024 * 1024, "MaxJsonBytes", "1024 to 268435456");
    }
}
