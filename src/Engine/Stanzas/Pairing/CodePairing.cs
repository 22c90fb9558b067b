using WaEngine.Engine.Crypto;

namespace WaEngine.Engine.Stanzas.Pairing;

/// <summary>A phone-code pairing in progress: the phone it links to, the code shown, our ephemeral key.</summary>
internal sealed record CodePairing(string Phone, string Code, KeyPair Ephemeral);
