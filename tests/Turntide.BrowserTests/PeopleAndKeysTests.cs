using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Turntide.Server.Features.Members;

namespace Turntide.BrowserTests;

/// <summary>An organisation's admin removes a person and revokes a key, each through the confirmation panel.</summary>
public sealed class PeopleAndKeysTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AnAdminRemovesAPersonAndRevokesAKeyOnlyAfterConfirmingWhatWillHappen()
    {
        var services = fixture.Services;
        var orgId = (await TestMembers.CreateOrgAsync(services, OrganisationKinds.Platform, "Browser People Platform")).Id;
        await TestMembers.CreatePersonAsync(services, orgId, [Roles.Admin], "people-admin@browser.test", "People Admin", BrowserFixture.Password);
        await TestMembers.CreatePersonAsync(services, orgId, [Roles.Moderator], "leaver@browser.test", "Lee Leaver", BrowserFixture.Password);
        await TestMembers.CreateKeyAsync(services, orgId, Roles.Moderator, "old pipeline");
        var page = await fixture.SignedInPageAsync("people-admin@browser.test");
        await BrowserFixture.WithScreenshotOnFailureAsync(page, "people-and-keys", async () =>
        {
            await page.GotoAsync($"/organisations/{orgId}");
            var leaverRow = page.GetByRole(AriaRole.Row).Filter(new() { HasTextString = "leaver@browser.test" });
            await leaverRow.GetByText("Manage Lee Leaver").ClickAsync();
            await leaverRow.GetByRole(AriaRole.Button, new() { Name = "Remove Lee Leaver" }).ClickAsync();

            // The panel names the person and the consequence; nothing has happened yet.
            var panel = page.GetByRole(AriaRole.Alertdialog);
            await Assertions.Expect(panel).ToContainTextAsync("Remove Lee Leaver (leaver@browser.test) from Browser People Platform?");
            await Assertions.Expect(panel).ToContainTextAsync("signed out everywhere");
            await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasTextString = "leaver@browser.test" })).ToHaveCountAsync(1);
            await panel.GetByRole(AriaRole.Button, new() { Name = "Remove Lee Leaver" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alertdialog)).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasTextString = "leaver@browser.test" })).ToHaveCountAsync(0);

            var keyRow = page.GetByRole(AriaRole.Row).Filter(new() { HasTextString = "old pipeline" });
            await keyRow.GetByRole(AriaRole.Button, new() { Name = "Revoke key old pipeline" }).ClickAsync();
            panel = page.GetByRole(AriaRole.Alertdialog);
            await Assertions.Expect(panel).ToContainTextAsync("Revoke the key old pipeline");
            await Assertions.Expect(panel).ToContainTextAsync("cannot be undone");
            // Cancel leaves the key as it was.
            await panel.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasTextString = "old pipeline" })).Not.ToContainTextAsync("revoked");

            await page.GetByRole(AriaRole.Row).Filter(new() { HasTextString = "old pipeline" })
                .GetByRole(AriaRole.Button, new() { Name = "Revoke key old pipeline" }).ClickAsync();
            await page.GetByRole(AriaRole.Alertdialog).GetByRole(AriaRole.Button, new() { Name = "Revoke old pipeline" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasTextString = "old pipeline" })).ToContainTextAsync("revoked");
        });
        await page.Context.CloseAsync();
    }
}
