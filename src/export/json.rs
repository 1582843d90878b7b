//! The result JSON, written back losslessly with any enrichment.

use super::Exporter;
use crate::{Transcription, WriteOptions};

/// Writes the (processed) result JSON: the input's shape, unknown fields kept, enrichment added.
#[derive(Clone, Copy, Debug, Default)]
pub struct JsonExporter {
    options: WriteOptions,
}

impl JsonExporter {
    /// An exporter with the given write options.
    pub fn new(options: WriteOptions) -> Self {
        JsonExporter { options }
    }
}

impl Exporter for JsonExporter {
    fn extension(&self) -> &'static str {
        "json"
    }

    fn export(&self, doc: &Transcription<'_>, out: &mut String) {
        self.options.write_to_string(doc, out);
        out.push('\n');
    }

    /// Streams the JSON (see [`WriteOptions::to_writer`]) rather than building it in memory.
    fn write(&self, doc: &Transcription<'_>, wtr: &mut dyn std::io::Write) -> std::io::Result<()> {
        self.options.to_writer(doc, &mut *wtr)?;
        wtr.write_all(b"\n")
    }
}
