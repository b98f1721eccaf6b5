using System.Net;

namespace Turntide.Cli.Tests.Serving;

/// <summary><c>turntide serve</c> as a person starts it: a separate process on a loopback port and a data folder.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task ServeStartsTheServerWithTheGivenRoleOnAnEmptyDataFolder()
    {
        var data = Path.Combine(Path.GetTempPath(), "turntide-serve-tests", Guid.NewGuid().ToString("n"));
        await using var server = new ServerProcess("node", "node", data);
        try
        {
            await server.StartAsync();
            using var client = server.Anonymous();
            Assert.True(File.Exists(Path.Combine(data, "turntide.db")));
            // A node: matching exists (it wants a key), bank curation does not.
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/match?signal_type=md5&signal=" + new string('a', 32))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/banks")).StatusCode);
        }
        finally
        {
            await server.StopAsync();
            try { Directory.Delete(data, true); } catch (IOException) { }
        }
    }
}
