namespace Turntide.Server.Common;

/// <summary>What a server does: the forum's hub curates shared banks; a platform node hashes and matches.</summary>
[Flags]
internal enum ServerRoles
{
    None = 0,
    Hub = 1,
    Node = 2,
    Both = Hub | Node,
}
