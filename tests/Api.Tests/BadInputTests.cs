using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace WaEngine.Api.Tests;

/// <summary>
/// Bad input against the real service, one row per case: who calls (<c>ready</c>, <c>stopped</c>, <c>unpaired</c> and
/// <c>rotated</c> line tokens, <c>bogus</c>/<c>none</c> tokens, <c>admin</c>), the request, and the answer's status,
/// <c>code</c> and <c>param</c>. Placeholders: <c>{inbound}</c> (a message from the peer), <c>{ours}</c> (a message of the
/// line), <c>{stopped}</c> (the stopped line's id), <c>{peer}</c> (the peer's JID).
/// </summary>
[Collection(LineApiCollection.Name)]
public class BadInputTests(LineApiFixture fixture)
{
    private static readonly string LongText = new('x', 4097);

    // Files whose first bytes are what their mimetype says (fixed, so the table is the same at discovery and run).
    private static readonly string Png = Fixed([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'], 600);
    private static readonly string Pdf = Fixed("%PDF-1.7\n"u8.ToArray(), 600);
    private static readonly string Ogg = Fixed("OggS\0\u0002"u8.ToArray(), 600);
    private static readonly string WebP = Fixed("RIFF\0\0\0\0WEBPVP8X\u000a\0\0\0\0\0\0\0"u8.ToArray(), 600);
    private static readonly string BigStaticWebP = Fixed("RIFF\0\0\0\0WEBPVP8X\u000a\0\0\0\0\0\0\0"u8.ToArray(), 100 * 1024 + 1);

    public static TheoryData<string, string, string, string?, int, string, string?> Cases => new()
    {
        // Credentials.
        { "none", "GET", "/api/status", null, 401, "unauthorized", null },
        { "bogus", "GET", "/api/status", null, 401, "unauthorized", null },
        { "rotated", "GET", "/api/status", null, 401, "unauthorized", null },
        { "none", "POST", "/api/messages/send", """{"to":"{peer}","text":"hi"}""", 401, "unauthorized", null },
        { "rotated", "POST", "/api/messages/send", """{"to":"{peer}","text":"hi"}""", 401, "unauthorized", null },
        { "garbage", "GET", "/api/chats", null, 401, "unauthorized", null },
        { "bogus", "GET", "/api/messages/recent", null, 401, "unauthorized", null },
        { "none", "GET", "/api/sessions", null, 401, "unauthorized", null },
        { "line-as-admin", "GET", "/api/sessions", null, 401, "unauthorized", null },
        { "none", "GET", "/api/sessions/{stopped}/events", null, 401, "unauthorized", null },

        // Malformed bodies.
        { "ready", "POST", "/api/messages/send", """{"to":""", 400, "invalid_request", null },
        { "ready", "POST", "/api/messages/send", "[]", 400, "invalid_request", null },
        { "ready", "POST", "/api/messages/send", "", 400, "invalid_request", null },
        { "ready", "POST", "/api/messages/send", "\"text\"", 400, "invalid_request", null },
        { "ready", "POST", "/api/messages/send", "null", 400, "invalid_request", null },
        { "ready", "POST", "/api/messages/send", """{"to":"{peer}","text":"hi"} x""", 400, "invalid_request", null },
        { "ready", "POST", "/api/messages/reply", "{'to':'x'}", 400, "invalid_request", null },

        // Missing fields and wrong types.
        { "ready", "POST", "/api/messages/send", "{}", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/send", """{"text":"hi"}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/send", """{"to":"{peer}"}""", 400, "invalid_request", "text" },
        { "ready", "POST", "/api/messages/send", """{"to":15550002222,"text":"hi"}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/send", """{"to":null,"text":"hi"}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/send", """{"to":"{peer}","text":5}""", 400, "invalid_request", "text" },
        { "ready", "POST", "/api/messages/send", """{"to":"{peer}","text":true}""", 400, "invalid_request", "text" },
        { "ready", "POST", "/api/messages/send", """{"to":"{peer}","text":{"a":1}}""", 400, "invalid_request", "text" },
        { "ready", "POST", "/api/messages/send", """{"to":"{peer}","text":""}""", 400, "invalid_request", "text" },
        { "ready", "POST", "/api/messages/send", """{"to":"{peer}","text":"   "}""", 400, "invalid_request", "text" },
        { "ready", "POST", "/api/messages/send", $$"""{"to":"{peer}","text":"{{LongText}}"}""", 400, "invalid_request", "text" },

        // Recipients.
        { "ready", "POST", "/api/messages/send", """{"to":"abc","text":"hi"}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/send", """{"to":"","text":"hi"}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/send", """{"to":"12345","text":"hi"}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/send", """{"to":"1234567890123456","text":"hi"}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/send", """{"to":"015550002222","text":"hi"}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/send", """{"to":"15550002222@example.com","text":"hi"}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/send", """{"to":"15550002222:3@s.whatsapp.net","text":"hi"}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/send", """{"to":"x@lid","text":"hi"}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/send", """{"to":"1203-6302-5246@g.us","text":"hi"}""", 400, "invalid_request", "to" },

        // Replies.
        { "ready", "POST", "/api/messages/reply", """{"to":"{peer}","text":"re"}""", 400, "invalid_request", "quoted_msg_id" },
        { "ready", "POST", "/api/messages/reply", """{"to":"{peer}","quoted_msg_id":"{inbound}"}""", 400, "invalid_request", "text" },
        { "ready", "POST", "/api/messages/reply", """{"to":"{peer}","text":"re","quoted_msg_id":"NOPE0000"}""", 404, "not_found", "quoted_msg_id" },
        { "ready", "POST", "/api/messages/reply", """{"to":"15550003333","text":"re","quoted_msg_id":"{inbound}"}""", 404, "not_found", "quoted_msg_id" },
        { "ready", "POST", "/api/messages/reply", """{"to":"{peer}","text":"re","quoted_msg_id":42}""", 400, "invalid_request", "quoted_msg_id" },

        // Reactions.
        { "ready", "POST", "/api/messages/reaction", """{"to":"{peer}","target_msg_id":"{inbound}"}""", 400, "invalid_request", "emoji" },
        { "ready", "POST", "/api/messages/reaction", """{"to":"{peer}","emoji":"ok","target_msg_id":"{inbound}"}""", 400, "invalid_request", "emoji" },
        { "ready", "POST", "/api/messages/reaction", """{"to":"{peer}","emoji":"👍👍","target_msg_id":"{inbound}"}""", 400, "invalid_request", "emoji" },
        { "ready", "POST", "/api/messages/reaction", """{"to":"{peer}","emoji":5,"target_msg_id":"{inbound}"}""", 400, "invalid_request", "emoji" },
        { "ready", "POST", "/api/messages/reaction", """{"to":"{peer}","emoji":"👍","target_msg_id":"NOPE0000"}""", 404, "not_found", "target_msg_id" },
        { "ready", "POST", "/api/messages/reaction", """{"to":"{peer}","emoji":"👍","target_msg_id":"a b"}""", 400, "invalid_request", "target_msg_id" },

        // Edits and deletes.
        { "ready", "POST", "/api/messages/edit", """{"to":"{peer}","text":"x"}""", 400, "invalid_request", "target_msg_id" },
        { "ready", "POST", "/api/messages/edit", """{"to":"{peer}","target_msg_id":"{ours}"}""", 400, "invalid_request", "text" },
        { "ready", "POST", "/api/messages/edit", """{"to":"{peer}","text":"x","target_msg_id":"{inbound}"}""", 400, "not_own_message", "target_msg_id" },
        { "ready", "POST", "/api/messages/edit", """{"to":"{peer}","text":"x","target_msg_id":"NOPE0000"}""", 404, "not_found", "target_msg_id" },
        { "ready", "POST", "/api/messages/edit", $$"""{"to":"{peer}","text":"{{LongText}}","target_msg_id":"{ours}"}""", 400, "invalid_request", "text" },
        { "ready", "POST", "/api/messages/delete", """{"to":"{peer}","target_msg_id":"{inbound}"}""", 400, "not_own_message", "target_msg_id" },
        { "ready", "POST", "/api/messages/delete", """{"to":"{peer}","target_msg_id":"NOPE0000"}""", 404, "not_found", "target_msg_id" },
        { "ready", "POST", "/api/messages/delete", """{"to":"{peer}"}""", 400, "invalid_request", "target_msg_id" },
        { "ready", "POST", "/api/messages/delete", """{"to":"{peer}","target_msg_id":7}""", 400, "invalid_request", "target_msg_id" },

        // Lines that cannot send.
        { "stopped", "POST", "/api/messages/send", """{"to":"{peer}","text":"hi"}""", 403, "not_connected", null },
        { "unpaired", "POST", "/api/messages/send", """{"to":"{peer}","text":"hi"}""", 403, "not_connected", null },
        { "stopped", "POST", "/api/messages/reaction", """{"to":"{peer}","emoji":"👍","target_msg_id":"X"}""", 403, "not_connected", null },
        { "unpaired", "POST", "/api/messages/delete", """{"to":"{peer}","target_msg_id":"X"}""", 403, "not_connected", null },

        // Reads.
        { "ready", "GET", "/api/messages/NOPE0000", null, 404, "not_found", "msg_id" },
        { "ready", "GET", "/api/messages/recent?limit=0", null, 400, "invalid_request", "limit" },
        { "ready", "GET", "/api/messages/recent?limit=101", null, 400, "invalid_request", "limit" },
        { "ready", "GET", "/api/messages/recent?limit=abc", null, 400, "invalid_request", "limit" },
        { "ready", "GET", "/api/history", null, 400, "invalid_request", "jid" },
        { "ready", "GET", "/api/history?jid=abc", null, 400, "invalid_request", "jid" },
        { "ready", "GET", "/api/history?jid=15550002222&limit=501", null, 400, "invalid_request", "limit" },
        { "ready", "GET", "/api/history?jid=15550002222&limit=-1", null, 400, "invalid_request", "limit" },
        { "ready", "GET", "/api/history?jid=15559999999", null, 404, "not_found", "jid" },
        { "ready", "GET", "/api/chats?limit=0", null, 400, "invalid_request", "limit" },
        { "ready", "GET", "/api/chats?limit=x", null, 400, "invalid_request", "limit" },
        { "ready", "GET", "/api/media/NOPE0000", null, 404, "not_found", "msg_id" },
        { "ready", "GET", "/api/media/{inbound}", null, 404, "no_media", "msg_id" },

        // Media sends: refused before anything is uploaded (nothing reaches the peer, see the last test).
        { "ready", "POST", "/api/messages/image", """{"to":"{peer}","mimetype":"image/png"}""", 400, "invalid_request", "file" },
        { "ready", "POST", "/api/messages/image", $$"""{"to":"{peer}","mimetype":"image/png","file":"{{Png}}","url":"https://example.com/a.png"}""", 400, "invalid_request", "file" },
        { "ready", "POST", "/api/messages/image", $$"""{"to":"{peer}","file":"{{Png}}"}""", 400, "invalid_request", "mimetype" },
        { "ready", "POST", "/api/messages/image", $$"""{"mimetype":"image/png","file":"{{Png}}"}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/image", $$"""{"to":"abc","mimetype":"image/png","file":"{{Png}}"}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/image", $$"""{"to":"team@g.us","mimetype":"image/png","file":"{{Png}}"}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/image", """{"to":"{peer}","mimetype":"image/png","file":"not base64!"}""", 400, "invalid_request", "file" },
        { "ready", "POST", "/api/messages/image", """{"to":"{peer}","mimetype":"image/png","file":"iVBO@@@@AAAA"}""", 400, "invalid_request", "file" },
        { "ready", "POST", "/api/messages/image", """{"to":"{peer}","mimetype":"image/png","file":5}""", 400, "invalid_request", "file" },
        { "ready", "POST", "/api/messages/image", """{"to":"{peer}","mimetype":"image/png","file":""}""", 400, "invalid_request", "file" },
        { "ready", "POST", "/api/messages/image", """{"to":"{peer}","mimetype":"image/png","file":"data:image/png,iVBORw0K"}""", 400, "invalid_request", "file" },
        { "ready", "POST", "/api/messages/image", $$"""{"to":"{peer}","mimetype":"image/png","file":"{{Pdf}}"}""", 400, "invalid_request", "file" },
        { "ready", "POST", "/api/messages/image", $$"""{"to":"{peer}","mimetype":"image/jpeg","file":"{{Png}}"}""", 400, "invalid_request", "file" },
        { "ready", "POST", "/api/messages/image", $$"""{"to":"{peer}","mimetype":"application/pdf","file":"{{Pdf}}"}""", 400, "invalid_request", "mimetype" },
        { "ready", "POST", "/api/messages/image", $$"""{"to":"{peer}","mimetype":"png","file":"{{Png}}"}""", 400, "invalid_request", "mimetype" },
        { "ready", "POST", "/api/messages/image", $$"""{"to":"{peer}","mimetype":"image/png","file":"{{Png}}","caption":7}""", 400, "invalid_request", "caption" },
        { "ready", "POST", "/api/messages/image", $$"""{"to":"{peer}","mimetype":"image/png","file":"{{Png}}","caption":"{{LongText}}"}""", 400, "invalid_request", "caption" },
        { "ready", "POST", "/api/messages/image", $$"""{"to":"{peer}","mimetype":"image/png","file":"{{Png}}","quoted_msg_id":"NOPE0000"}""", 404, "not_found", "quoted_msg_id" },
        { "ready", "POST", "/api/messages/video", $$"""{"to":"{peer}","mimetype":"video/mp4","file":"{{Png}}"}""", 400, "invalid_request", "file" },
        { "ready", "POST", "/api/messages/video", $$"""{"to":"{peer}","mimetype":"image/png","file":"{{Png}}"}""", 400, "invalid_request", "mimetype" },
        { "ready", "POST", "/api/messages/audio", $$"""{"to":"{peer}","mimetype":"audio/ogg","file":"{{Ogg}}","ptt":"yes"}""", 400, "invalid_request", "ptt" },
        { "ready", "POST", "/api/messages/audio", $$"""{"to":"{peer}","mimetype":"audio/ogg","file":"{{Ogg}}","caption":"hi"}""", 400, "invalid_request", "caption" },
        { "ready", "POST", "/api/messages/audio", $$"""{"to":"{peer}","mimetype":"audio/amr","file":"{{Ogg}}"}""", 400, "invalid_request", "file" },
        { "ready", "POST", "/api/messages/sticker", $$"""{"to":"{peer}","mimetype":"image/webp","file":"{{WebP}}","caption":"hi"}""", 400, "invalid_request", "caption" },
        { "ready", "POST", "/api/messages/sticker", $$"""{"to":"{peer}","mimetype":"image/png","file":"{{Png}}"}""", 400, "invalid_request", "mimetype" },
        { "ready", "POST", "/api/messages/sticker", $$"""{"to":"{peer}","mimetype":"image/webp","file":"{{BigStaticWebP}}"}""", 413, "too_large", "file" },
        { "ready", "POST", "/api/messages/document", $$"""{"to":"{peer}","mimetype":"application/pdf","file":"{{Pdf}}","filename":"a/b.pdf"}""", 400, "invalid_request", "filename" },
        { "ready", "POST", "/api/messages/document", $$"""{"to":"{peer}","mimetype":"application/pdf","file":"{{Pdf}}","filename":" "}""", 400, "invalid_request", "filename" },
        { "ready", "POST", "/api/messages/document", $$"""{"to":"{peer}","mimetype":"application/pdf","file":"{{Png}}","filename":"a.pdf"}""", 400, "invalid_request", "file" },
        { "ready", "POST", "/api/messages/document", """{"to":"{peer}","mimetype":"application/pdf","url":5}""", 400, "invalid_request", "url" },

        // Media URLs: refused by scheme, credentials or the address they reach (link-local and metadata in any spelling).
        { "ready", "POST", "/api/messages/document", """{"to":"{peer}","mimetype":"application/pdf","url":"ftp://example.com/a.pdf"}""", 400, "invalid_request", "url" },
        { "ready", "POST", "/api/messages/document", """{"to":"{peer}","mimetype":"application/pdf","url":"file:///etc/passwd"}""", 400, "invalid_request", "url" },
        { "ready", "POST", "/api/messages/document", """{"to":"{peer}","mimetype":"application/pdf","url":"a.pdf"}""", 400, "invalid_request", "url" },
        { "ready", "POST", "/api/messages/document", """{"to":"{peer}","mimetype":"application/pdf","url":"http://user:pw@example.com/a.pdf"}""", 400, "invalid_request", "url" },
        { "ready", "POST", "/api/messages/document", """{"to":"{peer}","mimetype":"application/pdf","url":"http://127.0.0.1:9/a.pdf"}""", 400, "invalid_request", "url" },
        { "ready", "POST", "/api/messages/document", """{"to":"{peer}","mimetype":"application/pdf","url":"http://localhost:9/a.pdf"}""", 400, "invalid_request", "url" },
        { "ready", "POST", "/api/messages/document", """{"to":"{peer}","mimetype":"application/pdf","url":"http://10.1.2.3/a.pdf"}""", 400, "invalid_request", "url" },
        { "ready", "POST", "/api/messages/document", """{"to":"{peer}","mimetype":"application/pdf","url":"http://169.254.169.254/latest/meta-data/"}""", 400, "invalid_request", "url" },
        { "ready", "POST", "/api/messages/document", """{"to":"{peer}","mimetype":"application/pdf","url":"http://2852039166/"}""", 400, "invalid_request", "url" },
        { "ready", "POST", "/api/messages/document", """{"to":"{peer}","mimetype":"application/pdf","url":"http://0251.0376.0251.0376/"}""", 400, "invalid_request", "url" },
        { "ready", "POST", "/api/messages/document", """{"to":"{peer}","mimetype":"application/pdf","url":"http://0xa9fea9fe/"}""", 400, "invalid_request", "url" },
        { "ready", "POST", "/api/messages/document", """{"to":"{peer}","mimetype":"application/pdf","url":"http://[::ffff:169.254.169.254]/"}""", 400, "invalid_request", "url" },
        { "ready", "POST", "/api/messages/document", """{"to":"{peer}","mimetype":"application/pdf","url":"http://[::ffff:a9fe:a9fe]/"}""", 400, "invalid_request", "url" },
        { "ready", "POST", "/api/messages/document", """{"to":"{peer}","mimetype":"application/pdf","url":"http://[fe80::1]/"}""", 400, "invalid_request", "url" },
        { "ready", "POST", "/api/messages/document", """{"to":"{peer}","mimetype":"application/pdf","url":"http://100.100.100.200/"}""", 400, "invalid_request", "url" },

        // Media for lines that cannot send, and without a token.
        { "stopped", "POST", "/api/messages/image", $$"""{"to":"{peer}","mimetype":"image/png","file":"{{Png}}"}""", 403, "not_connected", null },
        { "unpaired", "POST", "/api/messages/document", $$"""{"to":"{peer}","mimetype":"application/pdf","file":"{{Pdf}}"}""", 403, "not_connected", null },
        { "none", "POST", "/api/messages/image", $$"""{"to":"{peer}","mimetype":"image/png","file":"{{Png}}"}""", 401, "unauthorized", null },
        { "ready", "GET", "/api/media/{ours}", null, 404, "no_media", "msg_id" },

        // Idempotency keys.
        { "ready+key:has space", "POST", "/api/messages/send", """{"to":"{peer}","text":"hi"}""", 400, "invalid_request", "Idempotency-Key" },
        { "ready+key:" + new string('k', 256), "POST", "/api/messages/send", """{"to":"{peer}","text":"hi"}""", 400, "invalid_request", "Idempotency-Key" },

        // Reply routing state (CONTRACT §3c).
        { "none", "PUT", "/api/state/{peer}", """{"handler":"h","ttl_seconds":60}""", 401, "unauthorized", null },
        { "ready", "PUT", "/api/state/{peer}", "{}", 400, "invalid_request", "handler" },
        { "ready", "PUT", "/api/state/{peer}", """{"handler":"h"}""", 400, "invalid_request", "ttl_seconds" },
        { "ready", "PUT", "/api/state/{peer}", """{"handler":"  ","ttl_seconds":60}""", 400, "invalid_request", "handler" },
        { "ready", "PUT", "/api/state/{peer}", $$"""{"handler":"{{new string('h', 101)}}","ttl_seconds":60}""", 400, "invalid_request", "handler" },
        { "ready", "PUT", "/api/state/{peer}", """{"handler":7,"ttl_seconds":60}""", 400, "invalid_request", "handler" },
        { "ready", "PUT", "/api/state/{peer}", """{"handler":"h","ttl_seconds":59}""", 400, "invalid_request", "ttl_seconds" },
        { "ready", "PUT", "/api/state/{peer}", """{"handler":"h","ttl_seconds":86401}""", 400, "invalid_request", "ttl_seconds" },
        { "ready", "PUT", "/api/state/{peer}", """{"handler":"h","ttl_seconds":"600"}""", 400, "invalid_request", "ttl_seconds" },
        { "ready", "PUT", "/api/state/{peer}", """{"handler":"h","ttl_seconds":600.5}""", 400, "invalid_request", "ttl_seconds" },
        { "ready", "PUT", "/api/state/{peer}", """{"handler":"h","ttl_seconds":600,"context":"x"}""", 400, "invalid_request", "context" },
        { "ready", "PUT", "/api/state/{peer}", """{"handler":"h","ttl_seconds":600,"context":[1]}""", 400, "invalid_request", "context" },
        { "ready", "PUT", "/api/state/{peer}", $$$"""{"handler":"h","ttl_seconds":600,"context":{"big":"{{{new string('x', 17000)}}}"}}""", 400, "invalid_request", "context" },
        { "ready", "PUT", "/api/state/{peer}", "[]", 400, "invalid_request", null },
        { "ready", "PUT", "/api/state/abc", """{"handler":"h","ttl_seconds":600}""", 400, "invalid_request", "jid" },
        { "ready", "PUT", "/api/state/120363025246125888@g.us", """{"handler":"h","ttl_seconds":600}""", 400, "invalid_request", "jid" },
        { "ready", "GET", "/api/state/15550009999", null, 404, "not_found", "jid" },
        { "ready", "POST", "/api/messages/send", """{"to":"{peer}","text":"hi","state":"x"}""", 400, "invalid_request", "state" },
        { "ready", "POST", "/api/messages/send", """{"to":"{peer}","text":"hi","state":{"ttl_seconds":600}}""", 400, "invalid_request", "state.handler" },
        { "ready", "POST", "/api/messages/send", """{"to":"{peer}","text":"hi","state":{"handler":"h","ttl_seconds":5}}""", 400, "invalid_request", "state.ttl_seconds" },
        { "ready", "POST", "/api/messages/reply", """{"to":"{peer}","text":"re","quoted_msg_id":"{inbound}","state":{"handler":" ","ttl_seconds":600}}""", 400, "invalid_request", "state.handler" },
        { "ready", "POST", "/api/messages/reaction", """{"to":"{peer}","emoji":"👍","target_msg_id":"{inbound}","state":{"handler":"h","ttl_seconds":600,"context":1}}""", 400, "invalid_request", "state.context" },

        // Groups (CONTRACT §3b): route JIDs, bodies, and groups the line is not in.
        { "ready", "GET", "/api/groups/abc", null, 400, "invalid_request", "jid" },
        { "ready", "GET", "/api/groups/15550002222@s.whatsapp.net", null, 400, "invalid_request", "jid" },
        { "ready", "GET", "/api/groups/12-34-56@g.us", null, 400, "invalid_request", "jid" },
        { "ready", "GET", "/api/groups/120363025246125888@g.us", null, 404, "not_found", "jid" },
        { "stopped", "GET", "/api/groups/120363025246125888@g.us", null, 403, "not_connected", null },
        { "ready", "POST", "/api/groups", "{}", 400, "invalid_request", "subject" },
        { "ready", "POST", "/api/groups", "[]", 400, "invalid_request", null },
        { "ready", "POST", "/api/groups", """{"subject":"Team"}""", 400, "invalid_request", "participants" },
        { "ready", "POST", "/api/groups", """{"subject":"   ","participants":[]}""", 400, "invalid_request", "subject" },
        { "ready", "POST", "/api/groups", $$"""{"subject":"{{new string('s', 101)}}","participants":[]}""", 400, "invalid_request", "subject" },
        { "ready", "POST", "/api/groups", """{"subject":"Team","participants":"15550002222"}""", 400, "invalid_request", "participants" },
        { "ready", "POST", "/api/groups", """{"subject":"Team","participants":[15550002222]}""", 400, "invalid_request", "participants" },
        { "ready", "POST", "/api/groups", """{"subject":"Team","participants":["abc"]}""", 400, "invalid_request", "participants" },
        { "ready", "POST", "/api/groups", """{"subject":"Team","participants":["120363025246125888@g.us"]}""", 400, "invalid_request", "participants" },
        { "ready", "PUT", "/api/groups/120363025246125888@g.us", "{}", 400, "invalid_request", "subject" },
        { "ready", "PUT", "/api/groups/120363025246125888@g.us", """{"subject":""}""", 400, "invalid_request", "subject" },
        { "ready", "PUT", "/api/groups/120363025246125888@g.us", """{"announce":"yes"}""", 400, "invalid_request", "announce" },
        { "ready", "PUT", "/api/groups/120363025246125888@g.us", $$"""{"description":"{{new string('d', 2049)}}"}""", 400, "invalid_request", "description" },
        { "ready", "PUT", "/api/groups/120363025246125888@g.us", """{"subject":"New name"}""", 404, "not_found", "jid" },
        { "ready", "POST", "/api/groups/120363025246125888@g.us/participants", """{"action":"kick","participants":["{peer}"]}""", 400, "invalid_request", "action" },
        { "ready", "POST", "/api/groups/120363025246125888@g.us/participants", """{"action":"add","participants":[]}""", 400, "invalid_request", "participants" },
        { "ready", "POST", "/api/groups/120363025246125888@g.us/participants", """{"participants":["{peer}"]}""", 400, "invalid_request", "action" },
        { "ready", "POST", "/api/groups/120363025246125888@g.us/participants", """{"action":"add","participants":["{peer}"]}""", 404, "not_found", "jid" },
        { "ready", "GET", "/api/groups/120363025246125888@g.us/invite", null, 404, "not_found", "jid" },
        { "ready", "POST", "/api/groups/120363025246125888@g.us/invite/revoke", null, 404, "not_found", "jid" },
        { "ready", "POST", "/api/groups/120363025246125888@g.us/leave", null, 404, "not_found", "jid" },
        { "ready", "POST", "/api/groups/join", "{}", 400, "invalid_request", "code" },
        { "ready", "POST", "/api/groups/join", """{"code":"not a code!"}""", 400, "invalid_request", "code" },
        { "ready", "POST", "/api/groups/join", """{"code":"https://example.com/AAAAAAAAAAAAAAAAAAAAAA"}""", 400, "invalid_request", "code" },
        { "ready", "POST", "/api/groups/join", """{"code":"https://chat.whatsapp.com/AAAAAAAAAAAAAAAAAAAAAA"}""", 404, "not_found", "code" },

        // Admin API.
        { "admin", "GET", "/api/sessions/999/events", null, 404, "not_found", "id" },
        { "admin", "POST", "/api/sessions/{stopped}/pairing-code", """{"phone":"call me"}""", 400, "invalid_request", "phone" },
        { "admin", "POST", "/api/sessions", """{"name":""}""", 400, "invalid_request", "name" },
        { "admin", "POST", "/api/sessions/{stopped}/logout", null, 409, "wrong_state", null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_gets_the_contract_error(string caller, string method, string path, string? body, int status, string code, string? param)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), Fill(path));
        Authorize(request, caller);
        if (body is not null)
        {
            request.Content = new StringContent(Fill(body), Encoding.UTF8, "application/json");
        }

        var response = await fixture.Service.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{method} {path} {body}: expected {status}, got {(int)response.StatusCode} {text}");
        var error = JsonNode.Parse(text)!;
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Equal(param, error["param"]?.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["error"]!.GetValue<string>()));
        Assert.False(string.IsNullOrWhiteSpace(error["request_id"]!.GetValue<string>()));
    }

    [Fact]
    public void The_table_has_at_least_sixty_cases() => Assert.True(Cases.Count() >= 60, $"{Cases.Count()} cases");

    [Fact]
    public async Task Nothing_a_refused_send_carried_reached_the_peer()
    {
        var inbox = await ApiClients.PhoneInboxAsync(fixture.Service, LineApiFixture.PeerPhone);
        Assert.All(inbox, m => Assert.Equal("hello peer", m!["body"]?.GetValue<string>()));
        using var line = ApiClients.Line(fixture.Service, fixture.ReadyToken);
        var recent = (await line.GetFromJsonAsync<JsonArray>("/api/messages/recent?limit=100"))!;
        Assert.Single(recent, m => m!["from_me"]!.GetValue<bool>());
    }

    private static string Fixed(byte[] head, int length)
    {
        var file = new byte[length];
        for (var i = 0; i < length; i++)
        {
            file[i] = (byte)(i * 31 % 251);
        }

        head.CopyTo(file, 0);
        return Convert.ToBase64String(file);
    }

    private string Fill(string text) => text
        .Replace("{peer}", LineApiFixture.PeerJid, StringComparison.Ordinal)
        .Replace("{inbound}", fixture.InboundMsgId, StringComparison.Ordinal)
        .Replace("{ours}", fixture.OwnMsgId, StringComparison.Ordinal)
        .Replace("{stopped}", fixture.StoppedId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private void Authorize(HttpRequestMessage request, string caller)
    {
        var key = caller.Split("+key:", 2);
        if (key.Length == 2)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key[1]);
        }

        switch (key[0])
        {
            case "ready": request.Headers.TryAddWithoutValidation("X-API-Token", fixture.ReadyToken); break;
            case "stopped": request.Headers.TryAddWithoutValidation("X-API-Token", fixture.StoppedToken); break;
            case "unpaired": request.Headers.TryAddWithoutValidation("X-API-Token", fixture.UnpairedToken); break;
            case "rotated": request.Headers.TryAddWithoutValidation("X-API-Token", fixture.RotatedToken); break;
            case "bogus": request.Headers.TryAddWithoutValidation("X-API-Token", "wae_" + new string('A', 43)); break;
            case "garbage": request.Headers.TryAddWithoutValidation("X-API-Token", "not a token"); break;
            case "line-as-admin": request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + fixture.ReadyToken); break;
            case "admin": request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + File.ReadAllText(Path.Combine(fixture.DataFolder, "admin.key"))); break;
            case "none": break;
            default: throw new ArgumentException($"Unknown caller {caller}.", nameof(caller));
        }
    }
}
