namespace Turntide.Core.Hashing.Video;

/// <summary>Which frames vPDQ hashes and what time it gives them, with the reference's arithmetic.</summary>
public static class VpdqSampling
{
    /// <summary>
    /// The reference's frame step: <c>(int)(secondsPerHash * frameRate)</c>, truncated, and 1 when that is 0
    /// (so 0 seconds means every frame). Frame n is hashed when <c>n % step == 0</c>: at 29.97 fps and one
    /// second per hash that is every 29th frame, not every 30th.
    /// </summary>
    public static int FrameStep(double secondsPerHash, double frameRate)
    {
        if (!(secondsPerHash >= 0) || double.IsInfinity(secondsPerHash))
            throw new ArgumentOutOfRangeException(nameof(secondsPerHash), secondsPerHash, "Seconds per hash must be a finite number >= 0.");
        if (!(frameRate > 0) || double.IsInfinity(frameRate))
            throw new ArgumentOutOfRangeException(nameof(frameRate), frameRate, "The frame rate must be a finite number > 0.");
        double product = secondsPerHash * frameRate;
        // C++'s (int) cast of a value beyond int's range is undefined; no real video gets there, so clamp.
        int step = product >= int.MaxValue ? int.MaxValue : (int)product;
        return step == 0 ? 1 : step;
    }

    /// <summary>
    /// The reference's timestamp, computed in single precision as it does:
    /// <c>(float)frameNumber / (float)frameRate</c>.
    /// </summary>
    public static double Timestamp(int frameNumber, double frameRate) => (float)frameNumber / (float)frameRate;
}
