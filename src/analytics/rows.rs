//! Flat rows, one per file and party, for CSV and JSON lines.

use serde::{Deserialize, Serialize};

use super::Stats;

/// A value that can be a CSV field.
trait CsvField {
    fn write_csv(&self, out: &mut String);
}

impl CsvField for u64 {
    fn write_csv(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}

impl CsvField for f64 {
    fn write_csv(&self, out: &mut String) {
        // `Display` of f64 is the shortest round-trip form, never exponent notation.
        out.push_str(&self.to_string());
    }
}

impl<T: CsvField> CsvField for Option<T> {
    fn write_csv(&self, out: &mut String) {
        if let Some(v) = self {
            v.write_csv(out);
        }
    }
}

impl CsvField for u32 {
    fn write_csv(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}

impl CsvField for i64 {
    fn write_csv(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}

impl CsvField for String {
    fn write_csv(&self, out: &mut String) {
        // RFC 4180: quote fields with separators, quotes or line breaks; double the quotes.
        if self.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&self.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(self);
        }
    }
}

macro_rules! party_row {
    ($($(#[doc = $doc:literal])* $field:ident : $ty:ty),* $(,)?) => {
        /// One row per file and party: the party's figures next to the conversation's, in flat
        /// columns for DuckDB, pandas or Spark. Column names are the field names, in order
        /// ([`PartyRow::COLUMNS`]); times are milliseconds.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        pub struct PartyRow {
            $($(#[doc = $doc])* pub $field: $ty,)*
        }

        impl PartyRow {
            /// The column names, in order.
            pub const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// Appends the CSV header line.
            pub fn write_csv_header(out: &mut String) {
                out.push_str(&Self::COLUMNS.join(","));
                out.push('\n');
            }

            /// Appends this row as a CSV line (RFC 4180 quoting; empty for a missing value).
            pub fn write_csv(&self, out: &mut String) {
                let mut first = true;
                $(
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    self.$field.write_csv(out);
                )*
                let _ = first;
                out.push('\n');
            }
        }
    };
}

party_row! {
    /// The input file.
    file: String,
    /// The party's label.
    party: String,
    /// The party's channel, when parties are channels.
    channel: Option<u32>,
    /// The party's speaker, when parties are speakers.
    speaker: Option<i64>,
    /// The call's duration.
    duration_ms: u64,
    /// Time with anyone talking over the duration.
    speech_ratio: f64,
    /// Time with two or more parties talking.
    overlap_ms: u64,
    /// Interruptions in the conversation.
    conversation_interruptions: u64,
    /// Non-talk instances in the conversation.
    non_talk_count: u64,
    /// Their summed duration.
    non_talk_ms: u64,
    /// The longest one.
    non_talk_longest_ms: u64,
    /// Turns in the conversation.
    conversation_turns: u64,
    /// Party switches per minute.
    switches_per_minute: f64,
    /// Mean response latency in the conversation.
    latency_mean_ms: f64,
    /// Median response latency in the conversation.
    latency_median_ms: u64,
    /// 90th percentile of the response latency in the conversation.
    latency_p90_ms: u64,
    /// The party's talk time.
    talk_ms: u64,
    /// Share of the summed talk time.
    share_of_talk: f64,
    /// Share of the call's duration.
    share_of_call: f64,
    /// Words.
    words: u64,
    /// CJK characters.
    characters: u64,
    /// Words per minute of own talk.
    words_per_minute: f64,
    /// Characters per minute of own talk.
    characters_per_minute: f64,
    /// Turns taken.
    turns: u64,
    /// Backchannels given.
    backchannels: u64,
    /// The longest monologue (zero without one).
    longest_monologue_ms: u64,
    /// Questions asked.
    questions: u64,
    /// Fillers.
    fillers: u64,
    /// Fillers per minute of own talk.
    fillers_per_minute: f64,
    /// Sensitive-word hits.
    sensitive_hits: u64,
    /// Interruptions made.
    interruptions: u64,
    /// Their summed overlap.
    interruptions_ms: u64,
    /// Times interrupted.
    interrupted: u64,
    /// Mean latency of the party's turns.
    party_latency_mean_ms: f64,
    /// Median latency of the party's turns.
    party_latency_median_ms: u64,
    /// 90th percentile latency of the party's turns.
    party_latency_p90_ms: u64,
}

impl Stats {
    /// One flat row per party, naming the input `file`.
    ///
    /// ```
    /// use asrpost::{Transcription, analytics::{PartyRow, Stats}};
    ///
    /// let doc = Transcription::from_str(r#"{"transcripts":[{"channel_id":0,"sentences":[
    ///   {"begin_time":0,"end_time":3000,"text":"Hello there, world."}]}]}"#)?;
    /// let mut csv = String::new();
    /// PartyRow::write_csv_header(&mut csv);
    /// for row in Stats::compute(&doc).rows("a.json") {
    ///     row.write_csv(&mut csv);
    /// }
    /// assert!(csv.starts_with("file,party,channel,speaker,duration_ms,"));
    /// assert!(csv.lines().nth(1).unwrap().starts_with("a.json,ch0,0,,3000,1,0,"));
    /// # Ok::<(), asrpost::Error>(())
    /// ```
    pub fn rows(&self, file: &str) -> Vec<PartyRow> {
        let c = &self.conversation;
        self.parties
            .iter()
            .map(|p| PartyRow {
                file: file.to_string(),
                party: p.party.clone(),
                channel: p.channel,
                speaker: p.speaker,
                duration_ms: c.duration_ms,
                speech_ratio: c.speech_ratio,
                overlap_ms: c.overlap_ms,
                conversation_interruptions: c.interruptions,
                non_talk_count: c.non_talk.count,
                non_talk_ms: c.non_talk.total_ms,
                non_talk_longest_ms: c.non_talk.longest_ms,
                conversation_turns: c.turns,
                switches_per_minute: c.switches_per_minute,
                latency_mean_ms: c.response_latency.mean_ms,
                latency_median_ms: c.response_latency.median_ms,
                latency_p90_ms: c.response_latency.p90_ms,
                talk_ms: p.talk_ms,
                share_of_talk: p.share_of_talk,
                share_of_call: p.share_of_call,
                words: p.words,
                characters: p.characters,
                words_per_minute: p.words_per_minute,
                characters_per_minute: p.characters_per_minute,
                turns: p.turns,
                backchannels: p.backchannels,
                longest_monologue_ms: p.longest_monologue.map_or(0, |m| m.duration_ms),
                questions: p.questions,
                fillers: p.fillers,
                fillers_per_minute: p.fillers_per_minute,
                sensitive_hits: p.sensitive_hits,
                interruptions: p.interruptions.len() as u64,
                interruptions_ms: p.interruptions.iter().map(|i| i.duration_ms).sum(),
                interrupted: p.interrupted,
                party_latency_mean_ms: p.response_latency.mean_ms,
                party_latency_median_ms: p.response_latency.median_ms,
                party_latency_p90_ms: p.response_latency.p90_ms,
            })
            .collect()
    }
}
