using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Turntide.Cli.Tests.Exchange;

/// <summary>
/// Sharing between organisations end to end: a hub and two nodes as separate processes on loopback ports. Every wait is
/// a generous deadline, never a timing claim; the nodes poll only every 300 s, so whatever arrives within the deadline
/// came by push.
/// </summary>
public sealed class HubNodeSyncTests(HubAndNodes servers, ITestOutputHelper output) : IClassFixture<HubAndNodes>
{
    /// <summary>How soon a node must stop holding and matching a bank its organisation may no longer see (issue 10, item 3).</summary>
    private static readonly TimeSpan WithdrawalBound = TimeSpan.FromSeconds(2);

    private static string NewMd5() => Guid.NewGuid().ToString("n");

    private static async Task<Guid> ContributeAsync(HttpClient hub, string bank, string md5)
    {
        var result = await HubAndNodes.Ok(await hub.PostAsJsonAsync("/api/v1/contributions", new
        {
            bank, signals = new[] { new { signal_type = "md5", value = md5 } }, labels = new[] { "severity:crisis" },
        }));
        return result.GetProperty("content").GetProperty("id").GetGuid();
    }

    private static async Task<List<Guid>> MatchesAsync(HttpClient node, string md5)
    {
        var result = await HubAndNodes.Ok(await node.GetAsync($"/api/v1/match?signal_type=md5&signal={md5}"));
        return [.. result.GetProperty("matches").EnumerateArray().Select(m => m.GetProperty("content_id").GetGuid())];
    }

    /// <summary>The items each (type, signal) matches on a server, in one batch (a vPDQ is too long for a query string).</summary>
    private static async Task<List<List<Guid>>> MatchAllAsync(HttpClient node, IReadOnlyList<(string Type, string Signal)> signals)
    {
        var result = await HubAndNodes.Ok(await node.PostAsJsonAsync("/api/v1/match",
            new { signals = signals.Select(s => new { signal_type = s.Type, signal = s.Signal }).ToArray() }));
        return [.. result.GetProperty("results").EnumerateArray()
            .Select(r => r.GetProperty("matches").EnumerateArray().Select(m => m.GetProperty("content_id").GetGuid()).ToList())];
    }

    private static async Task<JsonElement> StatusAsync(HttpClient node) => await HubAndNodes.Ok(await node.GetAsync("/api/v1/exchange/status"));

    /// <summary>The snapshot's item lines as the hub serves them to a key.</summary>
    private static async Task<List<JsonElement>> SnapshotAsync(HttpClient hub)
    {
        var text = await (await hub.GetAsync("/api/v1/exchange/snapshot")).Content.ReadAsStringAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    private const string MirroredItems = "SELECT COUNT(*) FROM bank_contents c JOIN banks b ON b.\"Id\" = c.\"BankId\" WHERE b.\"Origin\" = 'hub'";

    [Fact]
    public async Task AContributionAtTheHubIsMatchableAtEveryNodeByPushLongBeforeTheNextPoll()
    {
        using var b = servers.Hub.Client(servers.HubKeyB);
        using var a = servers.NodeA.Client(servers.NodeKeyA);
        using var c = servers.NodeC.Client(servers.NodeKeyC);
        string md5 = NewMd5();
        var id = await ContributeAsync(b, HubAndNodes.SharedBank, md5);
        await Wait.UntilAsync(async () => (await MatchesAsync(a, md5)).Contains(id), "node A matches the new contribution");
        await Wait.UntilAsync(async () => (await MatchesAsync(c, md5)).Contains(id), "node C matches the new contribution");
        var status = await StatusAsync(a);
        Assert.True(status.GetProperty("configured").GetBoolean());
        Assert.True(status.GetProperty("stream_connected").GetBoolean());
        Assert.DoesNotContain(servers.HubKeyA, servers.NodeA.Log);
    }

    [Fact]
    public async Task EverySignalTypeBankedAtTheHubReachesTheNodesByFeedAndBySnapshotAndMatchesThere()
    {
        using var forum = servers.Hub.Client(servers.ForumKey);
        using var hubC = servers.Hub.Client(servers.HubKeyC);
        const string bank = "ALL_TYPES";
        await HubAndNodes.Ok(await forum.PostAsJsonAsync("/api/v1/banks", new { name = bank, @private = false }));
        string host = "h" + Guid.NewGuid().ToString("n")[..12];
        // A real video's vPDQ (one line per frame), and one value of every other type; each with the query that finds it.
        string vpdq = string.Concat(File.ReadLines(Turntide.Core.Tests.TestData.Path_("vpdq", "sample-hashes", "chair-22-sd-sepia-bar.txt"))
            .Take(60).Select(l => l + "\n"));
        var values = new (string Type, string Banked, string Query)[]
        {
            ("pdq", Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), ""),
            ("vpdq", vpdq, vpdq),
            ("md5", NewMd5(), ""),
            ("sha256", Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), ""),
            ("url", $"https://{host}.example.com/a", $"HTTPS://{host}.Example.com/a?utm_source=x"),
            ("text", "text-sha256-v1:" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), ""),
        };
        values = [.. values.Select(v => v with { Query = v.Query == "" ? v.Banked : v.Query })];
        var ids = new List<Guid>();
        foreach (var (type, banked, _) in values)
        {
            var added = await HubAndNodes.Ok(await forum.PostAsJsonAsync($"/api/v1/banks/{bank}/content",
                new { signals = new[] { new { signal_type = type, value = banked } }, labels = new[] { "severity:crisis" } }));
            ids.Add(added.GetProperty("id").GetGuid());
        }
        var queries = values.Select(v => (v.Type, v.Query)).ToList();
        bool AllFound(List<List<Guid>> found) => ids.Select((id, i) => found[i].Contains(id)).All(f => f);

        // The feed: pushed to both nodes, mirrored into their databases and matched from their catalogs.
        using var a = servers.NodeA.Client(servers.NodeKeyA);
        await Wait.UntilAsync(async () => AllFound(await MatchAllAsync(a, queries)), "node A matches all six types from the feed");
        using (var c = servers.NodeC.Client(servers.NodeKeyC))
            await Wait.UntilAsync(async () => AllFound(await MatchAllAsync(c, queries)), "node C matches all six types from the feed");
        // The vPDQ text arrives line for line.
        var mirroredVpdq = $"SELECT COUNT(*) FROM content_signals WHERE \"SignalType\" = 'vpdq' AND \"Value\" = '{vpdq}'";
        Assert.Equal(1, await HubAndNodes.CountAsync(servers.NodeA, mirroredVpdq));
        var snapshotItems = (await SnapshotAsync(hubC)).Where(l => l.TryGetProperty("item", out _)).Select(l => l.GetProperty("item"))
            .Where(i => ids.Contains(i.GetProperty("id").GetGuid())).ToList();
        Assert.Equal(values.Select(v => v.Type).Order(), snapshotItems.Select(i => i.GetProperty("signals")[0].GetProperty("signal_type").GetString()!).Order());

        // The snapshot: node C loses its copy of the bank's items and a checkpoint the hub does not know makes it
        // rebuild its copy from the snapshot.
        await servers.NodeC.StopAsync();
        await HubAndNodes.ExecuteAsync(servers.NodeC, "UPDATE hub_sync_state SET \"Checkpoint\" = 'ffffffffffffffff.1'");
        const string ofTheBank = $"SELECT c.\"Id\" FROM bank_contents c JOIN banks b ON b.\"Id\" = c.\"BankId\" WHERE b.\"Name\" = '{bank}'";
        await HubAndNodes.ExecuteAsync(servers.NodeC, $"DELETE FROM content_signals WHERE \"ContentId\" IN ({ofTheBank})");
        await HubAndNodes.ExecuteAsync(servers.NodeC, $"DELETE FROM bank_contents WHERE \"Id\" IN ({ofTheBank})");
        Assert.Equal(0, await HubAndNodes.CountAsync(servers.NodeC, mirroredVpdq));
        await servers.NodeC.StartAsync();
        using (var c = servers.NodeC.Client(servers.NodeKeyC))
            await Wait.UntilAsync(async () => AllFound(await MatchAllAsync(c, queries)), "node C matches all six types after a resync from the snapshot");
        Assert.Equal(1, await HubAndNodes.CountAsync(servers.NodeC, mirroredVpdq));
    }

    [Fact]
    public async Task ContributionsAndOpinionsSentToANodeReachTheHubAndDisagreementQuarantinesEverywhere()
    {
        using var a = servers.NodeA.Client(servers.NodeKeyA);
        using var c = servers.NodeC.Client(servers.NodeKeyC);
        using var b = servers.Hub.Client(servers.HubKeyB);
        string md5 = NewMd5();
        var created = await a.PostAsJsonAsync("/api/v1/contributions", new
        {
            bank = HubAndNodes.SharedBank, signals = new[] { new { signal_type = "md5", value = md5 } }, labels = new[] { "severity:crisis" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await HubAndNodes.Ok(created)).GetProperty("content").GetProperty("id").GetGuid();
        await Wait.UntilAsync(async () => (await MatchesAsync(c, md5)).Contains(id), "node C matches what node A contributed");

        // The hub's refusal comes back as the hub's ProblemDetails.
        var refused = await a.PostAsJsonAsync("/api/v1/contributions", new { bank = "NO-SUCH-BANK", signals = new[] { new { signal_type = "md5", value = NewMd5() } } });
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("NO-SUCH-BANK", await refused.Content.ReadAsStringAsync());

        var first = await a.PutAsJsonAsync($"/api/v1/content/{id}/opinion", new { opinion = "disagree", note = "not terrorist content" });
        Assert.False((await HubAndNodes.Ok(first)).GetProperty("quarantined").GetBoolean());
        var second = await HubAndNodes.Ok(await b.PutAsJsonAsync($"/api/v1/content/{id}/opinion", new { opinion = "disagree" }));
        Assert.True(second.GetProperty("quarantined").GetBoolean());
        await Wait.UntilAsync(async () => (await MatchesAsync(a, md5)).Count == 0, "node A stops matching the quarantined item");
        await Wait.UntilAsync(async () => (await MatchesAsync(c, md5)).Count == 0, "node C stops matching the quarantined item");
        Assert.Equal(1, await HubAndNodes.CountAsync(servers.NodeA,
            $"SELECT COUNT(*) FROM bank_contents WHERE \"Id\" = '{id.ToString().ToUpperInvariant()}' AND \"Status\" = 'Quarantined'"));
    }

    [Fact]
    public async Task AMatchFloodFromOneNodePutsTheItemUnderReviewAndASecondMembersFloodQuarantinesItOnEveryNode()
    {
        using var b = servers.Hub.Client(servers.HubKeyB);
        using var forum = servers.Hub.Client(servers.ForumKey);
        using var a = servers.NodeA.Client(servers.NodeKeyA);
        using var c = servers.NodeC.Client(servers.NodeKeyC);
        string md5 = NewMd5();
        var id = await ContributeAsync(b, HubAndNodes.SharedBank, md5);
        await Wait.UntilAsync(async () => (await MatchesAsync(c, md5)).Contains(id), "node C matches the new item");
        await Wait.UntilAsync(async () => (await MatchesAsync(a, md5)).Contains(id), "node A matches the new item");

        // One member alone, however many matches its node reports, only puts the item under review: it goes on matching.
        for (int i = 0; i < HubAndNodes.FloodThreshold; i++)
            await MatchesAsync(a, md5);
        System.Text.Json.JsonElement opened = default;
        await Wait.UntilAsync(async () =>
        {
            var queue = await HubAndNodes.Ok(await forum.GetAsync("/api/v1/quarantine"));
            opened = queue.EnumerateArray().FirstOrDefault(q => q.GetProperty("content_id").GetGuid() == id);
            return opened.ValueKind != System.Text.Json.JsonValueKind.Undefined;
        }, "the hub puts the flooding item under review");
        Assert.True(opened.GetProperty("under_review").GetBoolean());
        Assert.StartsWith("Match flood under review", opened.GetProperty("reason").GetString());
        Assert.Contains(id, await MatchesAsync(c, md5));
        Assert.Contains(id, await MatchesAsync(a, md5));

        // A second member's node reporting its share confirms: the item leaves matching on every node.
        for (int i = 0; i < HubAndNodes.FloodThreshold; i++)
            await MatchesAsync(c, md5);
        await Wait.UntilAsync(async () => (await MatchesAsync(a, md5)).Count == 0, "node A stops matching the flooding item");
        await Wait.UntilAsync(async () => (await MatchesAsync(c, md5)).Count == 0, "node C stops matching the flooding item");
        var confirmed = Assert.Single((await HubAndNodes.Ok(await forum.GetAsync("/api/v1/quarantine"))).EnumerateArray(),
            q => q.GetProperty("content_id").GetGuid() == id);
        Assert.False(confirmed.GetProperty("under_review").GetBoolean());
        Assert.StartsWith("Match flood: ", confirmed.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task APrivateBankNeverReachesAnOrganisationNotNamedOnIt()
    {
        using var forum = servers.Hub.Client(servers.ForumKey);
        using var hubC = servers.Hub.Client(servers.HubKeyC);
        using var hubA = servers.Hub.Client(servers.HubKeyA);
        using var a = servers.NodeA.Client(servers.NodeKeyA);
        using var c = servers.NodeC.Client(servers.NodeKeyC);
        using var stream = await hubC.GetAsync("/api/v1/exchange/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        string secret = NewMd5(), later = NewMd5();
        var privateId = await ContributeAsync(forum, HubAndNodes.PrivateBank, secret);
        var laterId = await ContributeAsync(forum, HubAndNodes.SharedBank, later);
        await Wait.UntilAsync(async () => (await MatchesAsync(a, secret)).Contains(privateId), "node A (named on the bank) matches the private item");
        // The feed is ordered: once node C matches the later shared item, it has read past the private one.
        await Wait.UntilAsync(async () => (await MatchesAsync(c, later)).Contains(laterId), "node C matches the later shared item");
        Assert.Empty(await MatchesAsync(c, secret));

        string bankId = servers.PrivateBankId.ToString();
        var feed = await (await hubC.GetAsync("/api/v1/exchange/updates?limit=1000")).Content.ReadAsStringAsync();
        Assert.Contains(laterId.ToString(), feed);
        Assert.DoesNotContain(bankId, feed, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(secret, feed);
        var snapshotC = await (await hubC.GetAsync("/api/v1/exchange/snapshot")).Content.ReadAsStringAsync();
        Assert.Contains(laterId.ToString(), snapshotC);
        Assert.DoesNotContain(bankId, snapshotC, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(secret, snapshotC);
        Assert.Contains(secret, await (await hubA.GetAsync("/api/v1/exchange/snapshot")).Content.ReadAsStringAsync());
        // The stream names only the feed's head, a number: nothing of any bank.
        using (var reader = new StreamReader(await stream.Content.ReadAsStreamAsync()))
        {
            var events = new List<string>();
            using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                while (await reader.ReadLineAsync(enough.Token) is { } line)
                    events.Add(line);
            }
            catch (OperationCanceledException) { }
            Assert.Contains(events, e => e.StartsWith("data: {\"head\":", StringComparison.Ordinal));
            Assert.All(events, e => Assert.Matches(@"^(|retry: \d+|event: head|data: \{""head"":\d+\}|: heartbeat)$", e));
        }
        Assert.Equal(0, await HubAndNodes.CountAsync(servers.NodeC, $"SELECT COUNT(*) FROM banks WHERE \"Id\" = '{bankId.ToUpperInvariant()}'"));
        Assert.Equal(0, await HubAndNodes.CountAsync(servers.NodeC, $"SELECT COUNT(*) FROM content_signals WHERE \"Value\" = '{secret}'"));
        Assert.Equal(1, await HubAndNodes.CountAsync(servers.NodeA, $"SELECT COUNT(*) FROM content_signals WHERE \"Value\" = '{secret}'"));
    }

    [Fact]
    public async Task TheNodeMatchesFromItsCopyWhileTheHubIsDownAndCatchesUpAfterItsRestart()
    {
        using var a = servers.NodeA.Client(servers.NodeKeyA);
        string before = NewMd5(), after = NewMd5();
        Guid beforeId;
        using (var b = servers.Hub.Client(servers.HubKeyB))
            beforeId = await ContributeAsync(b, HubAndNodes.SharedBank, before);
        await Wait.UntilAsync(async () => (await MatchesAsync(a, before)).Contains(beforeId), "node A matches before the hub stops");

        await servers.Hub.StopAsync();
        await Wait.UntilAsync(async () => !(await StatusAsync(a)).GetProperty("stream_connected").GetBoolean(), "node A notices the hub is gone");
        Assert.Contains(beforeId, await MatchesAsync(a, before));

        await servers.Hub.StartAsync();
        using (var b = servers.Hub.Client(servers.HubKeyB))
        {
            var afterId = await ContributeAsync(b, HubAndNodes.SharedBank, after);
            await Wait.UntilAsync(async () => (await MatchesAsync(a, after)).Contains(afterId), "node A catches up after the hub's restart", TimeSpan.FromSeconds(45));
        }
        Assert.True((await StatusAsync(a)).GetProperty("hub_reachable").GetBoolean());
    }

    [Fact]
    public async Task ARestartedNodeMatchesAtOnceAndResumesFromItsCheckpointWithoutRepeats()
    {
        using var b = servers.Hub.Client(servers.HubKeyB);
        using var hubA = servers.Hub.Client(servers.HubKeyA);
        string kept = NewMd5(), missed = NewMd5();
        var keptId = await ContributeAsync(b, HubAndNodes.SharedBank, kept);
        using (var a = servers.NodeA.Client(servers.NodeKeyA))
            await Wait.UntilAsync(async () => (await MatchesAsync(a, kept)).Contains(keptId), "node A matches before its restart");

        await servers.NodeA.StopAsync();
        var missedId = await ContributeAsync(b, HubAndNodes.SharedBank, missed);
        await servers.NodeA.StartAsync();
        using (var a = servers.NodeA.Client(servers.NodeKeyA))
        {
            // Ready means the catalog holds the stored copy: no wait for the hub.
            Assert.Contains(keptId, await MatchesAsync(a, kept));
            await Wait.UntilAsync(async () => (await MatchesAsync(a, missed)).Contains(missedId), "node A fetches what it missed while stopped");
        }
        int visible = (await SnapshotAsync(hubA)).Count(l => l.TryGetProperty("item", out _));
        Assert.Equal(visible, await HubAndNodes.CountAsync(servers.NodeA, MirroredItems));
        Assert.Equal(1, await HubAndNodes.CountAsync(servers.NodeA, $"SELECT COUNT(*) FROM content_signals WHERE \"Value\" = '{missed}'"));
        // Each committed page is one audit entry listing its items: a page replayed after the restart would list an item
        // a second time.
        foreach (var id in new[] { keptId, missedId })
            Assert.Equal(1, await HubAndNodes.CountAsync(servers.NodeA,
                $"SELECT COUNT(*) FROM audit_entries WHERE \"EntityType\" = 'exchange_batch' AND \"After\" LIKE '%{id}%'"));
    }

    [Fact]
    public async Task ACheckpointTheHubDoesNotKnowMakesTheNodeReplaceItsCopyFromTheSnapshot()
    {
        using var hubA = servers.Hub.Client(servers.HubKeyA);
        const string resyncs = "SELECT COUNT(*) FROM audit_entries WHERE \"EntityType\" = 'exchange_resync'";
        // One already: a new node's first sync is a snapshot.
        Assert.Equal(1, await HubAndNodes.CountAsync(servers.NodeA, resyncs));
        await servers.NodeA.StopAsync();
        // A checkpoint from another hub's log, and a copy that lost an item: only a resync repairs both.
        await HubAndNodes.ExecuteAsync(servers.NodeA, "UPDATE hub_sync_state SET \"Checkpoint\" = 'ffffffffffffffff.1'");
        await HubAndNodes.ExecuteAsync(servers.NodeA,
            "DELETE FROM bank_contents WHERE \"Id\" = (SELECT c.\"Id\" FROM bank_contents c JOIN banks b ON b.\"Id\" = c.\"BankId\" WHERE b.\"Origin\" = 'hub' AND c.\"Status\" = 'Enabled' LIMIT 1)");
        await servers.NodeA.StartAsync();
        using var a = servers.NodeA.Client(servers.NodeKeyA);
        await Wait.UntilAsync(async () => (await StatusAsync(a)).GetProperty("last_resync_at").ValueKind == JsonValueKind.String, "node A resyncs");
        var snapshot = await SnapshotAsync(hubA);
        var items = snapshot.Where(l => l.TryGetProperty("item", out _)).Select(l => l.GetProperty("item")).ToList();
        Assert.Equal(items.Count, await HubAndNodes.CountAsync(servers.NodeA, MirroredItems));
        Assert.Equal(2, await HubAndNodes.CountAsync(servers.NodeA, resyncs));
        foreach (var item in items.Where(i => i.GetProperty("status").GetString() == "enabled"))
        {
            var signal = item.GetProperty("signals")[0];
            Assert.Contains(item.GetProperty("id").GetGuid(),
                (await MatchAllAsync(a, [(signal.GetProperty("signal_type").GetString()!, signal.GetProperty("value").GetString()!)]))[0]);
        }
        Assert.NotEqual("ffffffffffffffff.1", (await StatusAsync(a)).GetProperty("checkpoint").GetString());
    }

    [Fact]
    public async Task ABankMadePrivateOrNarrowedLeavesTheNodeOfAMemberNoLongerNamedWithinTwoSeconds()
    {
        using var forum = servers.Hub.Client(servers.ForumKey);
        using var hubC = servers.Hub.Client(servers.HubKeyC);
        using var a = servers.NodeA.Client(servers.NodeKeyA);
        using var c = servers.NodeC.Client(servers.NodeKeyC);
        using var pagesC = await HubAndNodes.SignInAsync(servers.NodeC, servers.PersonEmailC, servers.PersonPasswordC);

        // Two banks shared with every member (set explicitly), each with items both nodes match.
        var banks = new Dictionary<string, (Guid Id, Dictionary<Guid, string> Items)>();
        foreach (var name in new[] { "NARROWED", "CLOSED" })
        {
            var bank = await HubAndNodes.Ok(await forum.PostAsJsonAsync("/api/v1/banks", new { name }));
            await HubAndNodes.Ok(await forum.PutAsJsonAsync($"/api/v1/banks/{name}/sharing", new { @private = false, members = Array.Empty<Guid>() }));
            var items = new Dictionary<Guid, string>();
            for (int i = 0; i < 3; i++)
            {
                string md5 = NewMd5();
                items[await ContributeAsync(forum, name, md5)] = md5;
            }
            banks[name] = (bank.GetProperty("id").GetGuid(), items);
        }
        foreach (var (_, (_, items)) in banks)
        {
            foreach (var (id, md5) in items)
            {
                await Wait.UntilAsync(async () => (await MatchesAsync(c, md5)).Contains(id), "node C matches the shared item");
                await Wait.UntilAsync(async () => (await MatchesAsync(a, md5)).Contains(id), "node A matches the shared item");
            }
        }
        var (narrowedId, narrowedItems) = banks["NARROWED"];
        // Pages of node C show the bank before: the 404s below are the withdrawal's doing.
        Assert.Equal(HttpStatusCode.OK, (await pagesC.GetAsync($"/banks/{narrowedId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pagesC.GetAsync($"/content/{narrowedItems.Keys.First()}")).StatusCode);

        // Private, naming both members: node C keeps it.
        await HubAndNodes.Ok(await forum.PutAsJsonAsync("/api/v1/banks/NARROWED/sharing", new { @private = true, members = new[] { servers.OrganisationA, servers.OrganisationC } }));
        // CLOSED made private naming node A's organisation only, and NARROWED then narrowed to it: both leave node C.
        var took = new List<(string, TimeSpan)>();
        foreach (var (name, members) in new[] { ("CLOSED", new[] { servers.OrganisationA }), ("NARROWED", new[] { servers.OrganisationA }) })
        {
            var (bankId, items) = banks[name];
            await HubAndNodes.Ok(await forum.PutAsJsonAsync($"/api/v1/banks/{name}/sharing", new { @private = true, members }));
            var clock = Stopwatch.StartNew();
            while (true)
            {
                bool held = await HubAndNodes.CountAsync(servers.NodeC, $"SELECT COUNT(*) FROM bank_contents WHERE \"BankId\" = '{Upper(bankId)}'") > 0;
                bool matched = false;
                foreach (var md5 in items.Values)
                    matched |= (await MatchesAsync(c, md5)).Count > 0;
                if (!held && !matched)
                    break;
                Assert.True(clock.Elapsed < WithdrawalBound,
                    $"Node C still {(held ? "holds" : "matches")} bank {name}'s items {clock.Elapsed.TotalMilliseconds:F0} ms after the change was acknowledged");
                await Task.Delay(20);
            }
            took.Add((name, clock.Elapsed));
        }
        foreach (var (name, elapsed) in took)
            output.WriteLine($"{name}: gone from node C {elapsed.TotalMilliseconds:F0} ms after the hub acknowledged the change");

        foreach (var (name, (bankId, items)) in banks)
        {
            // Node C's database, as an operator would read it, holds nothing of the bank, and recorded the withdrawal.
            Assert.Equal(0, await HubAndNodes.CountAsync(servers.NodeC, $"SELECT COUNT(*) FROM banks WHERE \"Id\" = '{Upper(bankId)}'"));
            foreach (var (id, md5) in items)
            {
                Assert.Equal(0, await HubAndNodes.CountAsync(servers.NodeC, $"SELECT COUNT(*) FROM content_signals WHERE \"Value\" = '{md5}'"));
                Assert.Equal(0, await HubAndNodes.CountAsync(servers.NodeC, $"SELECT COUNT(*) FROM bank_contents WHERE \"Id\" = '{Upper(id)}'"));
            }
            Assert.Equal(1, await HubAndNodes.CountAsync(servers.NodeC,
                $"SELECT COUNT(*) FROM audit_entries WHERE \"Action\" = 'bank.withdrawn' AND \"EntityId\" = '{bankId}'"));
            // No endpoint of node C answers with it: single and batch matches, retroactive matches.
            var batch = await HubAndNodes.Ok(await c.PostAsJsonAsync("/api/v1/match",
                new { signals = items.Values.Select(md5 => new { signal_type = "md5", signal = md5 }) }));
            Assert.DoesNotContain(bankId.ToString(), batch.GetRawText());
            Assert.DoesNotContain(bankId.ToString(), await (await c.GetAsync("/api/v1/retroactive-matches")).Content.ReadAsStringAsync());
            // Nor any page: the bank list, the bank's page, its items' pages, search by hash and by label.
            Assert.DoesNotContain(name, await pagesC.GetStringAsync("/banks"));
            Assert.Equal(HttpStatusCode.NotFound, (await pagesC.GetAsync($"/banks/{bankId}")).StatusCode);
            foreach (var (id, md5) in items)
            {
                Assert.Equal(HttpStatusCode.NotFound, (await pagesC.GetAsync($"/content/{id}")).StatusCode);
                Assert.DoesNotContain(id.ToString(), await pagesC.GetStringAsync($"/search?q={md5}"));
            }
            Assert.DoesNotContain(bankId.ToString(), await pagesC.GetStringAsync("/search?q=severity"));
            // Nor the hub, to node C's key.
            Assert.DoesNotContain(bankId.ToString(), await hubC.GetStringAsync("/api/v1/banks"));
            Assert.Equal(HttpStatusCode.NotFound, (await hubC.GetAsync($"/api/v1/content/{items.Keys.First()}")).StatusCode);
            var snapshot = await hubC.GetStringAsync("/api/v1/exchange/snapshot");
            Assert.All(items.Values, md5 => Assert.DoesNotContain(md5, snapshot));
            // Node A, still named, keeps matching every item.
            foreach (var (id, md5) in items)
                Assert.Contains(id, await MatchesAsync(a, md5));
        }

        // Shared with every member again: node C, which has no copy of the bank's earlier items, resyncs and matches them.
        await HubAndNodes.Ok(await forum.PutAsJsonAsync("/api/v1/banks/CLOSED/sharing", new { @private = false, members = Array.Empty<Guid>() }));
        foreach (var (id, md5) in banks["CLOSED"].Items)
            await Wait.UntilAsync(async () => (await MatchesAsync(c, md5)).Contains(id), "node C matches the bank shared again");
        Assert.Empty(await MatchesAsync(c, narrowedItems.Values.First()));
    }

    private static string Upper(Guid id) => id.ToString().ToUpperInvariant();
}
