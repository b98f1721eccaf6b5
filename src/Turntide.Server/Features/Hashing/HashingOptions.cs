namespace Turntide.Server.Features.Hashing;

/// <summary>The <c>Turntide</c> settings of uploads and decoding: how large a file may be and how much is decoded at once.</summary>
internal sealed class HashingOptions
{
    /// <summary>Largest uploaded file (to hash, match or bank), in bytes.</summary>
    public long MaxUploadBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Largest decoded image, in pixels (checked from the header, before decoding).</summary>
    public long MaxImagePixels { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Pixels being decoded at once, over all requests (declared by the images' headers): about 5 bytes of memory each
    /// while decoding, so the default (one largest image, or many photos) holds decoding near 350 MB.
    /// </summary>
    public long MaxDecodingPixels { get; set; } = 64L * 1024 * 1024;

    /// <summary>How long an upload waits for decoding budget before it is refused with 503 and Retry-After.</summary>
    public int DecodeWaitMilliseconds { get; set; } = 2000;

    public static void Check(HashingOptions o, OptionsCheck c)
    {
        c.Require(o.MaxUploadBytes is >= 1024 and <= int.MaxValue - 1024 * 1024, "MaxUploadBytes", "1024 to 2146435071");
        c.Require(o.MaxImagePixels >= 1, "MaxImagePixels", "at least 1");
        c.Require(o.MaxDecodingPixels >= o.MaxImagePixels, "MaxDecodingPixels", "at least MaxImagePixels (or the largest image allowed could never be decoded)");
        c.Require(o.DecodeWaitMilliseconds is >= 0 and <= 60_000, "DecodeWaitMilliseconds", "0 to 60000");
    }
}
