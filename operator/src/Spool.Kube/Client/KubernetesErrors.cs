using System.Net;
using System.Text.Json;
using Spool.Api;

namespace Spool.Kube;

/// <summary>Turns an error answer into the typed exception, from its Status body when there is one.</summary>
public static class KubernetesErrors
{
    public static KubernetesApiException FromResponse(HttpStatusCode code, string? body)
    {
        var status = ParseStatus(body) ?? Synthetic(code, body);
        return FromStatus(code, status);
    }

    public static KubernetesApiException FromStatus(HttpStatusCode code, ApiStatus status) => (int)code switch
    {
        409 when status.Reason == "AlreadyExists" => new KubernetesAlreadyExistsException(status),
        409 => new KubernetesConflictException(status),
        404 => new KubernetesNotFoundException(status),
        410 => new KubernetesGoneException(status),
        422 => new KubernetesInvalidException(status),
        _ => new KubernetesApiException(code, status),
    };

    /// <summary>The Status of a body that holds one (kind Status), otherwise null.</summary>
    public static ApiStatus? ParseStatus(string? body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("kind", out var kind)
                || kind.ValueKind != JsonValueKind.String
                || kind.GetString() != "Status")
            {
                return null;
            }

            return document.RootElement.Deserialize<ApiStatus>(KubeJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static ApiStatus Synthetic(HttpStatusCode code, string? body)
    {
        var text = body?.Trim() ?? "";
        if (text.Length > 512)
        {
            text = text[..512] + "...";
        }

        return new ApiStatus
        {
            Status = "Failure",
            Code = (int)code,
            Reason = ReasonFor(code),
            Message = text.Length == 0 ? $"the server responded with {(int)code} {code}" : $"the server responded with {(int)code} {code}: {text}",
        };
    }

    /// <summary>The metav1.StatusReason the API server uses for a code.</summary>
    public static string ReasonFor(HttpStatusCode code) => (int)code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        409 => "Conflict",
        410 => "Expired",
        413 => "RequestEntityTooLarge",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "Unknown",
    };
}
