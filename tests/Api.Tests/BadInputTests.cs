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
    private static readonly string OverLimitJpeg = Fixed([0xFF, 0xD8, 0xFF, 0xE0], 5 * 1024 * 1024 + 1);
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
        { "ready", "POST", "/api/messages/image", $$"""{"to":"{peer}","mimetype":"image/jpeg","file":"{{OverLimitJpeg}}"}""", 413, "too_large", "file" },
        { "ready", "POST", "/api/messages/document", $$"""{"to":"{peer}","mimetype":"application/pdf","file":"{{Pdf}}","filename":"a/b.pdf"}""", 400, "invalid_request", "filename" },
        { "ready", "POST", "/api/messages/document", $$"""{"to":"{peer}","mimetype":"application/pdf","file":"{{Pdf}}","filename":" "}""", 400, "invalid_request", "filename" },
        { "ready", "POST", "/api/messages/document", $$"""{"to":"{peer}","mimetype":"application/pdf","file":"{{Pdf}}","filename":"a.pdf\r\nX-Injected: 1"}""", 400, "invalid_request", "filename" },
        { "ready", "POST", "/api/messages/document", $$"""{"to":"{peer}","mimetype":"application/pdf","file":"{{Pdf}}","filename":"a\u0000.pdf"}""", 400, "invalid_request", "filename" },
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

        // Location, contact card and poll sends (issue #16).
        { "ready", "POST", "/api/messages/location", "{}", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/location", """{"to":"{peer}","longitude":13.4}""", 400, "invalid_request", "latitude" },
        { "ready", "POST", "/api/messages/location", """{"to":"{peer}","latitude":52.5}""", 400, "invalid_request", "longitude" },
        { "ready", "POST", "/api/messages/location", """{"to":"{peer}","latitude":"52.5","longitude":13.4}""", 400, "invalid_request", "latitude" },
        { "ready", "POST", "/api/messages/location", """{"to":"{peer}","latitude":90.5,"longitude":13.4}""", 400, "invalid_request", "latitude" },
        { "ready", "POST", "/api/messages/location", """{"to":"{peer}","latitude":52.5,"longitude":-180.01}""", 400, "invalid_request", "longitude" },
        { "ready", "POST", "/api/messages/location", """{"to":"{peer}","latitude":52.5,"longitude":13.4,"name":7}""", 400, "invalid_request", "name" },
        { "ready", "POST", "/api/messages/location", $$"""{"to":"{peer}","latitude":52.5,"longitude":13.4,"address":"{{new string('a', 1001)}}"}""", 400, "invalid_request", "address" },
        { "ready", "POST", "/api/messages/location", """{"to":"abc","latitude":52.5,"longitude":13.4}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/location", """{"to":"{peer}","latitude":52.5,"longitude":13.4,"state":{"handler":"x"}}""", 400, "invalid_request", "state.ttl_seconds" },
        { "ready", "POST", "/api/messages/contact", """{"to":"{peer}"}""", 400, "invalid_request", "name" },
        { "ready", "POST", "/api/messages/contact", """{"to":"{peer}","name":"Jane"}""", 400, "invalid_request", "phone" },
        { "ready", "POST", "/api/messages/contact", """{"to":"{peer}","name":"  ","phone":"+15550001111"}""", 400, "invalid_request", "name" },
        { "ready", "POST", "/api/messages/contact", """{"to":"{peer}","name":"Jane","phone":"call me"}""", 400, "invalid_request", "phone" },
        { "ready", "POST", "/api/messages/contact", """{"to":"{peer}","name":"Jane","phone":"123"}""", 400, "invalid_request", "phone" },
        { "ready", "POST", "/api/messages/contact", """{"to":"{peer}","name":"Jane","phone":"5@lid"}""", 400, "invalid_request", "phone" },
        { "ready", "POST", "/api/messages/contact", """{"to":"{peer}","name":"Jane","phone":15550001111}""", 400, "invalid_request", "phone" },
        { "ready", "POST", "/api/messages/contact", """{"to":"{peer}","name":"Jane","vcard":"BEGIN:VCARD\nVERSION:3.0\nFN:Jane\nEND:VCARD"}""", 400, "invalid_request", "name" },
        { "ready", "POST", "/api/messages/contact", """{"to":"{peer}","vcard":"FN:Jane"}""", 400, "invalid_request", "vcard" },
        { "ready", "POST", "/api/messages/contact", """{"to":"{peer}","vcard":"BEGIN:VCARD\nVERSION:3.0\nFN:Jane"}""", 400, "invalid_request", "vcard" },
        { "ready", "POST", "/api/messages/contact", """{"to":"{peer}","vcard":"BEGIN:VCARD\nVERSION:3.0\nTEL:+1555\nEND:VCARD"}""", 400, "invalid_request", "vcard" },
        { "ready", "POST", "/api/messages/contact", """{"to":"{peer}","vcard":"BEGIN:VCARD\nFN:Jane\nEND:VCARD"}""", 400, "invalid_request", "vcard" },
        { "ready", "POST", "/api/messages/contact", """{"to":"{peer}","vcard":"BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:B\nEND:VCARD"}""", 400, "invalid_request", "vcard" },
        { "ready", "POST", "/api/messages/contact", $$"""{"to":"{peer}","vcard":"{{new string('v', 10001)}}"}""", 400, "invalid_request", "vcard" },
        { "ready", "POST", "/api/messages/poll", """{"to":"{peer}","options":["a","b"]}""", 400, "invalid_request", "question" },
        { "ready", "POST", "/api/messages/poll", """{"to":"{peer}","question":" ","options":["a","b"]}""", 400, "invalid_request", "question" },
        { "ready", "POST", "/api/messages/poll", """{"to":"{peer}","question":"Q?"}""", 400, "invalid_request", "options" },
        { "ready", "POST", "/api/messages/poll", """{"to":"{peer}","question":"Q?","options":"a,b"}""", 400, "invalid_request", "options" },
        { "ready", "POST", "/api/messages/poll", """{"to":"{peer}","question":"Q?","options":["a",2]}""", 400, "invalid_request", "options" },
        { "ready", "POST", "/api/messages/poll", """{"to":"{peer}","question":"Q?","options":["only"]}""", 400, "invalid_request", "options" },
        { "ready", "POST", "/api/messages/poll", """{"to":"{peer}","question":"Q?","options":["1","2","3","4","5","6","7","8","9","10","11","12","13"]}""", 400, "invalid_request", "options" },
        { "ready", "POST", "/api/messages/poll", """{"to":"{peer}","question":"Q?","options":["a"," a "]}""", 400, "invalid_request", "options" },
        { "ready", "POST", "/api/messages/poll", """{"to":"{peer}","question":"Q?","options":["a",""]}""", 400, "invalid_request", "options" },
        { "ready", "POST", "/api/messages/poll", $$"""{"to":"{peer}","question":"Q?","options":["a","{{new string('o', 101)}}"]}""", 400, "invalid_request", "options" },
        { "ready", "POST", "/api/messages/poll", $$"""{"to":"{peer}","question":"{{new string('q', 256)}}","options":["a","b"]}""", 400, "invalid_request", "question" },
        { "ready", "POST", "/api/messages/poll", """{"to":"{peer}","question":"Q?","options":["a","b"],"multiple":"yes"}""", 400, "invalid_request", "multiple" },
        { "ready", "POST", "/api/messages/send", """{"to":"{peer}","text":"see https://example.com","link_preview":"yes"}""", 400, "invalid_request", "link_preview" },
        { "ready", "POST", "/api/messages/send", """{"to":"{peer}","text":"see https://example.com","link_preview":1}""", 400, "invalid_request", "link_preview" },
        { "stopped", "POST", "/api/messages/location", """{"to":"{peer}","latitude":1,"longitude":2}""", 403, "not_connected", null },
        { "unpaired", "POST", "/api/messages/contact", """{"to":"{peer}","name":"Jane","phone":"+15550001111"}""", 403, "not_connected", null },
        { "stopped", "POST", "/api/messages/poll", """{"to":"{peer}","question":"Q?","options":["a","b"]}""", 403, "not_connected", null },
        { "none", "POST", "/api/messages/poll", """{"to":"{peer}","question":"Q?","options":["a","b"]}""", 401, "unauthorized", null },

        // Idempotency keys.
        { "ready+key:has space", "POST", "/api/messages/send", """{"to":"{peer}","text":"hi"}""", 400, "invalid_request", "Idempotency-Key" },
        { "ready+key:" + new string('k', 256), "POST", "/api/messages/send", """{"to":"{peer}","text":"hi"}""", 400, "invalid_request", "Idempotency-Key" },

        // Read receipts (POST /api/messages/read).
        { "none", "POST", "/api/messages/read", """{"to":"{peer}"}""", 401, "unauthorized", null },
        { "ready", "POST", "/api/messages/read", "{}", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/read", """{"to":5}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/read", """{"to":"not a number"}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/messages/read", """{"to":"{peer}","msg_ids":"{inbound}"}""", 400, "invalid_request", "msg_ids" },
        { "ready", "POST", "/api/messages/read", """{"to":"{peer}","msg_ids":[]}""", 400, "invalid_request", "msg_ids" },
        { "ready", "POST", "/api/messages/read", """{"to":"{peer}","msg_ids":[7]}""", 400, "invalid_request", "msg_ids" },
        { "ready", "POST", "/api/messages/read", """{"to":"{peer}","msg_ids":["has space"]}""", 400, "invalid_request", "msg_ids" },
        { "ready", "POST", "/api/messages/read", """{"to":"{peer}","msg_ids":[""]}""", 400, "invalid_request", "msg_ids" },
        { "ready", "POST", "/api/messages/read", """{"to":"{peer}","msg_ids":["i0","i1","i2","i3","i4","i5","i6","i7","i8","i9","i10","i11","i12","i13","i14","i15","i16","i17","i18","i19","i20","i21","i22","i23","i24","i25","i26","i27","i28","i29","i30","i31","i32","i33","i34","i35","i36","i37","i38","i39","i40","i41","i42","i43","i44","i45","i46","i47","i48","i49","i50","i51","i52","i53","i54","i55","i56","i57","i58","i59","i60","i61","i62","i63","i64","i65","i66","i67","i68","i69","i70","i71","i72","i73","i74","i75","i76","i77","i78","i79","i80","i81","i82","i83","i84","i85","i86","i87","i88","i89","i90","i91","i92","i93","i94","i95","i96","i97","i98","i99","i100","i101","i102","i103","i104","i105","i106","i107","i108","i109","i110","i111","i112","i113","i114","i115","i116","i117","i118","i119","i120","i121","i122","i123","i124","i125","i126","i127","i128","i129","i130","i131","i132","i133","i134","i135","i136","i137","i138","i139","i140","i141","i142","i143","i144","i145","i146","i147","i148","i149","i150","i151","i152","i153","i154","i155","i156","i157","i158","i159","i160","i161","i162","i163","i164","i165","i166","i167","i168","i169","i170","i171","i172","i173","i174","i175","i176","i177","i178","i179","i180","i181","i182","i183","i184","i185","i186","i187","i188","i189","i190","i191","i192","i193","i194","i195","i196","i197","i198","i199","i200","i201","i202","i203","i204","i205","i206","i207","i208","i209","i210","i211","i212","i213","i214","i215","i216","i217","i218","i219","i220","i221","i222","i223","i224","i225","i226","i227","i228","i229","i230","i231","i232","i233","i234","i235","i236","i237","i238","i239","i240","i241","i242","i243","i244","i245","i246","i247","i248","i249","i250","i251","i252","i253","i254","i255","i256","i257","i258","i259","i260","i261","i262","i263","i264","i265","i266","i267","i268","i269","i270","i271","i272","i273","i274","i275","i276","i277","i278","i279","i280","i281","i282","i283","i284","i285","i286","i287","i288","i289","i290","i291","i292","i293","i294","i295","i296","i297","i298","i299","i300","i301","i302","i303","i304","i305","i306","i307","i308","i309","i310","i311","i312","i313","i314","i315","i316","i317","i318","i319","i320","i321","i322","i323","i324","i325","i326","i327","i328","i329","i330","i331","i332","i333","i334","i335","i336","i337","i338","i339","i340","i341","i342","i343","i344","i345","i346","i347","i348","i349","i350","i351","i352","i353","i354","i355","i356","i357","i358","i359","i360","i361","i362","i363","i364","i365","i366","i367","i368","i369","i370","i371","i372","i373","i374","i375","i376","i377","i378","i379","i380","i381","i382","i383","i384","i385","i386","i387","i388","i389","i390","i391","i392","i393","i394","i395","i396","i397","i398","i399","i400","i401","i402","i403","i404","i405","i406","i407","i408","i409","i410","i411","i412","i413","i414","i415","i416","i417","i418","i419","i420","i421","i422","i423","i424","i425","i426","i427","i428","i429","i430","i431","i432","i433","i434","i435","i436","i437","i438","i439","i440","i441","i442","i443","i444","i445","i446","i447","i448","i449","i450","i451","i452","i453","i454","i455","i456","i457","i458","i459","i460","i461","i462","i463","i464","i465","i466","i467","i468","i469","i470","i471","i472","i473","i474","i475","i476","i477","i478","i479","i480","i481","i482","i483","i484","i485","i486","i487","i488","i489","i490","i491","i492","i493","i494","i495","i496","i497","i498","i499","i500"]}""", 400, "invalid_request", "msg_ids" },
        { "ready", "POST", "/api/messages/read", """{"to":"{peer}","msg_ids":["3EB0NOSUCHMESSAGE"]}""", 404, "not_found", "msg_ids" },
        { "ready", "POST", "/api/messages/read", """{"to":"{peer}","msg_ids":["{ours}"]}""", 404, "not_found", "msg_ids" },
        { "ready", "POST", "/api/messages/read", """{"to":"+1 555 000 9999"}""", 404, "not_found", "to" },
        { "stopped", "POST", "/api/messages/read", """{"to":"{peer}"}""", 403, "not_connected", null },
        { "unpaired", "POST", "/api/messages/read", """{"to":"{peer}"}""", 403, "not_connected", null },

        // Typing, presence and presence subscriptions.
        { "none", "POST", "/api/chats/typing", """{"to":"{peer}","state":"composing"}""", 401, "unauthorized", null },
        { "ready", "POST", "/api/chats/typing", "{}", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/chats/typing", """{"to":"{peer}"}""", 400, "invalid_request", "state" },
        { "ready", "POST", "/api/chats/typing", """{"to":"{peer}","state":"typing"}""", 400, "invalid_request", "state" },
        { "ready", "POST", "/api/chats/typing", """{"to":"{peer}","state":1}""", 400, "invalid_request", "state" },
        { "ready", "POST", "/api/chats/typing", """{"to":"@lid","state":"paused"}""", 400, "invalid_request", "to" },
        { "stopped", "POST", "/api/chats/typing", """{"to":"{peer}","state":"composing"}""", 403, "not_connected", null },
        { "unpaired", "POST", "/api/chats/typing", """{"to":"{peer}","state":"composing"}""", 403, "not_connected", null },
        { "none", "POST", "/api/presence", """{"state":"available"}""", 401, "unauthorized", null },
        { "ready", "POST", "/api/presence", "{}", 400, "invalid_request", "state" },
        { "ready", "POST", "/api/presence", """{"state":"online"}""", 400, "invalid_request", "state" },
        { "ready", "POST", "/api/presence", """{"state":true}""", 400, "invalid_request", "state" },
        { "ready", "POST", "/api/presence", "[]", 400, "invalid_request", null },
        { "stopped", "POST", "/api/presence", """{"state":"available"}""", 403, "not_connected", null },
        { "unpaired", "POST", "/api/presence", """{"state":"unavailable"}""", 403, "not_connected", null },
        { "ready", "POST", "/api/presence/subscribe", "{}", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/presence/subscribe", """{"to":"x@example.com"}""", 400, "invalid_request", "to" },
        { "stopped", "POST", "/api/presence/subscribe", """{"to":"{peer}"}""", 403, "not_connected", null },
        { "none", "POST", "/api/presence/unsubscribe", """{"to":"{peer}"}""", 401, "unauthorized", null },
        { "ready", "POST", "/api/presence/unsubscribe", "{}", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/presence/unsubscribe", """{"to":"x@example.com"}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/presence/unsubscribe", """{"to":12345678}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/presence/unsubscribe", """{"to":"0123"}""", 400, "invalid_request", "to" },
        { "ready", "POST", "/api/presence/unsubscribe", "[]", 400, "invalid_request", null },
        { "stopped", "POST", "/api/presence/unsubscribe", """{"to":"{peer}"}""", 403, "not_connected", null },
        { "unpaired", "POST", "/api/presence/unsubscribe", """{"to":"{peer}"}""", 403, "not_connected", null },

        // Contact checks and the line's contacts.
        { "none", "POST", "/api/contacts/check", """{"phones":["+15550002222"]}""", 401, "unauthorized", null },
        { "ready", "POST", "/api/contacts/check", "{}", 400, "invalid_request", "phones" },
        { "ready", "POST", "/api/contacts/check", """{"phones":"+15550002222"}""", 400, "invalid_request", "phones" },
        { "ready", "POST", "/api/contacts/check", """{"phones":[15550002222]}""", 400, "invalid_request", "phones" },
        { "ready", "POST", "/api/contacts/check", """{"phones":[]}""", 400, "invalid_request", "phones" },
        { "ready", "POST", "/api/contacts/check", """{"phones":["+15550000000","+15550000001","+15550000002","+15550000003","+15550000004","+15550000005","+15550000006","+15550000007","+15550000008","+15550000009","+15550000010","+15550000011","+15550000012","+15550000013","+15550000014","+15550000015","+15550000016","+15550000017","+15550000018","+15550000019","+15550000020","+15550000021","+15550000022","+15550000023","+15550000024","+15550000025","+15550000026","+15550000027","+15550000028","+15550000029","+15550000030","+15550000031","+15550000032","+15550000033","+15550000034","+15550000035","+15550000036","+15550000037","+15550000038","+15550000039","+15550000040","+15550000041","+15550000042","+15550000043","+15550000044","+15550000045","+15550000046","+15550000047","+15550000048","+15550000049","+15550000050"]}""", 400, "invalid_request", "phones" },
        { "ready", "POST", "/api/contacts/check", """{"phones":["+15550002222","12345"]}""", 400, "invalid_request", "phones" },
        { "ready", "POST", "/api/contacts/check", """{"phones":["call me"]}""", 400, "invalid_request", "phones" },
        { "ready", "POST", "/api/contacts/check", """{"phones":["{peer}"]}""", 400, "invalid_request", "phones" },
        { "ready", "POST", "/api/contacts/check", """{"phones":["+1555000222233334444"]}""", 400, "invalid_request", "phones" },
        { "stopped", "POST", "/api/contacts/check", """{"phones":["+15550002222"]}""", 403, "not_connected", null },
        { "unpaired", "POST", "/api/contacts/check", """{"phones":["+15550002222"]}""", 403, "not_connected", null },
        { "none", "GET", "/api/contacts", null, 401, "unauthorized", null },
        { "ready", "GET", "/api/contacts?limit=0", null, 400, "invalid_request", "limit" },
        { "ready", "GET", "/api/contacts?limit=1001", null, 400, "invalid_request", "limit" },
        { "ready", "GET", "/api/contacts?limit=ten", null, 400, "invalid_request", "limit" },

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

        // Send pacing (admin).
        { "ready", "PUT", "/api/sessions/{stopped}/pacing", """{"min_gap_ms":1000}""", 401, "unauthorized", null },
        { "admin", "GET", "/api/sessions/999/pacing", null, 404, "not_found", "id" },
        { "admin", "PUT", "/api/sessions/999/pacing", """{"min_gap_ms":1000}""", 404, "not_found", "id" },
        { "admin", "PUT", "/api/sessions/{stopped}/pacing", "[]", 400, "invalid_request", null },
        { "admin", "PUT", "/api/sessions/{stopped}/pacing", "{}", 400, "invalid_request", "min_gap_ms" },
        { "admin", "PUT", "/api/sessions/{stopped}/pacing", """{"min_gap_ms":-1}""", 400, "invalid_request", "min_gap_ms" },
        { "admin", "PUT", "/api/sessions/{stopped}/pacing", """{"min_gap_ms":3600001}""", 400, "invalid_request", "min_gap_ms" },
        { "admin", "PUT", "/api/sessions/{stopped}/pacing", """{"min_gap_ms":"2s"}""", 400, "invalid_request", "min_gap_ms" },
        { "admin", "PUT", "/api/sessions/{stopped}/pacing", """{"min_gap_ms":1.5}""", 400, "invalid_request", "min_gap_ms" },
        { "admin", "PUT", "/api/sessions/{stopped}/pacing", """{"min_gap_ms":1000,"jitter_ms":-5}""", 400, "invalid_request", "jitter_ms" },
        { "admin", "PUT", "/api/sessions/{stopped}/pacing", """{"min_gap_ms":1000,"jitter_ms":true}""", 400, "invalid_request", "jitter_ms" },
        { "admin", "PUT", "/api/sessions/{stopped}/pacing", """{"min_gap_ms":0,"typing_ms_per_char":-1}""", 400, "invalid_request", "typing_ms_per_char" },
        { "admin", "PUT", "/api/sessions/{stopped}/pacing", """{"min_gap_ms":0,"typing_ms_per_char":1001}""", 400, "invalid_request", "typing_ms_per_char" },
        { "admin", "PUT", "/api/sessions/{stopped}/pacing", """{"min_gap_ms":0,"typing_ms_per_char":"fast"}""", 400, "invalid_request", "typing_ms_per_char" },
        { "admin", "PUT", "/api/sessions/{stopped}/pacing", """{"min_gap_ms":0,"typing_max_ms":0}""", 400, "invalid_request", "typing_max_ms" },
        { "admin", "PUT", "/api/sessions/{stopped}/pacing", """{"min_gap_ms":0,"typing_max_ms":60001}""", 400, "invalid_request", "typing_max_ms" },
        { "admin", "PUT", "/api/sessions/{stopped}/pacing", """{"min_gap_ms":0,"new_contacts_per_hour":-1}""", 400, "invalid_request", "new_contacts_per_hour" },
        { "admin", "PUT", "/api/sessions/{stopped}/pacing", """{"min_gap_ms":0,"new_contacts_per_hour":10001}""", 400, "invalid_request", "new_contacts_per_hour" },
        { "admin", "PUT", "/api/sessions/{stopped}/pacing", """{"min_gap_ms":0,"new_contacts_per_hour":2.5}""", 400, "invalid_request", "new_contacts_per_hour" },
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
