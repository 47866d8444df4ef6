using System.Security.Cryptography;
using System.Text;

namespace Segments.Core.Tenancy;

/// <summary>The SHA-256 of an API key: what is kept of a key, compared in constant time.</summary>
public sealed class ApiKeyHash
{
    private readonly byte[] _hash;

    private ApiKeyHash(byte[] hash) => _hash = hash;

    public static ApiKeyHash Of(string apiKey) => new(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    /// <summary>Takes the same time whether and where the hashes differ.</summary>
    public bool Matches(ApiKeyHash other) => CryptographicOperations.FixedTimeEquals(_hash, other._hash);

    public override string ToString() => "sha256:(hidden)";
}
