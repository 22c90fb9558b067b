using Dapper;
using WaEngine.Engine.Binary;
using WaEngine.Store;

namespace WaEngine.Sandbox.Storage;

/// <summary>The durable per-device delivery queue and the message routes receipts follow back.</summary>
public sealed class StanzaQueue(SandboxDatabase database, TimeProvider time)
{
    /// <summary>Queues <paramref name="node"/> for a device; returns its sequence number.</summary>
    public async Task<long> EnqueueAsync(string phone, int deviceId, string stanzaClass, string stanzaId, Node node, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        using var insert = connection.Statement(
            """
            INSERT INTO queued_stanzas (phone, device_id, class, stanza_id, stanza, created_at)
            VALUES (@phone, @deviceId, @stanzaClass, @stanzaId, @stanza, @now) RETURNING seq
            """,
            null)
            .Bind("@phone", phone).Bind("@deviceId", deviceId).Bind("@stanzaClass", stanzaClass).Bind("@stanzaId", stanzaId)
            .Bind("@stanza", BinaryEncoder.Encode(node)).Bind("@now", time.GetUtcNow().ToUnixTimeSeconds());
        return insert.Int64(cancellationToken) ?? throw new InvalidOperationException($"Queueing {stanzaClass} {stanzaId} for {phone}:{deviceId} returned no seq.");
    }

    /// <summary>What waits for a device after <paramref name="afterSeq"/>, oldest first.</summary>
    public async Task<IReadOnlyList<(long Seq, Node Node)>> PendingAsync(string phone, int deviceId, long afterSeq, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(long Seq, byte[] Stanza)>(
            "SELECT seq, stanza FROM queued_stanzas WHERE phone = @phone AND device_id = @deviceId AND seq > @afterSeq ORDER BY seq",
            new { phone, deviceId, afterSeq }).ConfigureAwait(false);
        return rows.Select(r => (r.Seq, BinaryDecoder.Decode(r.Stanza))).ToList();
    }

    /// <summary>Removes what the device acknowledged; returns how many entries went.</summary>
    public async Task<int> AcknowledgeAsync(string phone, int deviceId, string stanzaClass, IReadOnlyCollection<string> stanzaIds, CancellationToken cancellationToken)
    {
        if (stanzaIds.Count == 0)
        {
            return 0;
        }

        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        if (stanzaIds.Count == 1)
        {
            // The usual ack: one stanza, through the statement the connection keeps prepared.
            using var one = connection.Statement(
                "DELETE FROM queued_stanzas WHERE phone = @phone AND device_id = @deviceId AND class = @stanzaClass AND stanza_id = @stanzaId", null)
                .Bind("@phone", phone).Bind("@deviceId", deviceId).Bind("@stanzaClass", stanzaClass).Bind("@stanzaId", stanzaIds.First());
            return one.Execute(cancellationToken);
        }

        return await connection.ExecuteAsync(
            "DELETE FROM queued_stanzas WHERE phone = @phone AND device_id = @deviceId AND class = @stanzaClass AND stanza_id IN @stanzaIds",
            new { phone, deviceId, stanzaClass, stanzaIds }).ConfigureAwait(false);
    }

    /// <summary>Forgets everything queued for a device (it was unlinked).</summary>
    public async Task DropDeviceAsync(string phone, int deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM queued_stanzas WHERE phone = @phone AND device_id = @deviceId", new { phone, deviceId }).ConfigureAwait(false);
    }

    /// <summary>Remembers which device sent message <paramref name="id"/>.</summary>
    public async Task RecordRouteAsync(string id, string senderPhone, int senderDevice, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        using var route = connection.Statement(
            "INSERT OR REPLACE INTO message_routes (id, sender_phone, sender_device, created_at) VALUES (@id, @senderPhone, @senderDevice, @now)", null)
            .Bind("@id", id).Bind("@senderPhone", senderPhone).Bind("@senderDevice", senderDevice).Bind("@now", time.GetUtcNow().ToUnixTimeSeconds());
        route.Execute(cancellationToken);
    }

    /// <summary>The device that sent message <paramref name="id"/> from account <paramref name="senderPhone"/>, if known.</summary>
    public async Task<int?> FindRouteAsync(string id, string senderPhone, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        using var find = connection.Statement("SELECT sender_device FROM message_routes WHERE id = @id AND sender_phone = @senderPhone", null)
            .Bind("@id", id).Bind("@senderPhone", senderPhone);
        return find.Int64(cancellationToken) is { } device ? (int)device : null;
    }
}
