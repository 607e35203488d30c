//! Checking uploaded pictures and stripping their metadata.
//!
//! The API contract for `POST .../images` (multipart field `file`): only JPEG, PNG and WebP are
//! accepted, recognised by their content and never by a file name or a declared content type
//! (anything else is a 415, however it is labelled); the decoded dimensions are reported;
//! metadata that can identify people or places (EXIF, GPS, XMP, IPTC, comments) is stripped
//! before the file is stored; and the picture itself is stored as uploaded, never re-encoded.
//!
//! Everything here works on the container only (JPEG segments, PNG chunks, RIFF chunks), so the
//! compressed pixel data is copied byte for byte. Pure: no I/O. The caller is expected to cap the
//! upload size before calling [`inspect_image`], which holds a copy of the input in memory.

use std::fmt;

use img_parts::jpeg::{markers, Jpeg, JpegSegment};
use img_parts::png::Png;
use img_parts::riff::RiffContent;
use img_parts::webp::{WebP, CHUNK_ANMF, CHUNK_EXIF, CHUNK_VP8, CHUNK_VP8L, CHUNK_VP8X, CHUNK_XMP};
use img_parts::Bytes;

/// The most pixels (width × height) an accepted image may have: a guard against decompression
/// bombs, small files whose headers promise an enormous picture.
pub const MAX_PIXELS: u64 = 50_000_000;

/// The image formats the catalog accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    Jpeg,
    Png,
    Webp,
}

impl ImageFormat {
    /// The media type to store and serve the image with: `image/jpeg`, `image/png` or
    /// `image/webp`.
    pub fn content_type(&self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Png => "image/png",
            ImageFormat::Webp => "image/webp",
        }
    }

    /// The file name extension to store the image with, without a dot: `jpg`, `png` or `webp`.
    pub fn extension(&self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Png => "png",
            ImageFormat::Webp => "webp",
        }
    }

    /// Recognises the format by its signature ("magic bytes") alone.
    fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
        const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageFormat::Jpeg)
        } else if bytes.starts_with(PNG_SIGNATURE) {
            Some(ImageFormat::Png)
        } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(ImageFormat::Webp)
        } else {
            None
        }
    }
}

/// An accepted image, ready to be stored.
#[derive(Clone, PartialEq, Eq)]
pub struct InspectedImage {
    /// The format, recognised by content.
    pub format: ImageFormat,
    /// Width in pixels, never 0.
    pub width: u32,
    /// Height in pixels, never 0.
    pub height: u32,
    /// The file to store: the uploaded file with its metadata removed and its picture data
    /// untouched; a valid image of the same format and dimensions.
    pub bytes: Vec<u8>,
}

impl fmt::Debug for InspectedImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InspectedImage")
            .field("format", &self.format)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .finish()
    }
}

/// Why an upload is refused.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The content is not JPEG, PNG or WebP (whatever its name or declared type): a 415.
    #[error("unsupported image type: only JPEG, PNG and WebP are accepted")]
    UnsupportedType,
    /// The content starts like a supported format but cannot be parsed, is truncated, or has no
    /// usable dimensions.
    #[error("corrupt image: {0}")]
    Corrupt(String),
    /// Width × height is above `max_pixels` ([`MAX_PIXELS`]).
    #[error("image too large: more than {max_pixels} pixels")]
    TooLarge { max_pixels: u64 },
}

/// Checks an uploaded file and prepares it for storage.
///
/// - The format is recognised from the content alone: anything that does not start with a JPEG,
///   PNG or WebP signature (text, GIF, SVG, an empty or too short input…) is
///   [`ImageError::UnsupportedType`]; a file with a matching signature that cannot be parsed
///   (truncated, bad PNG CRC, no end marker, no image data, zero dimensions) is
///   [`ImageError::Corrupt`].
/// - More than [`MAX_PIXELS`] pixels is [`ImageError::TooLarge`]; nothing is decoded to find out.
/// - Metadata is removed without touching the compressed picture:
///   - JPEG: APP1 (Exif, XMP), APP13 (IPTC/Photoshop) and COM segments, wherever they are, and
///     anything appended after the end-of-image marker (multi-picture secondary images,
///     motion-photo videos, which carry metadata of their own) together with the MPF index
///     that points at it. Everything else (APP0 JFIF, APP2 ICC, APP14 Adobe, tables, frame and
///     scan data) is kept as is.
///   - PNG: `eXIf`, `tEXt`, `zTXt`, `iTXt` and `tIME` chunks (and anything after `IEND`);
///     the other chunks are kept in order.
///   - WebP: `EXIF` and `XMP ` chunks, with the EXIF and XMP flags of the `VP8X` header cleared
///     and the RIFF size recomputed (and anything after the RIFF chunk).
///
/// A file without metadata comes back byte for byte as it went in.
pub fn inspect_image(bytes: &[u8]) -> Result<InspectedImage, ImageError> {
    let format = ImageFormat::sniff(bytes).ok_or(ImageError::UnsupportedType)?;
    let input = Bytes::copy_from_slice(bytes);
    let ((width, height), bytes) = match format {
        ImageFormat::Jpeg => strip_jpeg(input)?,
        ImageFormat::Png => strip_png(input)?,
        ImageFormat::Webp => strip_webp(input)?,
    };
    Ok(InspectedImage {
        format,
        width,
        height,
        bytes,
    })
}

type Stripped = ((u32, u32), Vec<u8>);

fn corrupt(format: ImageFormat, reason: impl fmt::Display) -> ImageError {
    ImageError::Corrupt(format!("{}: {reason}", format.extension()))
}

/// Dimensions as read from the header, checked against zero and [`MAX_PIXELS`].
fn checked_dimensions(
    format: ImageFormat,
    dimensions: Option<(u32, u32)>,
) -> Result<(u32, u32), ImageError> {
    let (width, height) = dimensions
        .filter(|&(width, height)| width > 0 && height > 0)
        .ok_or_else(|| corrupt(format, "no image dimensions"))?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageError::TooLarge {
            max_pixels: MAX_PIXELS,
        });
    }
    Ok((width, height))
}

/// JPEG segments that carry metadata: Exif and XMP, IPTC/Photoshop, comments.
fn is_jpeg_metadata(marker: u8) -> bool {
    matches!(marker, markers::APP1 | markers::APP13 | markers::COM)
}

/// The multi-picture (MPF) index, which points at pictures appended after the end-of-image
/// marker; those are dropped, so it goes too.
fn is_mpf_index(segment: &JpegSegment) -> bool {
    segment.marker() == markers::APP2 && segment.contents().starts_with(b"MPF\0")
}

fn strip_jpeg(input: Bytes) -> Result<Stripped, ImageError> {
    const FORMAT: ImageFormat = ImageFormat::Jpeg;
    let mut jpeg = Jpeg::from_bytes(input.clone()).map_err(|e| corrupt(FORMAT, e))?;
    let dimensions = jpeg
        .dimensions()
        .map(|(width, height)| (u32::from(width), u32::from(height)));
    let dimensions = checked_dimensions(FORMAT, dimensions)?;

    // The parser stops at the first scan header (SOS): its "entropy" is the rest of the file,
    // i.e. a suffix of the input, which holds the scan data, any further tables and scans, the
    // end-of-image marker and whatever was appended after it.
    let Some(sos) = jpeg
        .segments()
        .last()
        .filter(|segment| segment.has_entropy())
    else {
        return Err(corrupt(FORMAT, "no image data"));
    };
    let tail_len = sos.len_with_entropy() - sos.len();
    let tail = input.slice(input.len() - tail_len..);
    let sos = JpegSegment::new_with_entropy(
        markers::SOS,
        sos.contents().clone(),
        Bytes::from(clean_jpeg_tail(&tail)?),
    );

    let segments = jpeg.segments_mut();
    segments.pop();
    segments.retain(|segment| !is_jpeg_metadata(segment.marker()) && !is_mpf_index(segment));
    segments.push(sos);
    Ok((dimensions, Vec::from(jpeg.encoder().bytes())))
}

/// Walks the JPEG data that follows the first scan header and returns it up to and including
/// the end-of-image marker, without metadata segments (see [`is_jpeg_metadata`]).
///
/// Entropy-coded data never holds a bare `0xFF` (it is stuffed as `FF 00`, and restart markers
/// have no length), so every other marker starts a segment whose length can be skipped.
fn clean_jpeg_tail(tail: &[u8]) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::with_capacity(tail.len());
    let mut kept_from = 0;
    let mut pos = 0;
    while let Some(at) = tail
        .get(pos..)
        .and_then(|rest| rest.iter().position(|&b| b == 0xFF))
        .map(|offset| pos + offset)
    {
        let Some(&marker) = tail.get(at + 1) else {
            break;
        };
        match marker {
            // a fill byte: the marker comes next
            0xFF => pos = at + 1,
            // stuffed zero, restart markers, and the other markers without a length
            0x00 | 0x01 | markers::RST0..=markers::RST7 | markers::SOI => pos = at + 2,
            markers::EOI => {
                out.extend_from_slice(&tail[kept_from..at + 2]);
                return Ok(out);
            }
            _ => {
                let end = tail
                    .get(at + 2..at + 4)
                    .map(|len| usize::from(u16::from_be_bytes([len[0], len[1]])))
                    .filter(|&len| len >= 2)
                    .map(|len| at + 2 + len)
                    .filter(|&end| end <= tail.len());
                let Some(end) = end else {
                    break;
                };
                if is_jpeg_metadata(marker) {
                    out.extend_from_slice(&tail[kept_from..at]);
                    kept_from = end;
                }
                pos = end;
            }
        }
    }
    Err(corrupt(
        ImageFormat::Jpeg,
        "truncated: no end-of-image marker",
    ))
}

const PNG_IHDR: [u8; 4] = *b"IHDR";
const PNG_IDAT: [u8; 4] = *b"IDAT";
const PNG_IEND: [u8; 4] = *b"IEND";

/// PNG chunks that carry metadata: Exif, textual data, modification time.
const PNG_METADATA_CHUNKS: [[u8; 4]; 5] = [*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME"];

fn strip_png(input: Bytes) -> Result<Stripped, ImageError> {
    const FORMAT: ImageFormat = ImageFormat::Png;
    let mut png = Png::from_bytes(input).map_err(|e| corrupt(FORMAT, e))?;
    let chunks = png.chunks();
    if chunks.first().map(|chunk| chunk.kind()) != Some(PNG_IHDR) {
        return Err(corrupt(FORMAT, "IHDR is not the first chunk"));
    }
    if chunks.last().map(|chunk| chunk.kind()) != Some(PNG_IEND) {
        return Err(corrupt(FORMAT, "truncated: no IEND chunk"));
    }
    if png.chunk_by_type(PNG_IDAT).is_none() {
        return Err(corrupt(FORMAT, "no image data"));
    }
    let dimensions = checked_dimensions(FORMAT, png.dimensions())?;

    png.chunks_mut()
        .retain(|chunk| !PNG_METADATA_CHUNKS.contains(&chunk.kind()));
    Ok((dimensions, Vec::from(png.encoder().bytes())))
}

/// The VP8X header flags announcing EXIF and XMP chunks.
const VP8X_EXIF_FLAG: u8 = 0b0000_1000;
const VP8X_XMP_FLAG: u8 = 0b0000_0100;

fn strip_webp(input: Bytes) -> Result<Stripped, ImageError> {
    const FORMAT: ImageFormat = ImageFormat::Webp;
    let mut webp = WebP::from_bytes(input).map_err(|e| corrupt(FORMAT, e))?;
    if ![CHUNK_VP8, CHUNK_VP8L, CHUNK_ANMF]
        .into_iter()
        .any(|id| webp.has_chunk(id))
    {
        return Err(corrupt(FORMAT, "no image data"));
    }
    let dimensions = checked_dimensions(FORMAT, webp.dimensions())?;

    webp.remove_chunks_by_id(CHUNK_EXIF);
    webp.remove_chunks_by_id(CHUNK_XMP);
    for chunk in webp.chunks_mut() {
        if chunk.id() != CHUNK_VP8X {
            continue;
        }
        if let RiffContent::Data(data) = chunk.content_mut() {
            let mut header = data.to_vec();
            if let Some(flags) = header.first_mut() {
                *flags &= !(VP8X_EXIF_FLAG | VP8X_XMP_FLAG);
            }
            *data = Bytes::from(header);
        }
    }
    // The encoder writes the RIFF size from the chunks that are left.
    Ok((dimensions, Vec::from(webp.encoder().bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    // 5×3 pictures made with an ordinary encoder (libjpeg, zlib, libwebp), without metadata.
    const JPEG: &[u8] = include_bytes!("../tests/fixtures/tiny.jpg");
    const PNG: &[u8] = include_bytes!("../tests/fixtures/tiny.png");
    const WEBP_LOSSY: &[u8] = include_bytes!("../tests/fixtures/tiny.webp");
    const WEBP_LOSSLESS: &[u8] = include_bytes!("../tests/fixtures/tiny-lossless.webp");

    const GPS: &[u8] = b"GPSLatitude";

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack
            .windows(needle.len())
            .any(|window| window == needle)
    }

    fn spliced(bytes: &[u8], at: usize, insert: &[&[u8]]) -> Vec<u8> {
        let mut out = bytes[..at].to_vec();
        for part in insert {
            out.extend_from_slice(part);
        }
        out.extend_from_slice(&bytes[at..]);
        out
    }

    fn inspect_ok(bytes: &[u8]) -> InspectedImage {
        match inspect_image(bytes) {
            Ok(image) => image,
            Err(err) => panic!("expected an accepted image, got {err:?}"),
        }
    }

    fn jpeg_segment(marker: u8, contents: &[u8]) -> Vec<u8> {
        let len = u16::try_from(contents.len() + 2).unwrap();
        [&[0xFF, marker][..], &len.to_be_bytes(), contents].concat()
    }

    /// Where the fixture's JFIF APP0 segment ends: metadata goes in after it.
    fn after_jfif(jpeg: &[u8]) -> usize {
        assert_eq!(&jpeg[..4], [0xFF, 0xD8, 0xFF, 0xE0]);
        4 + usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]))
    }

    fn crc32(kind: &[u8], data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in kind.iter().chain(data) {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
            }
        }
        !crc
    }

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let len = u32::try_from(data.len()).unwrap();
        [
            &len.to_be_bytes()[..],
            kind,
            data,
            &crc32(kind, data).to_be_bytes(),
        ]
        .concat()
    }

    /// Signature (8 bytes) + IHDR chunk (4 + 4 + 13 + 4 bytes).
    const PNG_AFTER_IHDR: usize = 33;

    fn riff_chunk(id: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let len = u32::try_from(data.len()).unwrap();
        let mut chunk = [&id[..], &len.to_le_bytes(), data].concat();
        if data.len() % 2 == 1 {
            chunk.push(0);
        }
        chunk
    }

    fn webp(chunks: &[Vec<u8>]) -> Vec<u8> {
        let body = [&b"WEBP"[..], &chunks.concat()].concat();
        riff_chunk(b"RIFF", &body)
    }

    /// The chunks of a WebP file, after checking that its RIFF size matches its length.
    fn webp_chunks(file: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
        assert_eq!(&file[..4], b"RIFF");
        assert_eq!(&file[8..12], b"WEBP");
        let riff_size = u32::from_le_bytes(file[4..8].try_into().unwrap());
        assert_eq!(riff_size as usize, file.len() - 8, "RIFF size");
        let mut chunks = Vec::new();
        let mut pos = 12;
        while pos < file.len() {
            let id: [u8; 4] = file[pos..pos + 4].try_into().unwrap();
            let len = u32::from_le_bytes(file[pos + 4..pos + 8].try_into().unwrap()) as usize;
            chunks.push((id, file[pos + 8..pos + 8 + len].to_vec()));
            pos += 8 + len + len % 2;
        }
        assert_eq!(pos, file.len());
        chunks
    }

    fn vp8x(flags: u8, width: u32, height: u32) -> Vec<u8> {
        let mut data = vec![flags, 0, 0, 0];
        data.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
        data.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
        riff_chunk(b"VP8X", &data)
    }

    #[test]
    fn recognises_each_format_with_its_dimensions_and_keeps_clean_files_unchanged() {
        for (file, format, content_type, extension) in [
            (JPEG, ImageFormat::Jpeg, "image/jpeg", "jpg"),
            (PNG, ImageFormat::Png, "image/png", "png"),
            (WEBP_LOSSY, ImageFormat::Webp, "image/webp", "webp"),
            (WEBP_LOSSLESS, ImageFormat::Webp, "image/webp", "webp"),
        ] {
            let image = inspect_ok(file);
            assert_eq!(image.format, format);
            assert_eq!((image.width, image.height), (5, 3), "{format:?}");
            assert_eq!(image.format.content_type(), content_type);
            assert_eq!(image.format.extension(), extension);
            assert_eq!(image.bytes, file, "{format:?} must be stored as uploaded");
        }
    }

    #[test]
    fn text_named_like_a_jpeg_is_unsupported() {
        let text = b"Hello, this is a text file renamed to photo.jpg\n";
        assert!(matches!(
            inspect_image(text),
            Err(ImageError::UnsupportedType)
        ));
    }

    #[test]
    fn gif_svg_bmp_and_empty_input_are_unsupported() {
        let gif: &[u8] = b"GIF89a\x05\x00\x03\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\
            \x01\x00\x00\x00\x00,\x00\x00\x00\x00\x05\x00\x03\x00\x00\x02\x04\x84\x8f\xa9\x00;";
        let svg: &[u8] = br#"<svg xmlns="http://www.w3.org/2000/svg" width="5" height="3"/>"#;
        let bmp: &[u8] = b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00";
        // a RIFF file that is not WebP, and signatures cut short
        let wav: &[u8] = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00";
        for bytes in [
            gif,
            svg,
            bmp,
            wav,
            b"",
            b"\xFF",
            b"\xFF\xD8",
            b"\x89PNG",
            b"RIFF",
        ] {
            assert!(
                matches!(inspect_image(bytes), Err(ImageError::UnsupportedType)),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn jpeg_loses_exif_gps_xmp_iptc_and_comments_and_keeps_the_rest() {
        let exif = jpeg_segment(
            markers::APP1,
            b"Exif\0\0MM\0\x2a\0\0\0\x08 GPSLatitude 59.91 GPSLongitude 10.75",
        );
        let xmp = jpeg_segment(
            markers::APP1,
            b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><photoshop:City>Oslo</photoshop:City>",
        );
        let iptc = jpeg_segment(markers::APP13, b"Photoshop 3.0\08BIM\x04\x04 By-line: Kari");
        let comment = jpeg_segment(markers::COM, b"taken at GPSLatitude 59.91");
        let icc = jpeg_segment(markers::APP2, b"ICC_PROFILE\0\x01\x01 fake profile");
        let adobe = jpeg_segment(markers::APP14, b"Adobe\0\x64\0\0\0\0\x01");

        let at = after_jfif(JPEG);
        let uploaded = spliced(JPEG, at, &[&exif, &icc, &xmp, &iptc, &comment, &adobe]);
        assert!(contains(&uploaded, GPS));
        let image = inspect_ok(&uploaded);

        assert!(!contains(&image.bytes, GPS));
        assert!(!contains(&image.bytes, b"Oslo"));
        assert!(!contains(&image.bytes, b"Kari"));
        // exactly the upload without the metadata: JFIF, ICC, Adobe and the scan data kept
        assert_eq!(image.bytes, spliced(JPEG, at, &[&icc, &adobe]));
        assert_eq!(
            (image.format, image.width, image.height),
            (ImageFormat::Jpeg, 5, 3)
        );
        let again = inspect_ok(&image.bytes);
        assert_eq!(again.bytes, image.bytes);
    }

    #[test]
    fn jpeg_loses_metadata_after_the_scan_and_data_appended_after_the_end() {
        let eoi = JPEG.len() - 2;
        assert_eq!(&JPEG[eoi..], [0xFF, 0xD9]);
        let comment = jpeg_segment(markers::COM, b"GPSLatitude 59.91");
        let mut uploaded = spliced(JPEG, eoi, &[&comment]);
        // what a phone appends: a motion-photo video with a location in it
        uploaded.extend_from_slice(b"\0\0\0\x18ftypmp42\0\0\0\0 GPSLatitude 59.91");
        let image = inspect_ok(&uploaded);
        assert_eq!(image.bytes, JPEG);
    }

    #[test]
    fn jpeg_multi_picture_index_is_dropped_with_the_pictures_it_points_at() {
        let mpf = jpeg_segment(markers::APP2, b"MPF\0MM\0\x2a\0\0\0\x08");
        let mut uploaded = spliced(JPEG, after_jfif(JPEG), &[&mpf]);
        uploaded.extend_from_slice(JPEG);
        let image = inspect_ok(&uploaded);
        assert_eq!(image.bytes, JPEG);
    }

    #[test]
    fn png_loses_text_exif_and_time_chunks_and_keeps_the_rest_in_order() {
        let exif = png_chunk(b"eXIf", b"MM\0\x2a\0\0\0\x08 GPSLatitude 59.91");
        let text = png_chunk(b"tEXt", b"Comment\0taken at GPSLatitude 59.91");
        let ztxt = png_chunk(b"zTXt", b"Author\0\0x\x9c\x03\0\0\0\0\x01");
        let itxt = png_chunk(
            b"iTXt",
            b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>Oslo</x:xmpmeta>",
        );
        let time = png_chunk(b"tIME", b"\x07\xea\x01\x02\x03\x04\x05");
        let srgb = png_chunk(b"sRGB", b"\0");
        let phys = png_chunk(b"pHYs", b"\0\0\x0b\x13\0\0\x0b\x13\x01");

        let at = PNG_AFTER_IHDR;
        let uploaded = spliced(PNG, at, &[&srgb, &exif, &text, &phys, &ztxt, &itxt, &time]);
        assert!(contains(&uploaded, GPS));
        let image = inspect_ok(&uploaded);

        assert!(!contains(&image.bytes, GPS));
        assert!(!contains(&image.bytes, b"Oslo"));
        assert_eq!(image.bytes, spliced(PNG, at, &[&srgb, &phys]));
        assert_eq!(
            (image.format, image.width, image.height),
            (ImageFormat::Png, 5, 3)
        );
    }

    #[test]
    fn webp_loses_exif_and_xmp_chunks_and_flags_with_a_consistent_riff_size() {
        const ICC: u8 = 0b0010_0000;
        let vp8 = webp_chunks(WEBP_LOSSY).remove(0);
        assert_eq!(&vp8.0, b"VP8 ");
        let vp8 = riff_chunk(&vp8.0, &vp8.1);
        // an odd length, so that the RIFF padding is exercised
        let exif = riff_chunk(b"EXIF", b"Exif\0\0MM\0\x2a\0\0\0\x08 GPSLatitude 59.9");
        let xmp = riff_chunk(b"XMP ", b"<x:xmpmeta><photoshop:City>Oslo</photoshop:City>");
        let iccp = riff_chunk(b"ICCP", b"fake profile");
        let flags = ICC | VP8X_EXIF_FLAG | VP8X_XMP_FLAG;
        let uploaded = webp(&[vp8x(flags, 5, 3), iccp.clone(), vp8.clone(), exif, xmp]);
        webp_chunks(&uploaded);
        assert!(contains(&uploaded, GPS));

        let image = inspect_ok(&uploaded);

        assert!(!contains(&image.bytes, GPS));
        assert!(!contains(&image.bytes, b"Oslo"));
        let ids: Vec<[u8; 4]> = webp_chunks(&image.bytes)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ids, [*b"VP8X", *b"ICCP", *b"VP8 "]);
        assert_eq!(image.bytes, webp(&[vp8x(ICC, 5, 3), iccp, vp8]));
        assert_eq!(
            (image.format, image.width, image.height),
            (ImageFormat::Webp, 5, 3)
        );
    }

    #[test]
    fn headers_promising_too_many_pixels_are_too_large() {
        let ihdr = |width: u32, height: u32| {
            let data = [
                &width.to_be_bytes()[..],
                &height.to_be_bytes(),
                b"\x08\x02\0\0\0",
            ];
            png_chunk(b"IHDR", &data.concat())
        };
        let idat = png_chunk(b"IDAT", b"x\x9c\x03\0\0\0\0\x01");
        let iend = png_chunk(b"IEND", b"");
        let png = [&PNG[..8], &ihdr(100_000, 100_000), &idat, &iend].concat();

        let mut jpeg = JPEG.to_vec();
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        jpeg[sof + 5..sof + 9].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);

        let vp8 = webp_chunks(WEBP_LOSSY).remove(0);
        let webp = webp(&[vp8x(0, 16_384, 16_384), riff_chunk(&vp8.0, &vp8.1)]);

        for file in [png, jpeg, webp] {
            assert!(matches!(
                inspect_image(&file),
                Err(ImageError::TooLarge {
                    max_pixels: MAX_PIXELS
                })
            ));
        }
        // 10_000 × 5_000 is exactly the limit
        let png = [&PNG[..8], &ihdr(10_000, 5_000), &idat, &iend].concat();
        assert_eq!(inspect_ok(&png).width, 10_000);
    }

    #[test]
    fn zero_dimensions_are_corrupt() {
        let ihdr = png_chunk(b"IHDR", b"\0\0\0\0\0\0\0\x03\x08\x02\0\0\0");
        let png = [&PNG[..8], &ihdr, &PNG[PNG_AFTER_IHDR..]].concat();
        assert!(matches!(inspect_image(&png), Err(ImageError::Corrupt(_))));
    }

    #[test]
    fn truncated_files_are_rejected_without_panicking() {
        for file in [JPEG, PNG, WEBP_LOSSY, WEBP_LOSSLESS] {
            for len in 0..file.len() {
                match inspect_image(&file[..len]) {
                    Err(ImageError::Corrupt(_) | ImageError::UnsupportedType) => {}
                    other => panic!("{len} bytes of {:?}: {other:?}", &file[..4]),
                }
            }
        }
    }

    #[test]
    fn broken_files_with_a_valid_signature_are_corrupt() {
        let mut png = PNG.to_vec();
        png[20] ^= 0x01; // inside IHDR: the CRC no longer matches
        let mut webp = WEBP_LOSSY.to_vec();
        webp[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        let jpeg_without_frame = [0xFF, 0xD8, 0xFF, 0xD9];
        let webp_without_image = self::webp(&[vp8x(0, 5, 3)]);
        for file in [&png[..], &webp, &jpeg_without_frame, &webp_without_image] {
            assert!(
                matches!(inspect_image(file), Err(ImageError::Corrupt(_))),
                "{file:?}"
            );
        }
    }
}
