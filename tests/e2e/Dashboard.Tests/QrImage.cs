using StbImageSharp;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace WaEngine.Dashboard.Tests;

/// <summary>
/// Reads a QR code from a PNG the way a phone's camera would from the screen: StbImageSharp turns the bytes into pixels
/// and ZXing finds and decodes the code. Neither shares code with the service's QR encoder (QRCoder).
/// </summary>
internal static class QrImage
{
    /// <summary>The text of the QR code in <paramref name="png"/>, or null when none can be read.</summary>
    public static string? Decode(byte[] png)
    {
        var image = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
        var source = new RGBLuminanceSource(image.Data, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.RGBA32);
        var hints = new Dictionary<DecodeHintType, object> { [DecodeHintType.TRY_HARDER] = true };
        try
        {
            return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), hints)?.Text;
        }
        catch (ReaderException)
        {
            return null;
        }
    }

    /// <summary>Reads the QR code the page shows in <paramref name="image"/> (a screenshot of the element as displayed).</summary>
    public static async Task<string?> ReadAsync(ILocator image) => Decode(await image.ScreenshotAsync());
}
