//! Advanced SubStation Alpha (ASS) subtitles.

use super::Exporter;
use super::cues::{Cue, CueBuilder, Language};
use crate::Transcription;

/// Writes ASS v4.00+ for libass and VSFilter: a 1920×1080 script with one `Default` style
/// (white text, black outline, bottom centre) in a CJK-capable font (Noto Sans CJK, the
/// variant for the document's language), `H:MM:SS.cc` times (hours keep counting past 9;
/// centiseconds rounded down, a cue never shorter than one), lines joined with `\N`, the
/// speaker in the `Name` field, and `{`, `}`, `\` made harmless (full-width braces, a
/// zero-width space after a backslash), since ASS has no portable escape.
///
/// ```
/// use asrpost::export::{AssExporter, Exporter};
///
/// let doc = asrpost::Transcription::from_str(r#"{"transcripts":[{"sentences":[
///   {"begin_time":500,"end_time":2500,"text":"你好{世界}。","speaker_id":1}]}]}"#)?;
/// let ass = AssExporter::default().export_to_string(&doc);
/// assert!(ass.contains("Fontname") && ass.contains("Noto Sans CJK SC"));
/// assert!(ass.ends_with("Dialogue: 0,0:00:00.50,0:00:02.50,Default,Speaker 1,0,0,0,,你好｛世界｝。\n"));
/// # Ok::<(), asrpost::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct AssExporter {
    cues: CueBuilder,
}

impl AssExporter {
    /// An ASS writer laying cues out with `cues`.
    pub fn new(cues: CueBuilder) -> AssExporter {
        AssExporter { cues }
    }

    /// Writes `cues` as ASS to `out`, with the style's font chosen for `language`.
    pub fn write_cues(&self, cues: &[Cue], language: Language, out: &mut String) {
        let font = match language {
            Language::Japanese => "Noto Sans CJK JP",
            Language::Korean => "Noto Sans CJK KR",
            _ => "Noto Sans CJK SC",
        };
        out.push_str("[Script Info]\nScriptType: v4.00+\nPlayResX: 1920\nPlayResY: 1080\n");
        out.push_str("WrapStyle: 0\nScaledBorderAndShadow: yes\n\n[V4+ Styles]\n");
        out.push_str("Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n");
        out.push_str("Style: Default,");
        out.push_str(font);
        out.push_str(",64,&H00FFFFFF,&H000000FF,&H00000000,&H80000000,0,0,0,0,100,100,0,0,1,3,1,2,60,60,50,1\n\n");
        out.push_str("[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n");
        for cue in cues {
            let begin = cue.begin.0 / 10;
            let end = (cue.end.0 / 10).max(begin + 1);
            out.push_str("Dialogue: 0,");
            push_time(begin, out);
            out.push(',');
            push_time(end, out);
            out.push_str(",Default,");
            if let Some(name) = &cue.speaker {
                // Fields other than Text may not hold commas.
                out.extend(name.chars().map(|c| match c {
                    ',' => '，',
                    c if c.is_control() => ' ',
                    c => c,
                }));
            }
            out.push_str(",0,0,0,,");
            for (k, line) in cue.lines.iter().enumerate() {
                if k > 0 {
                    out.push_str("\\N");
                }
                escape(&line.text, out);
            }
            out.push('\n');
        }
    }
}

/// `H:MM:SS.cc` from centiseconds.
fn push_time(cs: u64, out: &mut String) {
    let s = cs / 100;
    crate::time::push_decimal(s / 3600, out);
    for (sep, v) in [(':', (s / 60) % 60), (':', s % 60), ('.', cs % 100)] {
        out.push(sep);
        out.push((b'0' + (v / 10) as u8) as char);
        out.push((b'0' + (v % 10) as u8) as char);
    }
}

fn escape(text: &str, out: &mut String) {
    const SPECIAL: [bool; 256] = super::byte_set(b"{}\\\r\n");
    if !super::has_byte_in(text, &SPECIAL) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '{' => out.push('｛'),
            '}' => out.push('｝'),
            '\\' => out.push_str("\\\u{200B}"),
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
}

impl Exporter for AssExporter {
    fn extension(&self) -> &'static str {
        "ass"
    }

    fn export(&self, doc: &Transcription<'_>, out: &mut String) {
        // ASS shows no per-word times.
        let (preset, cues) = self.cues.build_for_writer(doc, false);
        self.write_cues(&cues, preset.language, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_match_millis() {
        for cs in [0, 1, 99, 5999, 6000, 360_000, 9_000_001] {
            let mut out = String::new();
            push_time(cs, &mut out);
            assert_eq!(out, crate::Millis(cs * 10).to_ass());
        }
    }

    #[test]
    fn times() {
        for (cs, want) in [
            (0, "0:00:00.00"),
            (550, "0:00:05.50"),
            (5999, "0:00:59.99"),
            (360_000 * 11 + 1, "11:00:00.01"),
        ] {
            let mut out = String::new();
            push_time(cs, &mut out);
            assert_eq!(out, want);
        }
    }

    #[test]
    fn escapes() {
        let mut out = String::new();
        escape("{\\i1}a\\Nb", &mut out);
        assert_eq!(out, "｛\\\u{200B}i1｝a\\\u{200B}Nb");
    }
}
