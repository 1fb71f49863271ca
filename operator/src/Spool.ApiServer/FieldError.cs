namespace Spool.ApiServer;

/// <summary>One validation failure, shaped like k8s.io/apimachinery field.Error.</summary>
public sealed record FieldError(string Reason, string Field, string Message)
{
    public override string ToString() => Field.Length == 0 ? Message : Field + ": " + Message;
}
