namespace WaEngine.Engine.Tests.Proto;

internal static class ByteArrayFill
{
    public static byte[] Fill(this byte[] bytes, byte value)
    {
        bytes.AsSpan().Fill(value);
        return bytes;
    }
}
