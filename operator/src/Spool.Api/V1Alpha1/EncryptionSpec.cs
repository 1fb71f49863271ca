using System.ComponentModel.DataAnnotations;

namespace Spool.Api.V1Alpha1;

/// <summary>The key is 32 bytes, raw or base64, in a Secret of the job's namespace.</summary>
public sealed record EncryptionSpec
{
    /// <summary>The Secret key holding the 32-byte encryption key.</summary>
    [Required]
    public SecretKeySelector SecretRef { get; init; } = new();

    /// <summary>Recorded on the medium instead of the key; defaults to the Secret's namespace/name/key.</summary>
    public string? KeyId { get; init; }
}
