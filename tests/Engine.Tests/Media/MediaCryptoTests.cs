using System.Security.Cryptography;
using System.Text.Json.Nodes;
using WaEngine.Engine.Media;
using WaEngine.Engine.Tests.Crypto;

namespace WaEngine.Engine.Tests.Media;

public class MediaCryptoTests
{
    [Fact]
    public void Keys_match_the_published_vector()
    {
        var keys = MediaKeys.Expand(Enumerable.Repeat((byte)7, 32).ToArray(), MediaKind.Image);
        Assert.Equal("ae2d1d58a0146c8cdde42f6e5e883c61", Convert.ToHexStringLower(keys.Iv));
        Assert.Throws<WaEngine.Engine.Crypto.CryptoException>(() => MediaKeys.Expand(new byte[31], MediaKind.Image));
    }

    [Theory]
    [InlineData(MediaKind.Image, 0)]
    [InlineData(MediaKind.Document, 1)]
    [InlineData(MediaKind.Audio, 15)]
    [InlineData(MediaKind.Video, 16)]
    [InlineData(MediaKind.Sticker, 70_001)]
    public async Task What_we_encrypt_Baileys_keys_and_OpenSSL_decrypt(MediaKind kind, int length)
    {
        var data = RandomNumberGenerator.GetBytes(length);
        var (blob, encrypted) = await EncryptAsync(data, kind, chunk: 777);

        Assert.Equal(SHA256.HashData(data), encrypted.FileSha256);
        Assert.Equal(SHA256.HashData(blob), encrypted.FileEncSha256);
        Assert.Equal(length, encrypted.FileLength);
        Assert.Equal(blob.Length, encrypted.BlobLength);
        var answer = await Interop.CallAsync("media-decrypt", [new JsonObject
        {
            ["type"] = MediaKinds.Name(kind), ["mediaKey"] = Interop.Hex(encrypted.MediaKey), ["blob"] = Interop.Hex(blob),
        }]);
        Assert.Equal(Interop.Hex(data), answer[0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("image", MediaKind.Image)]
    [InlineData("video", MediaKind.Video)]
    [InlineData("audio", MediaKind.Audio)]
    [InlineData("document", MediaKind.Document)]
    [InlineData("sticker", MediaKind.Sticker)]
    public async Task What_Baileys_encrypts_we_verify_and_decrypt(string type, MediaKind kind)
    {
        var data = RandomNumberGenerator.GetBytes(100_003);
        var answer = (await Interop.CallAsync("media-encrypt", [new JsonObject { ["type"] = type, ["data"] = Interop.Hex(data) }]))[0]!;
        var blob = Interop.Bytes(answer["blob"]);
        using var source = new MemoryStream(blob);
        using var plain = new MemoryStream();
        var written = await MediaDecryptor.DecryptAsync(source, plain, kind, Interop.Bytes(answer["mediaKey"]),
            Interop.Bytes(answer["fileEncSha256"]), Interop.Bytes(answer["fileSha256"]), CancellationToken.None);
        Assert.Equal(data.Length, written);
        Assert.Equal(data, plain.ToArray());
    }

    [Fact]
    public async Task A_flipped_byte_or_wrong_key_is_refused_before_any_byte_is_written()
    {
        var data = RandomNumberGenerator.GetBytes(5000);
        var (blob, encrypted) = await EncryptAsync(data, MediaKind.Document, chunk: 4096);

        var flipped = (byte[])blob.Clone();
        flipped[100] ^= 1;
        var hash = await Assert.ThrowsAsync<MediaException>(() => DecryptAsync(flipped, encrypted.MediaKey, encrypted, out _));
        Assert.Equal(MediaErrorCodes.EncryptedHashMismatch, hash.Code);

        // The message's own hash of the forged blob (an attacker who controls the message but not the key): the MAC catches it.
        var forged = encrypted with { FileEncSha256 = SHA256.HashData(flipped) };
        var mac = await Assert.ThrowsAsync<MediaException>(() => DecryptAsync(flipped, encrypted.MediaKey, forged, out _));
        Assert.Equal(MediaErrorCodes.MacMismatch, mac.Code);

        var wrongKey = await Assert.ThrowsAsync<MediaException>(() => DecryptAsync(blob, RandomNumberGenerator.GetBytes(32), encrypted, out _));
        Assert.Equal(MediaErrorCodes.MacMismatch, wrongKey.Code);

        var wrongKind = await Assert.ThrowsAsync<MediaException>(() => DecryptAsync(blob, encrypted.MediaKey, encrypted, out _, MediaKind.Image));
        Assert.Equal(MediaErrorCodes.MacMismatch, wrongKind.Code);

        var truncated = await Assert.ThrowsAsync<MediaException>(() => DecryptAsync(blob[..^1], encrypted.MediaKey, encrypted with { FileEncSha256 = [] }, out _));
        Assert.Equal(MediaErrorCodes.MacMismatch, truncated.Code);

        var wrongPlain = encrypted with { FileSha256 = new byte[32] };
        var plainHash = await Assert.ThrowsAsync<MediaException>(() => DecryptAsync(blob, encrypted.MediaKey, wrongPlain, out _));
        Assert.Equal(MediaErrorCodes.FileHashMismatch, plainHash.Code);

        var decrypting = DecryptAsync(flipped, encrypted.MediaKey, forged, out var untouched);
        await Assert.ThrowsAsync<MediaException>(() => decrypting);
        Assert.Equal(0, untouched.Length);
    }

    private static async Task<(byte[] Blob, EncryptedMedia Encrypted)> EncryptAsync(byte[] data, MediaKind kind, int chunk)
    {
        using var blob = new MemoryStream();
        using var encrypting = new MediaEncryptingStream(blob, kind);
        for (var offset = 0; offset < data.Length; offset += chunk)
        {
            await encrypting.WriteAsync(data.AsMemory(offset, Math.Min(chunk, data.Length - offset)));
        }

        var encrypted = await encrypting.FinishAsync(CancellationToken.None);
        Assert.Equal(data.AsSpan(0, Math.Min(64, data.Length)).ToArray(), encrypting.Head.ToArray());
        return (blob.ToArray(), encrypted);
    }

    private static Task DecryptAsync(byte[] blob, byte[] mediaKey, EncryptedMedia expected, out MemoryStream output, MediaKind kind = MediaKind.Document)
    {
        output = new MemoryStream();
        return MediaDecryptor.DecryptAsync(new MemoryStream(blob), output, kind, mediaKey, expected.FileEncSha256, expected.FileSha256, CancellationToken.None);
    }
}
