namespace Turntide.Server.Hosting;

/// <summary>The host's own <c>Turntide</c> settings: the key that guards the key ring, and the demo world.</summary>
internal sealed class HostingOptions
{
    /// <summary>
    /// Base64 of 32 random bytes that encrypt the sign-in cookie keys at rest (AES-256-GCM). Without it a key is
    /// generated into <c>key-encryption.key</c> in the data folder (owner-only), with a warning. Never logged.
    /// </summary>
    public string? KeyEncryptionKey { get; set; }

    /// <summary>Load demo organisations, people and banks into an empty database on start.</summary>
    public bool DemoData { get; set; }
}
