namespace Spool.Api.V1Alpha1;

public enum CompressionMode
{
    None,
    Deflate,
    Brotli,
}
