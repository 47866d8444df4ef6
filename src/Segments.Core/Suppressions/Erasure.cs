using System.Security.Cryptography;
using System.Text;
using Segments.Core.Ports;

namespace Segments.Core.Suppressions;

/// <summary>
/// What an erased contact leaves behind: salted SHA-256 hashes of its id and of its address (trimmed, lower-cased), so a
/// contact imported or created again under either is recognised and never mailed, while neither can be read back. The
/// salt is the tenant's own (<see cref="ISuppressionStore.SaltAsync"/>), so hashes cannot be matched across tenants or
/// against a table of common addresses computed in advance.
/// </summary>
public sealed class Erasure(byte[] salt, IReadOnlySet<string> erased)
{
    public const int SaltLength = 32;

    /// <summary>The hashes to keep for a contact erased now.</summary>
    public static IReadOnlyList<string> HashesOf(byte[] salt, string contactId, string? email) =>
        email is null ? [Hash(salt, "id", contactId)] : [Hash(salt, "id", contactId), Hash(salt, "email", Normalized(email))];

    public bool IsEmpty => erased.Count == 0;

    /// <summary>Whether the contact, by its id or its address, was erased.</summary>
    public bool Holds(string contactId, string? email) =>
        erased.Count > 0 && (erased.Contains(Hash(salt, "id", contactId)) || (email is not null && erased.Contains(Hash(salt, "email", Normalized(email)))));

    private static string Normalized(string email) => email.Trim().ToLowerInvariant();

    private static string Hash(byte[] salt, string kind, string value)
    {
        var text = Encoding.UTF8.GetBytes($"{kind}:{value}");
        var input = new byte[salt.Length + text.Length];
        salt.CopyTo(input, 0);
        text.CopyTo(input, salt.Length);
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }
}
