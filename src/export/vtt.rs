//! WebVTT subtitles.

use super::Exporter;
use super::cues::{Cue, CueBuilder, SpeakerLabels};
use crate::Transcription;

/// Writes WebVTT as the W3C parser wants it: the `WEBVTT` header and a blank line, cues
/// separated by blank lines, `HH:MM:SS.mmm` times (hours keep counting past 99), `&`, `<`, `>`
/// escaped (so `-->` can never appear in a cue), speakers as `<v Name>` voice spans when
/// speaker labels are on, and optionally per-word `<HH:MM:SS.mmm>` karaoke timestamps.
///
/// ```
/// use asrpost::export::{Exporter, WebVttExporter};
/// use asrpost::export::cues::{CueBuilder, Preset, SpeakerLabels};
///
/// let doc = asrpost::Transcription::from_str(r#"{"transcripts":[{"sentences":[
///   {"begin_time":0,"end_time":1500,"text":"a --> b & c ","speaker_id":2}]}]}"#)?;
/// let cues = CueBuilder::new(Preset::bbc()).speaker_labels(SpeakerLabels::Names);
/// let vtt = WebVttExporter::new(cues).export_to_string(&doc);
/// assert_eq!(vtt, "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\n<v Speaker 2>a --&gt; b &amp; c</v>\n");
/// # Ok::<(), asrpost::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct WebVttExporter {
    cues: CueBuilder,
    karaoke: bool,
}

impl WebVttExporter {
    /// A WebVTT writer laying cues out with `cues`.
    pub fn new(cues: CueBuilder) -> WebVttExporter {
        WebVttExporter {
            cues,
            karaoke: false,
        }
    }

    /// Put a timestamp tag before each word, for players that highlight the word being
    /// spoken. By default, no per-word timestamps.
    pub fn karaoke(mut self, yes: bool) -> Self {
        self.karaoke = yes;
        self
    }

    /// Writes `cues` as WebVTT to `out`, voices when `labels` is not
    /// [`SpeakerLabels::None`].
    pub fn write_cues(&self, cues: &[Cue], labels: SpeakerLabels, out: &mut String) {
        out.push_str("WEBVTT\n");
        let voices = labels != SpeakerLabels::None;
        for cue in cues {
            out.push('\n');
            cue.begin.push_clock('.', out);
            out.push_str(" --> ");
            cue.end.push_clock('.', out);
            out.push('\n');
            // Karaoke timestamps must rise strictly and lie inside the cue.
            let mut last = cue.begin;
            for (k, line) in cue.lines.iter().enumerate() {
                if k > 0 {
                    out.push('\n');
                }
                let voice = if voices {
                    line.speaker.as_ref().or(cue.speaker.as_ref())
                } else {
                    None
                };
                let whole_cue = voice.is_some() && line.speaker.is_none();
                if let Some(name) = voice {
                    if !whole_cue || k == 0 {
                        out.push_str("<v ");
                        escape(name, out);
                        out.push('>');
                    }
                }
                let mut at = 0;
                if self.karaoke {
                    for w in &line.words {
                        if w.offset > at && w.begin > last && w.begin < cue.end {
                            if let Some(piece) = line.text.get(at..w.offset) {
                                escape(piece, out);
                                out.push('<');
                                w.begin.push_clock('.', out);
                                out.push('>');
                                at = w.offset;
                                last = w.begin;
                            }
                        }
                    }
                }
                escape(line.text.get(at..).unwrap_or_default(), out);
                if voice.is_some() && (!whole_cue || k + 1 == cue.lines.len()) {
                    out.push_str("</v>");
                }
            }
            out.push('\n');
        }
    }
}

/// Appends `text` with `&`, `<`, `>` escaped and line breaks as spaces.
fn escape(text: &str, out: &mut String) {
    const SPECIAL: [bool; 256] = super::byte_set(b"&<>\r\n");
    if !super::has_byte_in(text, &SPECIAL) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
}

impl Exporter for WebVttExporter {
    fn extension(&self) -> &'static str {
        "vtt"
    }

    fn export(&self, doc: &Transcription<'_>, out: &mut String) {
        let (_, cues) = self.cues.build_for_writer(doc, self.karaoke);
        self.write_cues(&cues, self.cues.labels(), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::cues::Preset;

    #[test]
    fn karaoke_timestamps_inside_cue() {
        let doc = Transcription::from_str(
            r#"{"transcripts":[{"sentences":[{"begin_time":0,"end_time":1500,"text":"你好世界",
            "words":[{"begin_time":0,"end_time":400,"text":"你","punctuation":""},
            {"begin_time":400,"end_time":800,"text":"好","punctuation":""},
            {"begin_time":800,"end_time":1200,"text":"世","punctuation":""},
            {"begin_time":1200,"end_time":1500,"text":"界","punctuation":""}]}]}]}"#,
        )
        .unwrap();
        let vtt = WebVttExporter::new(CueBuilder::new(Preset::from_name("zh").unwrap()))
            .karaoke(true)
            .export_to_string(&doc);
        assert_eq!(
            vtt,
            "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\n你<00:00:00.400>好<00:00:00.800>世<00:00:01.200>界\n"
        );
    }

    #[test]
    fn escapes() {
        let mut out = String::new();
        escape("a-->b <i> & x\ny", &mut out);
        assert_eq!(out, "a--&gt;b &lt;i&gt; &amp; x y");
    }
}
