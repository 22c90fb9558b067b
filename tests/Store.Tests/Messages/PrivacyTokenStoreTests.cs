namespace WaEngine.Store.Tests.Messages;

/// <summary>R2: a line keeps the tokens contacts gave it and when it last issued its own, per contact.</summary>
public class PrivacyTokenStoreTests
{
    private const string Contact = "186134089587943@lid";

    [Fact]
    public async Task R2_a_received_token_and_our_issuance_time_are_kept_side_by_side()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        Assert.Null(await line.Store.GetPrivacyTokenAsync(Contact, default));

        var issued = DateTimeOffset.FromUnixTimeSeconds(1_767_000_000);
        await line.Store.SaveTokenIssuedAsync(Contact, issued, default);
        await line.Store.SavePrivacyTokenAsync(Contact, [1, 2, 3], issued.AddSeconds(5), default);

        var state = (await line.Store.GetPrivacyTokenAsync(Contact, default))!;
        Assert.Equal(new byte[] { 1, 2, 3 }, state.Token);
        Assert.Equal(issued.AddSeconds(5), state.TokenTimestamp);
        Assert.Equal(issued, state.IssuedAt);

        // Issuing again keeps the token; a newer token replaces it, an older one does not.
        await line.Store.SaveTokenIssuedAsync(Contact, issued.AddDays(8), default);
        await line.Store.SavePrivacyTokenAsync(Contact, [9], issued, default);
        state = (await line.Store.GetPrivacyTokenAsync(Contact, default))!;
        Assert.Equal(new byte[] { 1, 2, 3 }, state.Token);
        Assert.Equal(issued.AddDays(8), state.IssuedAt);
        await line.Store.SavePrivacyTokenAsync(Contact, [7, 7], issued.AddDays(9), default);
        Assert.Equal(new byte[] { 7, 7 }, (await line.Store.GetPrivacyTokenAsync(Contact, default))!.Token);
    }

    [Fact]
    public async Task R2_an_empty_token_is_refused_with_a_clear_error()
    {
        await using var line = await MessageStoreLine.OpenAsync();

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => line.Store.SavePrivacyTokenAsync(Contact, [], DateTimeOffset.UnixEpoch, default));

        Assert.Contains(Contact, refused.Message, StringComparison.Ordinal);
        Assert.Null(await line.Store.GetPrivacyTokenAsync(Contact, default));
    }
}
