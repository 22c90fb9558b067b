using WaEngine.Engine.Session;
using WaEngine.Store.Registry;
using WaEngine.TestKit;

namespace WaEngine.Store.Tests.Registry;

public class LineRegistryTests
{
    [Fact]
    public async Task A_token_names_its_line_until_rotated_and_only_its_hash_is_stored()
    {
        using var data = new TempFolder();
        var registry = await LineRegistry.OpenAsync(data.Path, TimeProvider.System, CancellationToken.None);
        var (a, tokenA) = await registry.CreateAsync("sales", null, null, "messages.received", CancellationToken.None);
        var (b, tokenB) = await registry.CreateAsync("support", "https://example.test/hook", "s3cret", "messages.received,message.status", CancellationToken.None);

        Assert.Matches("^wae_[A-Za-z0-9_-]{43}$", tokenA);
        Assert.NotEqual(tokenA, tokenB);
        Assert.Equal(a.Id, (await registry.FindByTokenAsync(tokenA, CancellationToken.None))!.Id);
        Assert.Equal(b.Id, (await registry.FindByTokenAsync(tokenB, CancellationToken.None))!.Id);
        Assert.Null(await registry.FindByTokenAsync(tokenA + "x", CancellationToken.None));
        Assert.Null(await registry.FindByTokenAsync("", CancellationToken.None));
        Assert.Null(await registry.FindByTokenAsync(null, CancellationToken.None));

        var rotated = await registry.RotateTokenAsync(a.Id, CancellationToken.None);
        Assert.NotNull(rotated);
        Assert.Null(await registry.FindByTokenAsync(tokenA, CancellationToken.None));
        Assert.Equal(a.Id, (await registry.FindByTokenAsync(rotated, CancellationToken.None))!.Id);
        Assert.Null(await registry.RotateTokenAsync(new LineId(999), CancellationToken.None));

        var bytes = await File.ReadAllBytesAsync(Path.Combine(data.Path, "waengine.db"));
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        Assert.DoesNotContain(rotated!, text);
        Assert.DoesNotContain(tokenB, text);
    }

    [Fact]
    public async Task A_line_found_by_token_once_is_found_again_with_every_later_change_and_not_after_its_deletion()
    {
        using var data = new TempFolder();
        var registry = await LineRegistry.OpenAsync(data.Path, TimeProvider.System, CancellationToken.None);
        var (line, token) = await registry.CreateAsync("sales", null, null, "messages.received", CancellationToken.None);
        Assert.Null((await registry.FindByTokenAsync(token, CancellationToken.None))!.WebhookUrl);

        // Kept in memory after the first lookup: a change to the line is seen by the next one all the same.
        Assert.True(await registry.SetWebhookAsync(line.Id, "https://example.test/hook", "s3cret", "message.status", CancellationToken.None));
        var changed = (await registry.FindByTokenAsync(token, CancellationToken.None))!;
        Assert.Equal(("https://example.test/hook", "message.status"), (changed.WebhookUrl, changed.WebhookEvents));

        var rotated = await registry.RotateTokenAsync(line.Id, CancellationToken.None);
        Assert.Null(await registry.FindByTokenAsync(token, CancellationToken.None));
        Assert.Equal(line.Id, (await registry.FindByTokenAsync(rotated, CancellationToken.None))!.Id);

        Assert.True(await registry.DeleteAsync(line.Id, CancellationToken.None));
        Assert.Null(await registry.FindByTokenAsync(rotated, CancellationToken.None));
    }

    [Fact]
    public async Task Lines_and_their_settings_survive_a_reopen_and_can_be_deleted()
    {
        using var data = new TempFolder();
        var registry = await LineRegistry.OpenAsync(data.Path, TimeProvider.System, CancellationToken.None);
        var (line, token) = await registry.CreateAsync("ops", null, null, "messages.received", CancellationToken.None);
        Assert.True(await registry.SetWebhookAsync(line.Id, "http://127.0.0.1:5678/webhook", "k", "messages.received,session.status", CancellationToken.None));
        Assert.False(await registry.SetWebhookAsync(new LineId(12345), "http://x", null, "messages.received", CancellationToken.None));

        var reopened = await LineRegistry.OpenAsync(data.Path, TimeProvider.System, CancellationToken.None);
        var found = (await reopened.FindByTokenAsync(token, CancellationToken.None))!;
        Assert.Equal("ops", found.Name);
        Assert.Equal("http://127.0.0.1:5678/webhook", found.WebhookUrl);
        Assert.Equal("messages.received,session.status", found.WebhookEvents);
        Assert.Single(await reopened.ListAsync(CancellationToken.None));

        Assert.True(await reopened.DeleteAsync(line.Id, CancellationToken.None));
        Assert.False(await reopened.DeleteAsync(line.Id, CancellationToken.None));
        Assert.Null(await reopened.FindByTokenAsync(token, CancellationToken.None));
    }
}
