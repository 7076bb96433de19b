//! QR codes: drawn as SVG (the desktop) or in the terminal (tandem-cli), and read back from a
//! PNG (a screenshot or photo of the code).

use base64::Engine;
use qrcode::render::{svg, unicode};
use qrcode::{EcLevel, QrCode};

use crate::error::{ClientError, Result};

fn code(text: &str) -> Result<QrCode> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L)
        .map_err(|e| ClientError::Internal(format!("cannot draw the QR code: {e}")))
}

/// An SVG `data:` URL, with a quiet zone, for an `<img>`.
pub fn svg_data_url(text: &str) -> Result<String> {
    let svg = code(text)?.render::<svg::Color<'_>>().min_dimensions(256, 256).quiet_zone(true).build();
    Ok(format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg)))
}

/// The code drawn with Unicode half blocks, for a terminal.
pub fn terminal(text: &str) -> Result<String> {
    Ok(code(text)?
        .render::<unicode::Dense1x2>()
        .dark_color(unicode::Dense1x2::Light)
        .light_color(unicode::Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

/// Reads the first QR code found in a PNG image (it may be a small part of a larger screenshot).
pub fn decode_png(png: &[u8], source: &str) -> Result<String> {
    let image = image::load_from_memory(png).map_err(|_| ClientError::UnreadableQr(source.to_owned()))?.to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    prepared
        .detect_grids()
        .iter()
        .find_map(|grid| grid.decode().ok().map(|(_, text)| text))
        .ok_or_else(|| ClientError::UnreadableQr(source.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_and_svg_render() {
        let text = "tandem://link?v=1&ref=abc";
        assert!(terminal(text).unwrap().lines().count() > 10);
        assert!(svg_data_url(text).unwrap().starts_with("data:image/svg+xml;base64,"));
    }

    #[test]
    fn a_png_that_holds_no_code_is_reported() {
        let mut png = Vec::new();
        image::DynamicImage::new_luma8(64, 64)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert!(matches!(decode_png(&png, "blank.png"), Err(ClientError::UnreadableQr(_))));
        assert!(matches!(decode_png(b"not a png", "x"), Err(ClientError::UnreadableQr(_))));
    }

    #[test]
    fn a_rendered_code_reads_back() {
        let text = "tandem://link?v=1&relay=http%3A%2F%2F127.0.0.1%3A1&ref=abc";
        let code = code(text).unwrap();
        let image = code.render::<image::Luma<u8>>().min_dimensions(300, 300).build();
        let mut png = Vec::new();
        image::DynamicImage::ImageLuma8(image)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert_eq!(decode_png(&png, "code.png").unwrap(), text);
    }
}
