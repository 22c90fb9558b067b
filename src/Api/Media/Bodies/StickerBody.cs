namespace WaEngine.Api.Media.Bodies;

/// <summary>Body of POST /api/messages/sticker (WebP; 100 KB static, 500 KB animated by default; no caption).</summary>
public sealed record StickerBody : MediaBody;
