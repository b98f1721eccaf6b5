namespace Turntide.Server.Features.Opinions;

/// <summary>The <c>Turntide</c> settings of quarantine by disagreement.</summary>
internal sealed class OpinionsOptions
{
    /// <summary>Disagreeing members that quarantine a shared item at once (with <see cref="QuarantineDisagreementShare"/>).</summary>
    public int QuarantineDisagreements { get; set; } = 3;

    /// <summary>Least share of an item's opinions that must disagree for it to be quarantined, 0 to 1.</summary>
    public double QuarantineDisagreementShare { get; set; } = 0.5;

    public static void Check(OpinionsOptions o, OptionsCheck c)
    {
        c.Require(o.QuarantineDisagreements is >= 1 and <= 1000, "QuarantineDisagreements", "1 to 1000");
        c.Require(o.QuarantineDisagreementShare is >= 0 and <= 1, "QuarantineDisagreementShare", "0 to 1");
    }
}
