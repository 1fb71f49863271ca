using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>A failed request, carrying the metav1.Status body the server answers with.</summary>
public sealed class ApiException : Exception
{
    public ApiException(int code, string reason, string message, JsonObject? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public ApiException()
        : this(500, "InternalError", "internal error")
    {
    }

    public ApiException(string message)
        : this(500, "InternalError", message)
    {
    }

    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = 500;
        Reason = "InternalError";
    }

    public int Code { get; }

    public string Reason { get; } = "InternalError";

    public JsonObject? Details { get; }

    public JsonObject ToStatus() => StatusFactory.Failure(Code, Reason, Message, Details?.DeepClone().AsObject());
}
