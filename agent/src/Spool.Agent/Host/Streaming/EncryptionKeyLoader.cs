using System.Text;
using Spool.Agent.Host.Jobs;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.DataPath.Format;
using Spool.Kube;

namespace Spool.Agent.Host.Streaming;

/// <summary>Fetches the AES-256 key from the Secret named in the job; the key id defaults to namespace/name/key.</summary>
public sealed class EncryptionKeyLoader(IKubernetesClient client)
{
    /// <exception cref="AgentFailureException">SecretNotFound or SecretInvalid.</exception>
    public async Task<EncryptionKey?> LoadAsync(EncryptionSpec? spec, string @namespace, CancellationToken cancellationToken)
    {
        if (spec is null)
        {
            return null;
        }

        var secret = await client.GetAsync<Secret>(spec.SecretRef.Name, @namespace, cancellationToken).ConfigureAwait(false)
            ?? throw new AgentFailureException(ReportReasons.SecretNotFound, $"secret {@namespace}/{spec.SecretRef.Name} does not exist");
        byte[]? raw = null;
        if (secret.Data?.TryGetValue(spec.SecretRef.Key, out var encoded) == true)
        {
            raw = Decode(encoded);
        }
        else if (secret.StringData?.TryGetValue(spec.SecretRef.Key, out var text) == true)
        {
            raw = Encoding.UTF8.GetBytes(text);
        }

        if (raw is null)
        {
            throw new AgentFailureException(ReportReasons.SecretNotFound, $"secret {@namespace}/{spec.SecretRef.Name} has no key {spec.SecretRef.Key}");
        }

        var key = KeyBytes(raw) ?? throw new AgentFailureException(
            ReportReasons.SecretInvalid,
            $"key {spec.SecretRef.Key} of secret {@namespace}/{spec.SecretRef.Name} is neither 32 raw bytes nor base64 of 32 bytes");
        return new EncryptionKey(spec.KeyId ?? $"{@namespace}/{spec.SecretRef.Name}/{spec.SecretRef.Key}", key);
    }

    /// <summary>32 raw bytes, or base64 text of 32 bytes (with or without a trailing newline).</summary>
    public static byte[]? KeyBytes(byte[] value)
    {
        if (value.Length == 32)
        {
            return value;
        }

        var text = Encoding.ASCII.GetString(value).Trim();
        var decoded = Decode(text);
        return decoded is { Length: 32 } ? decoded : null;
    }

    private static byte[]? Decode(string base64)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
