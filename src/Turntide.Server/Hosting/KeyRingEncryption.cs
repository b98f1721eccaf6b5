using Turntide.Server.Data;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Turntide.Server.Hosting;

/// <summary>
/// The key that encrypts the Data Protection key ring (the keys behind sign-in cookies, antiforgery tokens and
/// Identity's tokens) at rest: <c>Turntide:KeyEncryptionKey</c>, or one generated into an owner-only file in
/// the data folder (outside the key ring folder) when none is configured.
/// </summary>
internal sealed class KeyEncryptionKey
{
    public const string FileName = "key-encryption.key";

    private KeyEncryptionKey(byte[] key, string? generatedFile)
    {
        Key = key;
        GeneratedFile = generatedFile;
        // Names the key in each encrypted element, so that a wrong key is told apart from a damaged file.
        Id = Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 8));
    }

    internal byte[] Key { get; }
    public string Id { get; }

    /// <summary>The file the key was read from or written to when none was configured; null when configured.</summary>
    public string? GeneratedFile { get; }

    public static KeyEncryptionKey Load(HostingOptions options, DataOptions data)
    {
        if (!string.IsNullOrWhiteSpace(options.KeyEncryptionKey))
            return new KeyEncryptionKey(Parse(options.KeyEncryptionKey, $"{TurntideOptions.Section}:KeyEncryptionKey"), null);
        var folder = Path.GetFullPath(data.DataDirectory);
        OwnerOnly.CreateFolder(folder);
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            try
            {
                OwnerOnly.WriteNewFile(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process on the same folder wrote it first: use theirs.
            }
        }
        return new KeyEncryptionKey(Parse(File.ReadAllText(path), path), path);
    }

    private static byte[] Parse(string text, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{source} must be base64 of 32 random bytes (for example the output of `openssl rand -base64 32`).");
        }
        if (key.Length != 32)
            throw new InvalidOperationException($"{source} must be base64 of 32 random bytes, not {key.Length}.");
        return key;
    }
}

internal static class KeyRingEncryption
{
    /// <summary>Data Protection with its keys in <c>DataDirectory/keys</c>, each encrypted under <see cref="KeyEncryptionKey"/>.</summary>
    public static IServiceCollection AddTurntideDataProtection(this IServiceCollection services, HostingOptions options, DataOptions data)
    {
        var key = KeyEncryptionKey.Load(options, data);
        var folder = Path.Combine(Path.GetFullPath(data.DataDirectory), "keys");
        OwnerOnly.CreateFolder(folder);
        services.AddSingleton(key);
        services.AddDataProtection()
            .SetApplicationName("Turntide")
            .PersistKeysToFileSystem(new DirectoryInfo(folder));
        services.Configure<KeyManagementOptions>(o => o.XmlEncryptor = new AesGcmXmlEncryptor(key));
        return services;
    }
}

/// <summary>
/// Encrypts a key ring element with AES-256-GCM. The framework's own encryptors are DPAPI (Windows only) and
/// X.509 certificates (a PKI file to manage); a symmetric key from configuration is what an operator of a
/// container or a service unit can supply from its secret store.
/// </summary>
internal sealed class AesGcmXmlEncryptor(KeyEncryptionKey key) : IXmlEncryptor
{
    internal static readonly XName Element = "aesGcmEncryptedKey";
    internal static readonly byte[] AssociatedData = "Turntide Data Protection key ring"u8.ToArray();

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using (var aes = new AesGcm(key.Key, tag.Length))
            aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData);
        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(Element,
            new XAttribute("keyId", key.Id),
            new XAttribute("nonce", Convert.ToBase64String(nonce)),
            new XAttribute("tag", Convert.ToBase64String(tag)),
            Convert.ToBase64String(ciphertext));
        return new EncryptedXmlInfo(element, typeof(AesGcmXmlDecryptor));
    }
}

/// <summary>Made by Data Protection from the type named in the stored element; finds the key in the services.</summary>
internal sealed class AesGcmXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var key = services.GetRequiredService<KeyEncryptionKey>();
        var storedId = (string?)encryptedElement.Attribute("keyId");
        if (storedId != key.Id)
            throw new CryptographicException(
                $"This key ring entry was encrypted with key-encryption key {storedId}, but the server has {key.Id}: set {TurntideOptions.Section}:KeyEncryptionKey to the key it was made with.");
        var nonce = Convert.FromBase64String((string)encryptedElement.Attribute("nonce")!);
        var tag = Convert.FromBase64String((string)encryptedElement.Attribute("tag")!);
        var ciphertext = Convert.FromBase64String(encryptedElement.Value);
        var plaintext = new byte[ciphertext.Length];
        using (var aes = new AesGcm(key.Key, tag.Length))
            aes.Decrypt(nonce, ciphertext, tag, plaintext, AesGcmXmlEncryptor.AssociatedData);
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}

/// <summary>Says at start-up when the key ring's encryption key is a generated file beside the data, not a configured secret.</summary>
internal sealed class KeyEncryptionNotice(KeyEncryptionKey key, ILogger<KeyEncryptionNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (key.GeneratedFile is not null)
            logger.LogWarning(
                "The sign-in key ring is encrypted with a key kept in {File}, beside the data it protects. Set {Option} from a secret store (base64 of 32 random bytes) and keep it out of backups of the data folder; see docs/security.md.",
                key.GeneratedFile, $"{TurntideOptions.Section}:KeyEncryptionKey");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
