//! Images as the window gets them. Every picture a peer sent (a message's thumbnail, a full
//! file) is decoded here, in Rust, under explicit limits, and re-encoded from its pixels: the web
//! view only ever sees bytes this module wrote. A decompression bomb, a file over the limits, or
//! one that does not decode is refused with a coded reason, and the window shows "this image
//! could not be shown" instead.

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::{Mutex, OnceLock};

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};

use super::data_url;
use crate::desktop::ErrorView;

/// A received thumbnail larger than this a side is refused (Tandem makes them at most 96 px).
pub const THUMBNAIL_MAX_SIDE_PX: u32 = 512;
/// Memory a thumbnail may take decoded.
pub const THUMBNAIL_MAX_ALLOC: u64 = 4 * 1024 * 1024;
/// A full image larger than this a side is refused (the same bound as for sending).
pub const FULL_MAX_SIDE_PX: u32 = 8192;
/// Memory a full image may take decoded (8192 × 8192 RGBA at 8 bits).
pub const FULL_MAX_ALLOC: u64 = 256 * 1024 * 1024;

/// Thumbnails re-encoded so far, by the id of the received bytes (views are built often).
const CACHE_ENTRIES: usize = 1024;

/// Why an image is not shown. The window shows the message; the code is for the UI to switch on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImageRefused {
    #[error(
        "this image could not be shown: it is larger than {max_side} pixels a side or would take too much memory to decode (possibly a decompression bomb)"
    )]
    TooLarge { max_side: u32 },
    #[error("this image could not be shown: it is damaged, or not a PNG or JPEG picture")]
    Unreadable,
}

impl ImageRefused {
    pub fn code(&self) -> &'static str {
        match self {
            ImageRefused::TooLarge { .. } => "image_too_large",
            ImageRefused::Unreadable => "image_unreadable",
        }
    }
}

impl From<&ImageRefused> for ErrorView {
    fn from(e: &ImageRefused) -> Self {
        ErrorView { code: e.code().to_owned(), message: e.to_string() }
    }
}

impl From<ImageRefused> for ErrorView {
    fn from(e: ImageRefused) -> Self {
        ErrorView::from(&e)
    }
}

/// Decodes a PNG or JPEG (its type read from its bytes, never from a claim) within the limits,
/// turned upright as its EXIF orientation says.
pub fn decode_limited(
    bytes: &[u8],
    max_side: u32,
    max_alloc: u64,
) -> Result<(DynamicImage, ImageFormat), ImageRefused> {
    let format = image::guess_format(bytes).map_err(|_| ImageRefused::Unreadable)?;
    if !matches!(format, ImageFormat::Png | ImageFormat::Jpeg) {
        return Err(ImageRefused::Unreadable);
    }
    let too_large = ImageRefused::TooLarge { max_side };
    let refused = |e: ImageError| match e {
        ImageError::Limits(_) => too_large.clone(),
        _ => ImageRefused::Unreadable,
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(max_side);
    limits.max_image_height = Some(max_side);
    limits.max_alloc = Some(max_alloc);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    // The decoder checks the header's dimensions against the limits before reading any pixels.
    let mut decoder = reader.into_decoder().map_err(refused)?;
    if decoder.total_bytes() > max_alloc {
        return Err(too_large);
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(refused)?;
    image.apply_orientation(orientation);
    Ok((image, format))
}

fn jpeg(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, ImageRefused> {
    let mut out = Vec::new();
    image.to_rgb8().write_with_encoder(JpegEncoder::new_with_quality(&mut out, quality)).map_err(|e| {
        tracing::warn!("an image could not be re-encoded: {e}");
        ImageRefused::Unreadable
    })?;
    Ok(out)
}

fn png(image: &DynamicImage) -> Result<Vec<u8>, ImageRefused> {
    let mut out = Vec::new();
    let encoder = PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive);
    let written = if image.color().has_alpha() {
        image.to_rgba8().write_with_encoder(encoder)
    } else {
        image.to_rgb8().write_with_encoder(encoder)
    };
    written.map_err(|e| {
        tracing::warn!("an image could not be re-encoded: {e}");
        ImageRefused::Unreadable
    })?;
    Ok(out)
}

/// A received thumbnail re-encoded (JPEG) from its decoded pixels.
pub fn thumbnail_bytes(bytes: &[u8]) -> Result<Vec<u8>, ImageRefused> {
    let (image, _) = decode_limited(bytes, THUMBNAIL_MAX_SIDE_PX, THUMBNAIL_MAX_ALLOC)?;
    jpeg(&image, 85)
}

/// A received thumbnail as the window may show it: a `data:image/jpeg` URL of its re-encoded
/// pixels (remembered, as views are built often), or why it is refused.
pub fn thumbnail_url(bytes: &[u8]) -> Result<String, ImageRefused> {
    static CACHE: OnceLock<Mutex<HashMap<String, Result<String, ImageRefused>>>> = OnceLock::new();
    let key = tandem_proto::media::media_id(bytes);
    let cache = CACHE.get_or_init(Default::default);
    if let Some(shown) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return shown;
    }
    let shown = thumbnail_bytes(bytes).map(|jpeg| data_url("image/jpeg", &jpeg));
    if let Ok(mut c) = cache.lock() {
        if c.len() >= CACHE_ENTRIES {
            c.clear();
        }
        c.insert(key, shown.clone());
    }
    shown
}

/// A full image re-encoded from its pixels (PNG stays PNG, JPEG stays JPEG): its type and bytes.
pub fn full_image_bytes(bytes: &[u8]) -> Result<(&'static str, Vec<u8>), ImageRefused> {
    let (image, format) = decode_limited(bytes, FULL_MAX_SIDE_PX, FULL_MAX_ALLOC)?;
    match format {
        ImageFormat::Jpeg => Ok(("image/jpeg", jpeg(&image, 90)?)),
        _ => Ok(("image/png", png(&image)?)),
    }
}

/// A full image as the window may show it: a `data:` URL of its re-encoded pixels, or why not.
/// Off the async workers: a 12-megapixel JPEG takes most of a second.
pub async fn full_image_url(bytes: Vec<u8>) -> Result<String, ErrorView> {
    let shown = tokio::task::spawn_blocking(move || full_image_bytes(&bytes)).await.map_err(|e| {
        tracing::warn!("an image could not be re-encoded: {e}");
        ErrorView::from(ImageRefused::Unreadable)
    })?;
    let (mime, bytes) = shown?;
    Ok(data_url(mime, &bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::demo_image;

    /// A PNG of `width` × `height` whose pixels are never there: its header claims the size, its
    /// data is a few bytes. Decoding it naively would allocate `width * height * 3` bytes.
    fn png_bomb(width: u32, height: u32) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let start = out.len();
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            let crc = crc32(&out[start..]);
            out.extend_from_slice(&crc.to_be_bytes());
        }
        fn crc32(bytes: &[u8]) -> u32 {
            let mut crc = 0xffff_ffffu32;
            for &b in bytes {
                crc ^= u32::from(b);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
                }
            }
            !crc
        }
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut header = Vec::new();
        header.extend_from_slice(&width.to_be_bytes());
        header.extend_from_slice(&height.to_be_bytes());
        header.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no interlace
        chunk(&mut out, b"IHDR", &header);
        // A zlib stream of one stored block of zeros: the first row's filter byte and a few pixels.
        chunk(&mut out, b"IDAT", &[0x78, 0x01, 0x01, 0x04, 0x00, 0xfb, 0xff, 0, 0, 0, 0, 0x00, 0x04, 0x00, 0x01]);
        chunk(&mut out, b"IEND", &[]);
        out
    }

    #[test]
    fn a_png_bomb_is_refused_before_its_pixels_are_allocated() {
        let bomb = png_bomb(60_000, 60_000);
        assert!(bomb.len() < 100, "a small file: {} bytes", bomb.len());
        assert_eq!(thumbnail_bytes(&bomb), Err(ImageRefused::TooLarge { max_side: THUMBNAIL_MAX_SIDE_PX }));
        assert_eq!(full_image_bytes(&bomb), Err(ImageRefused::TooLarge { max_side: FULL_MAX_SIDE_PX }));
        // Within the side limit but over the memory limit: refused too.
        assert_eq!(
            decode_limited(&png_bomb(8_000, 8_000), 8_192, 64 * 1024 * 1024).map(|_| ()),
            Err(ImageRefused::TooLarge { max_side: 8_192 })
        );
    }

    #[tokio::test]
    async fn the_window_gets_a_coded_refusal() {
        let refused = full_image_url(png_bomb(60_000, 60_000)).await.unwrap_err();
        assert_eq!(refused.code, "image_too_large");
        assert!(refused.message.starts_with("this image could not be shown"));
        let url = full_image_url(demo_image(1).unwrap()).await.unwrap();
        assert!(url.starts_with("data:image/png;base64,"));
    }

    #[test]
    fn what_is_not_a_png_or_jpeg_is_refused() {
        assert_eq!(thumbnail_bytes(b"<svg onload=alert(1)>"), Err(ImageRefused::Unreadable));
        let png = demo_image(2).unwrap();
        assert_eq!(full_image_bytes(&png[..png.len() / 2]), Err(ImageRefused::Unreadable));
        let mut gif = b"GIF89a".to_vec();
        gif.extend_from_slice(&[1, 0, 1, 0, 0, 0, 0, 0x3b]);
        assert_eq!(full_image_bytes(&gif), Err(ImageRefused::Unreadable));
    }

    /// A demo picture as another encoder would write it (best compression).
    fn sender_png(n: u64) -> Vec<u8> {
        let image = image::load_from_memory(&demo_image(n).unwrap()).unwrap();
        let mut png = Vec::new();
        let encoder = PngEncoder::new_with_quality(&mut png, CompressionType::Best, FilterType::Paeth);
        image.write_with_encoder(encoder).unwrap();
        png
    }

    #[test]
    fn a_shown_image_is_re_encoded_from_its_pixels() {
        let png = sender_png(5);
        let (mime, shown) = full_image_bytes(&png).unwrap();
        assert_eq!(mime, "image/png");
        assert_ne!(shown, png);
        let decoded = image::load_from_memory(&shown).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (480, 320));
        assert_eq!(decoded.to_rgb8(), image::load_from_memory(&png).unwrap().to_rgb8(), "PNG stays lossless");

        let (attachment, _) = crate::media::image_attachment(&png).unwrap();
        let thumb = thumbnail_bytes(&attachment.thumbnail).unwrap();
        assert_ne!(thumb, attachment.thumbnail);
        let decoded = image::load_from_memory(&thumb).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (96, 64));
        let url = thumbnail_url(&attachment.thumbnail).unwrap();
        assert!(url.starts_with("data:image/jpeg;base64,"));
        assert_eq!(thumbnail_url(&attachment.thumbnail).unwrap(), url, "the same bytes, the same URL");
    }
}
