using SkiaSharp;

namespace WaEngine.Api.Conversation.LinkPreviews;

/// <summary>
/// A link preview's thumbnail: the page's image decoded defensively (only formats Skia recognises from their bytes, at
/// most <see cref="MaxPixels"/> pixels, read before decoding) and written as a JPEG of at most <see cref="MaxSide"/>
/// pixels a side — the small inline <c>jpegThumbnail</c> WhatsApp clients show.
/// </summary>
public static class PreviewThumbnail
{
    /// <summary>Largest image decoded (width × height).</summary>
    public const long MaxPixels = 25_000_000;

    /// <summary>Longest side of the thumbnail.</summary>
    public const int MaxSide = 192;

    private const int Quality = 70;

    /// <summary>The thumbnail's JPEG bytes, or null with the reason the image cannot give one.</summary>
    public static (byte[]? Jpeg, string? Problem) Make(byte[] image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var data = SKData.CreateCopy(image);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return (null, "the image is not in a format that can be decoded");
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0)
        {
            return (null, $"the image has no size ({width}×{height})");
        }

        if ((long)width * height > MaxPixels)
        {
            return (null, $"the image is {width}×{height} pixels; at most {MaxPixels} are decoded");
        }

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            return (null, $"the image does not decode ({result})");
        }

        var scale = Math.Min(1.0, (double)MaxSide / Math.Max(width, height));
        var target = new SKImageInfo(Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)), SKColorType.Rgba8888, SKAlphaType.Premul);
        using var small = bitmap.Resize(target, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
        if (small is null)
        {
            return (null, "the image could not be scaled");
        }

        // JPEG has no alpha: transparent areas become white rather than black.
        using var surface = SKSurface.Create(target);
        surface.Canvas.Clear(SKColors.White);
        using var smallImage = SKImage.FromBitmap(small);
        surface.Canvas.DrawImage(smallImage, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), null);
        using var snapshot = surface.Snapshot();
        using var jpeg = snapshot.Encode(SKEncodedImageFormat.Jpeg, Quality);
        return jpeg is null ? (null, "the thumbnail could not be encoded") : (jpeg.ToArray(), null);
    }
}
