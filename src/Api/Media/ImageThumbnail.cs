using SkiaSharp;

namespace WaEngine.Api.Media;

/// <summary>
/// What an image file shows about itself once decoded (SkiaSharp): its pixel dimensions and the small JPEG thumbnail
/// the message carries as <c>jpegThumbnail</c> — 32 pixels wide, quality 50, as Baileys' <c>extractImageThumb</c> makes
/// it. Decoding is defensive: only the header is read first, an image over <see cref="MaxDecodedPixels"/> (after the
/// codec's own downscaling, which JPEG offers down to 1/8) is not decoded at all, and a file Skia cannot read, or reads
/// only in part, gives no thumbnail rather than an error: a thumbnail is never a reason for a send to fail.
/// </summary>
public static class ImageThumbnail
{
    /// <summary>Thumbnail width in pixels (Baileys' default).</summary>
    public const int Width = 32;

    /// <summary>JPEG quality of the thumbnail (Baileys').</summary>
    public const int Quality = 50;

    /// <summary>The most pixels decoded to make a thumbnail (4 bytes each).</summary>
    public const long MaxDecodedPixels = 24_000_000;

    /// <summary>Width, height and thumbnail of the image in <paramref name="path"/>; nulls for what could not be read.</summary>
    public static (uint? Width, uint? Height, byte[]? Jpeg) Read(string path)
    {
        using var file = File.OpenRead(path);
        using var codec = SKCodec.Create(file, out var opened);
        if (codec is null || opened != SKCodecResult.Success || codec.Info.Width <= 0 || codec.Info.Height <= 0)
        {
            return (null, null, null);
        }

        var (width, height) = ((uint)codec.Info.Width, (uint)codec.Info.Height);
        return (width, height, Thumbnail(codec));
    }

    private static byte[]? Thumbnail(SKCodec codec)
    {
        // Ask the codec for the smallest size it can decode to that is still at least the thumbnail's width.
        var info = codec.Info;
        var scaled = codec.GetScaledDimensions(Math.Min(1f, (float)Width * 2 / info.Width));
        if (scaled.Width < Width || scaled.Height < 1)
        {
            scaled = info.Size;
        }

        if ((long)scaled.Width * scaled.Height > MaxDecodedPixels)
        {
            return null;
        }

        using var decoded = new SKBitmap(new SKImageInfo(scaled.Width, scaled.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var result = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (result is not SKCodecResult.Success)
        {
            return null;
        }

        var height = Math.Max(1, (int)Math.Round((double)scaled.Height * Width / scaled.Width));
        using var surface = SKSurface.Create(new SKImageInfo(Width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        if (surface is null)
        {
            return null;
        }

        // JPEG has no alpha: transparent pixels go onto white, as WhatsApp shows them.
        surface.Canvas.Clear(SKColors.White);
        using (var image = SKImage.FromBitmap(decoded))
        {
            surface.Canvas.DrawImage(image, new SKRect(0, 0, Width, height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        using var snapshot = surface.Snapshot();
        using var jpeg = snapshot.Encode(SKEncodedImageFormat.Jpeg, Quality);
        return jpeg?.ToArray();
    }
}
