namespace WaEngine.Api.Docs;

/// <summary>Endpoint metadata naming the credential an endpoint needs, so the OpenAPI document states it.</summary>
/// <param name="Scheme"><see cref="AdminKey"/> or <see cref="LineToken"/>.</param>
public sealed record ApiAuth(string Scheme)
{
    /// <summary>The security scheme of the admin API: <c>Authorization: Bearer &lt;admin key&gt;</c>.</summary>
    public const string AdminKey = "adminKey";

    /// <summary>The security scheme of the line API: <c>X-API-Token: &lt;line token&gt;</c>.</summary>
    public const string LineToken = "lineToken";

    /// <summary>The admin API's marker.</summary>
    public static ApiAuth Admin { get; } = new(AdminKey);

    /// <summary>The line API's marker.</summary>
    public static ApiAuth Line { get; } = new(LineToken);
}
