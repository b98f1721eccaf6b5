using System.Globalization;
using Turntide.Core.Index;

namespace Turntide.Core.Hashing.Video;

/// <summary>
/// The vPDQ feature of one hashed video frame: its 0-based number in decode-output order, the PDQ quality
/// (0..100), the PDQ hash of the frame and its time in seconds (frame number / frame rate).
/// </summary>
public readonly record struct VpdqFrame(int FrameNumber, int Quality, Hash256 Hash, double TimestampSeconds)
{
    /// <summary>
    /// The reference hasher's line: <c>frame,quality,hash,timestamp</c> with the timestamp to exactly three
    /// decimals. .NET formats the exact binary value with round-half-even, as the C library does.
    /// </summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{FrameNumber},{Quality},{Hash},{TimestampSeconds:F3}");
}
