using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;

namespace WaEngine.Api.Validation;

/// <summary>One string field of a request body: its JSON name, whether it is required, its longest accepted length.</summary>
/// <param name="Name">The JSON property name.</param>
/// <param name="Required">A <c>required</c> member of the body record.</param>
/// <param name="MaxLength">From <see cref="MaxLengthAttribute"/>.</param>
public sealed record BodyField(string Name, bool Required, int MaxLength);

/// <summary>
/// The one description of a request body: the body record the OpenAPI document is generated from (its
/// <c>[JsonPropertyName]</c>, <c>required</c> and <c>[MaxLength]</c>) is also what the reader checks a request against,
/// so a field added, renamed or made optional there changes the documentation and the validation together.
/// </summary>
public sealed class BodyContract
{
    private BodyContract(IReadOnlyList<BodyField> fields) => Fields = fields;

    /// <summary>The body's string fields, in declaration order (other fields are checked by their own readers).</summary>
    public IReadOnlyList<BodyField> Fields { get; }

    /// <summary>The contract of <typeparamref name="TBody"/>.</summary>
    /// <exception cref="InvalidOperationException">A property lacks its JSON name or its maximum length.</exception>
    public static BodyContract Of<TBody>() => Of(typeof(TBody));

    /// <summary>The contract of <paramref name="body"/>.</summary>
    /// <exception cref="InvalidOperationException">A property lacks its JSON name or its maximum length.</exception>
    public static BodyContract Of(Type body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var fields = new List<BodyField>();
        foreach (var property in body.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // Objects (a send's reply routing state) and flags (a voice note's ptt) are read by the endpoint's own readers.
            if (property.PropertyType != typeof(string))
            {
                continue;
            }

            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
                ?? throw new InvalidOperationException($"{body.Name}.{property.Name} has no [JsonPropertyName]: the contract needs the field's JSON name.");
            var maxLength = property.GetCustomAttribute<MaxLengthAttribute>()?.Length
                ?? throw new InvalidOperationException($"{body.Name}.{property.Name} has no [MaxLength]: every string field of a body says its longest value.");
            fields.Add(new BodyField(name, property.GetCustomAttribute<RequiredMemberAttribute>() is not null, maxLength));
        }

        return new BodyContract(fields);
    }
}
