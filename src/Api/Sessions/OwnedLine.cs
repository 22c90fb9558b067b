using WaEngine.Engine.Session;
using WaEngine.Engine.Storage;
using WaEngine.Store;

namespace WaEngine.Api.Sessions;

/// <summary>A line as its owner holds it: the actor, the line's database, and its credentials (for views).</summary>
/// <param name="Actor">The line's one actor.</param>
/// <param name="Database">The line's database (shared with its webhook worker through <see cref="LineDatabases"/>).</param>
/// <param name="Credentials">The line's credential store.</param>
public sealed record OwnedLine(LineActor Actor, LineDatabase Database, ICredentialStore Credentials);
