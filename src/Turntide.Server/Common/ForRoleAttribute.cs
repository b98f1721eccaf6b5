namespace Turntide.Server.Common;

/// <summary>Marks a page that exists only on a server with this role (for example bank curation on the hub).</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class ForRoleAttribute(ServerRoles role) : Attribute
{
    public ServerRoles Role { get; } = role;
}
