//! Text primitives: the standard fonts' WinAnsi encoding and metrics, and line wrapping.

use super::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Font {
    Regular,
    Bold,
}

impl Font {
    pub(super) fn name(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }
}

/// The WinAnsi (cp1252) code of `c`, for the characters the standard fonts draw.
pub(super) fn winansi_code(c: char) -> Option<u8> {
    Some(match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        '„' => 0x84,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '™' => 0x99,
        '\t' | '\r' | '\n' => b' ',
        _ => return None,
    })
}

/// Text in WinAnsi (cp1252); anything else becomes `?`.
pub(super) fn winansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| winansi_code(c).unwrap_or(b'?'))
        .collect()
}

pub(super) fn width(bytes: &[u8], size: f32, font: Font) -> f32 {
    let table = match font {
        Font::Regular => &HELVETICA,
        Font::Bold => &HELVETICA_BOLD,
    };
    let units: u32 = bytes
        .iter()
        .map(|&b| {
            if b >= 32 {
                match table[(b - 32) as usize] {
                    0 => 556,
                    w => w as u32,
                }
            } else {
                0
            }
        })
        .sum();
    units as f32 * size / 1000.0
}

pub(super) fn text_width(text: &str, size: f32, font: Font) -> f32 {
    width(&winansi(text), size, font)
}

/// Greedy word wrap of `text` measured by `width`; words longer than a line are cut (so are runs of
/// CJK text, which has no spaces).
pub(super) fn wrap(text: &str, max: f32, width: impl Fn(&str) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate) <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut rest = word.to_string();
        while width(&rest) > max {
            let mut cut = String::new();
            for c in rest.chars() {
                if width(&format!("{cut}{c}")) > max && !cut.is_empty() {
                    break;
                }
                cut.push(c);
            }
            rest = rest[cut.len()..].to_string();
            lines.push(cut);
        }
        line = rest;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

pub(super) fn hex(colour: &str) -> Rgb {
    let v = u32::from_str_radix(colour.trim_start_matches('#'), 16).unwrap_or(0);
    (
        ((v >> 16) & 0xff) as f32 / 255.0,
        ((v >> 8) & 0xff) as f32 / 255.0,
        (v & 0xff) as f32 / 255.0,
    )
}
