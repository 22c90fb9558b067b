namespace WaEngine.Engine.Binary;

/// <summary>
/// Thrown by <see cref="BinaryDecoder"/> when a frame is not a well-formed binary node: truncated input, an unknown
/// tag byte, an invalid token or nibble, nesting deeper than <see cref="BinaryDecoder.MaxDepth"/>, a body that does not
/// inflate, or output beyond <see cref="BinaryDecoder.MaxDecompressedBytes"/>. It is the only exception the decoder
/// raises for bad input.
/// </summary>
internal sealed class BinaryFormatException : WaEngineException
{
    /// <summary>Creates the exception for a problem found at <paramref name="offset"/> of the decoded body.</summary>
    public BinaryFormatException(string message, int offset)
        : base($"Malformed binary node at offset {offset}: {message}")
    {
        Offset = offset;
    }

    /// <summary>Creates the exception for a problem found at <paramref name="offset"/>, wrapping the underlying failure.</summary>
    public BinaryFormatException(string message, int offset, Exception innerException)
        : base($"Malformed binary node at offset {offset}: {message}", innerException)
    {
        Offset = offset;
    }

    /// <summary>The byte offset of the problem, counted from the start of the (decompressed) node body, after the flag byte.</summary>
    public int Offset { get; }
}
