using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Messaging.Kinds;
using WaEngine.Engine.Messaging.Polls;
using WaEngine.Proto;

namespace WaEngine.Engine.Tests.Messaging;

public class PollVoteCipherTests
{
    // Vector made with node:crypto as WhatsApp clients encrypt a vote, and read back with Baileys 7.0.0-rc14's own
    // decryptPollVote (lib/Utils/process-message.js): secret 32×0x07, IV 12×0x09, the vote selects "Blue".
    private const string PollId = "3EB0A1B2C3D4E5F60718";
    private const string Creator = "15550001111@s.whatsapp.net";
    private const string Voter = "15550002222@s.whatsapp.net";
    private const string BaileysPayload = "cca2cb1373b4d40882ea690c6657d69347272364e3cb0c97a7eef868b553122df4257bdd4db6bf7a6022e50af6ce35fc72ee";
    private static readonly byte[] Secret = Enumerable.Repeat((byte)7, 32).ToArray();
    private static readonly byte[] Iv = Enumerable.Repeat((byte)9, 12).ToArray();

    [Fact]
    public void A_vote_encrypted_as_Baileys_reads_it_decrypts_to_the_hash_of_the_chosen_option()
    {
        var plaintext = PollVoteCipher.Decrypt(Secret, PollId, Creator, Voter, Iv, Convert.FromHexString(BaileysPayload));
        var vote = Message.Types.PollVoteMessage.Parser.ParseFrom(plaintext);
        Assert.Equal(PollVoteCipher.OptionHash("Blue"), Assert.Single(vote.SelectedOptions).ToByteArray());
    }

    [Fact]
    public void Our_encryption_of_the_same_vote_is_byte_for_byte_the_Baileys_vector()
    {
        var vote = new Message.Types.PollVoteMessage();
        vote.SelectedOptions.Add(ByteString.CopyFrom(PollVoteCipher.OptionHash("Blue")));
        Assert.Equal(BaileysPayload, Convert.ToHexString(PollVoteCipher.Encrypt(Secret, PollId, Creator, Voter, Iv, vote.ToByteArray())).ToLowerInvariant());
    }

    [Theory]
    [InlineData("15550009999@s.whatsapp.net", Voter)]
    [InlineData(Creator, "15550009999@s.whatsapp.net")]
    [InlineData("15550001111@lid", Voter)]
    public void Another_creator_or_voter_does_not_decrypt(string creator, string voter) =>
        Assert.Throws<CryptoException>(() => PollVoteCipher.Decrypt(Secret, PollId, creator, voter, Iv, Convert.FromHexString(BaileysPayload)));

    [Fact]
    public void A_wrong_IV_length_or_an_empty_secret_is_refused_with_a_reason()
    {
        Assert.Contains("expected 12", Assert.Throws<CryptoException>(() => PollVoteCipher.Decrypt(Secret, PollId, Creator, Voter, new byte[16], Convert.FromHexString(BaileysPayload))).Message, StringComparison.Ordinal);
        Assert.Contains("empty message secret", Assert.Throws<CryptoException>(() => PollVoteCipher.Decrypt([], PollId, Creator, Voter, Iv, Convert.FromHexString(BaileysPayload))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_built_vote_names_the_poll_and_decrypts_to_the_chosen_hashes()
    {
        var key = new MessageKey { RemoteJid = Creator, FromMe = false, Id = PollId };
        var message = ConversationBuilder.Vote(key, Secret, Creator, Voter, ["Red", "Blue"], DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var update = message.PollUpdateMessage;
        Assert.Equal(PollId, update.PollCreationMessageKey.Id);
        Assert.Equal(1_800_000_000_000, update.SenderTimestampMs);
        var vote = Message.Types.PollVoteMessage.Parser.ParseFrom(PollVoteCipher.Decrypt(Secret, PollId, Creator, Voter, update.Vote.EncIv.Span, update.Vote.EncPayload.Span));
        Assert.Equal([PollVoteCipher.OptionHash("Red"), PollVoteCipher.OptionHash("Blue")], vote.SelectedOptions.Select(o => o.ToByteArray()));
    }
}
