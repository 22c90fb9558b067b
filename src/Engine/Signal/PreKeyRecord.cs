using WaEngine.Engine.Crypto;

namespace WaEngine.Engine.Signal;

/// <summary>A one-time prekey: a 24-bit id and its key pair. Consumed by the first pkmsg that names it.</summary>
/// <param name="Id">The 24-bit id.</param>
/// <param name="KeyPair">The key pair.</param>
public sealed record PreKeyRecord(uint Id, KeyPair KeyPair);
