//! The stage pipeline.
//!
//! A [`Stage`] changes a [`Transcription`] in place and records what it did in a [`Report`].
//! A [`Pipeline`] runs stages in order on one document ([`Pipeline::run`]) or on many in
//! parallel ([`Pipeline::run_batch`]). Stages take `&self`, so a pipeline is `Send + Sync` and
//! can be shared by threads.
//!
//! # Writing a stage
//!
//! ```
//! use asrpost::{Pipeline, Report, Result, Stage, Transcription};
//!
//! /// Drops sentences shorter than a limit.
//! #[derive(Debug)]
//! struct DropShort(u64);
//!
//! impl Stage for DropShort {
//!     fn name(&self) -> &'static str {
//!         "drop-short"
//!     }
//!     fn process(&self, doc: &mut Transcription<'_>, report: &mut Report) -> Result<()> {
//!         let mut dropped = 0;
//!         for t in &mut doc.transcripts {
//!             let before = t.sentences.len();
//!             t.sentences.retain(|s| s.end_time.0.saturating_sub(s.begin_time.0) >= self.0);
//!             dropped += (before - t.sentences.len()) as u64;
//!             t.rebuild_text();
//!         }
//!         report.stage(self.name()).count("dropped", dropped);
//!         Ok(())
//!     }
//! }
//!
//! let mut doc = Transcription::from_str(r#"{"transcripts":[{"text":"a。b。","sentences":[
//!     {"begin_time":0,"end_time":100,"text":"a。"},{"begin_time":200,"end_time":2000,"text":"b。"}]}]}"#)?;
//! let pipeline = Pipeline::builder().stage(DropShort(500)).build();
//! let report = pipeline.run(&mut doc)?;
//! assert_eq!(doc.transcripts[0].text, "b。");
//! assert_eq!(report.counter("drop-short", "dropped"), 1);
//! # Ok::<(), asrpost::Error>(())
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use rayon::prelude::*;
use serde::Serialize;

use crate::Millis;

pub mod align;
pub mod disfluency;
pub mod sensitive;
pub mod turns;
use crate::error::Result;
use crate::model::{Location, Sentence, Transcription};

/// One step of post-processing.
pub trait Stage: Send + Sync + fmt::Debug {
    /// A short, stable name (`sensitive`, `disfluency`…): the key of its report and errors.
    fn name(&self) -> &'static str;

    /// Processes one document in place.
    ///
    /// # Errors
    ///
    /// A stage fails only on conditions it cannot repair; content problems are repaired or
    /// reported, not errors.
    fn process(&self, doc: &mut Transcription<'_>, report: &mut Report) -> Result<()>;
}

/// A stage made from a closure (see [`from_fn`]).
pub struct FnStage<F> {
    name: &'static str,
    f: F,
}

impl<F> fmt::Debug for FnStage<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FnStage").field("name", &self.name).finish()
    }
}

impl<F> Stage for FnStage<F>
where
    F: Fn(&mut Transcription<'_>, &mut Report) -> Result<()> + Send + Sync,
{
    fn name(&self) -> &'static str {
        self.name
    }
    fn process(&self, doc: &mut Transcription<'_>, report: &mut Report) -> Result<()> {
        (self.f)(doc, report)
    }
}

/// A stage from a closure.
///
/// ```
/// use asrpost::{Pipeline, stages};
///
/// let upper = stages::from_fn("upper-url", |doc, _report| {
///     doc.file_url = doc.file_url.to_uppercase().into();
///     Ok(())
/// });
/// let mut doc = asrpost::Transcription::from_str(r#"{"file_url":"a.wav"}"#)?;
/// Pipeline::builder().stage(upper).build().run(&mut doc)?;
/// assert_eq!(doc.file_url, "A.WAV");
/// # Ok::<(), asrpost::Error>(())
/// ```
pub fn from_fn<F>(name: &'static str, f: F) -> FnStage<F>
where
    F: Fn(&mut Transcription<'_>, &mut Report) -> Result<()> + Send + Sync,
{
    FnStage { name, f }
}

/// Stages in order.
#[derive(Debug, Default)]
pub struct Pipeline {
    stages: Vec<Box<dyn Stage>>,
}

/// Builds a [`Pipeline`].
#[derive(Debug, Default)]
pub struct PipelineBuilder {
    stages: Vec<Box<dyn Stage>>,
}

impl PipelineBuilder {
    /// Appends a stage.
    pub fn stage<S: Stage + 'static>(mut self, stage: S) -> Self {
        self.stages.push(Box::new(stage));
        self
    }

    /// Appends a boxed stage (for stages chosen at run time).
    pub fn boxed(mut self, stage: Box<dyn Stage>) -> Self {
        self.stages.push(stage);
        self
    }

    /// Appends a stage when it is `Some`.
    pub fn maybe<S: Stage + 'static>(self, stage: Option<S>) -> Self {
        match stage {
            Some(s) => self.stage(s),
            None => self,
        }
    }

    /// The pipeline.
    pub fn build(self) -> Pipeline {
        Pipeline {
            stages: self.stages,
        }
    }
}

impl Pipeline {
    /// A builder.
    pub fn builder() -> PipelineBuilder {
        PipelineBuilder::default()
    }

    /// The stages' names in order.
    pub fn stage_names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.name()).collect()
    }

    /// Whether there are no stages.
    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
    }

    /// Runs every stage on one document.
    ///
    /// # Errors
    ///
    /// The first stage error; the document may then be partly processed.
    pub fn run(&self, doc: &mut Transcription<'_>) -> Result<Report> {
        let mut report = Report::default();
        for stage in &self.stages {
            report.stage(stage.name());
            stage.process(doc, &mut report)?;
        }
        Ok(report)
    }

    /// Runs the pipeline on many documents in parallel on rayon's current pool, giving each
    /// document's result in input order. The outcome equals running them one by one.
    ///
    /// The library never configures the global pool; to bound the threads, run it inside
    /// your own pool:
    ///
    /// ```
    /// # use asrpost::{Pipeline, Transcription};
    /// let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build()?;
    /// let mut docs = vec![Transcription::from_str("{}")?, Transcription::from_str("{}")?];
    /// let results = pool.install(|| Pipeline::builder().build().run_batch(&mut docs));
    /// assert!(results.iter().all(|r| r.is_ok()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn run_batch(&self, docs: &mut [Transcription<'_>]) -> Vec<Result<Report>> {
        docs.par_iter_mut().map(|doc| self.run(doc)).collect()
    }
}

/// What the stages did to one document: per-stage counters and time-stamped events.
///
/// Serializes to JSON as `{"stages":[{"stage":…,"counters":{…},"events":[…]}]}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Report {
    /// One entry per stage that ran, in order.
    pub stages: Vec<StageReport>,
}

impl Report {
    /// The report of stage `name`, created if missing.
    pub fn stage(&mut self, name: &str) -> &mut StageReport {
        match self.stages.iter().position(|s| s.stage == name) {
            Some(i) => &mut self.stages[i],
            None => {
                self.stages.push(StageReport::new(name));
                self.stages.last_mut().expect("just pushed") // OK: pushed on the line above
            }
        }
    }

    /// The report of stage `name`, if it ran.
    pub fn get(&self, name: &str) -> Option<&StageReport> {
        self.stages.iter().find(|s| s.stage == name)
    }

    /// A counter of a stage, zero if absent.
    pub fn counter(&self, stage: &str, key: &str) -> u64 {
        self.get(stage)
            .and_then(|s| s.counters.get(key).copied())
            .unwrap_or(0)
    }

    /// All events of all stages, in order.
    pub fn events(&self) -> impl Iterator<Item = &ReportEvent> {
        self.stages.iter().flat_map(|s| &s.events)
    }

    /// The report as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default() // plain data: cannot fail
    }
}

/// What one stage did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StageReport {
    /// The stage's name.
    pub stage: String,
    /// Named counts (`masked`, `removed`, `repaired`…).
    pub counters: BTreeMap<String, u64>,
    /// Individual events in document order.
    pub events: Vec<ReportEvent>,
}

impl StageReport {
    /// An empty report for a stage.
    pub fn new(stage: &str) -> StageReport {
        StageReport {
            stage: stage.to_string(),
            ..StageReport::default()
        }
    }

    /// Adds `n` to counter `key`.
    pub fn count(&mut self, key: &str, n: u64) -> &mut Self {
        if let Some(c) = self.counters.get_mut(key) {
            *c += n;
        } else {
            self.counters.insert(key.to_string(), n);
        }
        self
    }

    /// Records an event.
    pub fn event(&mut self, event: ReportEvent) -> &mut Self {
        self.events.push(event);
        self
    }

    /// Appends another report of the same stage (counters added, events after).
    pub fn merge(&mut self, other: StageReport) {
        for (k, v) in other.counters {
            *self.counters.entry(k).or_insert(0) += v;
        }
        self.events.extend(other.events);
    }
}

/// One thing a stage did, with where and when.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportEvent {
    /// What happened (`masked`, `removed-filler`, `repaired-end`…).
    pub kind: Cow<'static, str>,
    /// Where in the document.
    pub location: Location,
    /// Word range `[first, last)` within the sentence, when the event covers words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<(usize, usize)>,
    /// Start of the affected audio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub begin: Option<Millis>,
    /// End of the affected audio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<Millis>,
    /// The text involved. A `'static` string (such as a list entry the text equals) is kept
    /// without a copy: a long document has thousands of events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Cow<'static, str>>,
    /// Stage-specific details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,
}

impl ReportEvent {
    /// An event of `kind` at `location`.
    pub fn new(kind: impl Into<Cow<'static, str>>, location: Location) -> ReportEvent {
        ReportEvent {
            kind: kind.into(),
            location,
            words: None,
            begin: None,
            end: None,
            text: None,
            detail: None,
        }
    }

    /// Sets the word range `[first, last)`.
    pub fn words(mut self, first: usize, last: usize) -> Self {
        self.words = Some((first, last));
        self
    }

    /// Sets the time span.
    pub fn time(mut self, begin: Millis, end: Millis) -> Self {
        self.begin = Some(begin);
        self.end = Some(end);
        self
    }

    /// Sets the text (a `String`, or a `&'static str` that is not copied).
    pub fn text(mut self, text: impl Into<Cow<'static, str>>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Sets the details.
    pub fn detail(mut self, detail: impl Into<Detail>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// Stage-specific details of a [`ReportEvent`]: named values, written as one JSON object.
///
/// Lighter than a `serde_json` map, since a long document can have thousands of events: the
/// fields sit in one vector, kept in the order of their names (so the JSON is the same as a
/// map's), and a name known when the stage is written is not copied. Neither is such a
/// value: see [`DetailValue`].
///
/// ```
/// use asrpost::stages::Detail;
///
/// let d = Detail::new().with("entry", "测试").with("channel", 0);
/// assert_eq!(d["entry"], "测试");
/// assert_eq!(d["channel"], 0);
/// assert!(d.get("tag").is_none());
/// assert_eq!(serde_json::to_string(&d)?, r#"{"channel":0,"entry":"测试"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Detail {
    fields: Vec<(Cow<'static, str>, DetailValue)>,
}

impl Detail {
    /// No details.
    pub fn new() -> Detail {
        Detail::default()
    }

    /// No details, with room for `n` fields (a stage that sets many per event allocates once).
    pub fn with_capacity(n: usize) -> Detail {
        Detail {
            fields: Vec::with_capacity(n),
        }
    }

    /// The fields `fields`, already in the order of their names and each name once: a stage
    /// that writes many events builds them without a search per field.
    pub(crate) fn from_sorted(fields: Vec<(Cow<'static, str>, DetailValue)>) -> Detail {
        debug_assert!(
            fields.windows(2).all(|w| w[0].0 < w[1].0),
            "names not in order"
        );
        Detail { fields }
    }

    /// With `name` set to `value` (replacing an earlier value of the same name).
    pub fn with(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<DetailValue>,
    ) -> Detail {
        self.insert(name, value);
        self
    }

    /// Sets `name` to `value`, replacing an earlier value of the same name.
    pub fn insert(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<DetailValue>,
    ) -> &mut Self {
        self.insert_field(name.into(), value.into());
        self
    }

    /// [`Detail::insert`] after the conversions: one copy of the code for every caller
    /// (`insert` is generic, and a stage setting five fields would otherwise carry five copies
    /// in its hot path).
    #[inline(never)]
    fn insert_field(&mut self, name: Cow<'static, str>, value: DetailValue) {
        // Fields set in the order of their names (as stages mostly do) go at the end.
        if self.fields.last().is_none_or(|(n, _)| *n < name) {
            self.fields.push((name, value));
            return;
        }
        match self.fields.binary_search_by(|(n, _)| n.as_ref().cmp(&name)) {
            Ok(k) => self.fields[k].1 = value,
            Err(k) => self.fields.insert(k, (name, value)),
        }
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&DetailValue> {
        let k = self.fields.binary_search_by(|(n, _)| n.as_ref().cmp(name));
        k.ok().map(|k| &self.fields[k].1)
    }

    /// The fields in the order of their names.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &DetailValue)> {
        self.fields.iter().map(|(n, v)| (n.as_ref(), v))
    }

    /// How many fields there are.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

/// `detail["name"]` is the value of `name`, or `null` when there is none (as for a
/// `serde_json` object).
impl std::ops::Index<&str> for Detail {
    type Output = DetailValue;

    fn index(&self, name: &str) -> &DetailValue {
        static NULL: DetailValue = DetailValue::NULL;
        self.get(name).unwrap_or(&NULL)
    }
}

/// The fields of a JSON object.
impl From<serde_json::Map<String, serde_json::Value>> for Detail {
    fn from(map: serde_json::Map<String, serde_json::Value>) -> Detail {
        // A map iterates in the order of its names already.
        let mut detail = Detail::new();
        for (name, value) in map {
            detail.insert(name, value);
        }
        detail
    }
}

impl Serialize for Detail {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.fields.len()))?;
        for (name, value) in &self.fields {
            map.serialize_entry(name.as_ref(), value)?;
        }
        map.end()
    }
}

/// The value of a [`Detail`] field: a string, or any other JSON value.
///
/// A string known when the stage is written (`"hesitation"`, a language code) is kept as a
/// `&'static str`, without the allocation a `serde_json::Value` string needs: a stage writes
/// several per event, and a long document has thousands of events. Values are made with
/// `into()` from strings (`&'static str`, `String`, `Cow<'static, str>`), numbers, `bool`,
/// `Option` (`None` is `null`) and `serde_json` values, and are read with the accessors of
/// `serde_json::Value` (`as_str`, `as_u64`…), indexing into arrays and objects
/// (`detail["by_kind"]["hesitation"]`) and comparisons with strings and numbers. They are
/// written as the same `serde_json::Value` would be.
///
/// ```
/// use asrpost::stages::DetailValue;
///
/// let kind = DetailValue::from("hesitation"); // no allocation
/// assert_eq!(kind, "hesitation");
/// assert_eq!(kind.as_str(), Some("hesitation"));
/// let counts = DetailValue::from(serde_json::json!({"um": 2}));
/// assert_eq!(counts["um"], 2);
/// assert_eq!(DetailValue::from(None::<i64>).to_json(), serde_json::Value::Null);
/// assert_eq!(serde_json::to_string(&kind)?, r#""hesitation""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct DetailValue(DetailRepr);

/// The two forms of a [`DetailValue`]. A string is always `Str` (`From<Value>` takes a JSON
/// string apart), so the derived equality compares values, not forms.
#[derive(Clone, Debug, PartialEq)]
enum DetailRepr {
    Str(Cow<'static, str>),
    Json(serde_json::Value),
}

impl DetailValue {
    /// `null`.
    const NULL: DetailValue = DetailValue(DetailRepr::Json(serde_json::Value::Null));

    /// The `serde_json` value, when it is not a string.
    fn json(&self) -> Option<&serde_json::Value> {
        match &self.0 {
            DetailRepr::Str(_) => None,
            DetailRepr::Json(v) => Some(v),
        }
    }

    /// The string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.0 {
            DetailRepr::Str(s) => Some(s),
            DetailRepr::Json(_) => None,
        }
    }

    /// The boolean, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        self.json().and_then(serde_json::Value::as_bool)
    }

    /// The number, if it is an integer that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        self.json().and_then(serde_json::Value::as_i64)
    }

    /// The number, if it is an integer that fits a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        self.json().and_then(serde_json::Value::as_u64)
    }

    /// The number as an `f64`, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        self.json().and_then(serde_json::Value::as_f64)
    }

    /// The array, if it is one.
    pub fn as_array(&self) -> Option<&Vec<serde_json::Value>> {
        self.json().and_then(serde_json::Value::as_array)
    }

    /// The object, if it is one.
    pub fn as_object(&self) -> Option<&serde_json::Map<String, serde_json::Value>> {
        self.json().and_then(serde_json::Value::as_object)
    }

    /// Whether it is `null`.
    pub fn is_null(&self) -> bool {
        self.json().is_some_and(serde_json::Value::is_null)
    }

    /// The value as a `serde_json::Value` (a string is copied).
    pub fn to_json(&self) -> serde_json::Value {
        match &self.0 {
            DetailRepr::Str(s) => serde_json::Value::String(s.to_string()),
            DetailRepr::Json(v) => v.clone(),
        }
    }
}

impl Serialize for DetailValue {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        // A `serde_json` string serializes with `serialize_str` too: the JSON is the same.
        match &self.0 {
            DetailRepr::Str(s) => serializer.serialize_str(s),
            DetailRepr::Json(v) => v.serialize(serializer),
        }
    }
}

/// `value["key"]` or `value[0]` inside an object or array, `null` when missing (as for a
/// `serde_json::Value`).
impl<I: serde_json::value::Index> std::ops::Index<I> for DetailValue {
    type Output = serde_json::Value;

    fn index(&self, index: I) -> &serde_json::Value {
        static NULL: serde_json::Value = serde_json::Value::Null;
        match &self.0 {
            DetailRepr::Str(_) => &NULL,
            DetailRepr::Json(v) => &v[index],
        }
    }
}

impl From<&'static str> for DetailValue {
    fn from(s: &'static str) -> DetailValue {
        DetailValue(DetailRepr::Str(Cow::Borrowed(s)))
    }
}

impl From<String> for DetailValue {
    fn from(s: String) -> DetailValue {
        DetailValue(DetailRepr::Str(Cow::Owned(s)))
    }
}

impl From<Cow<'static, str>> for DetailValue {
    fn from(s: Cow<'static, str>) -> DetailValue {
        DetailValue(DetailRepr::Str(s))
    }
}

impl From<serde_json::Value> for DetailValue {
    fn from(v: serde_json::Value) -> DetailValue {
        match v {
            serde_json::Value::String(s) => DetailValue::from(s),
            v => DetailValue(DetailRepr::Json(v)),
        }
    }
}

impl From<serde_json::Map<String, serde_json::Value>> for DetailValue {
    fn from(map: serde_json::Map<String, serde_json::Value>) -> DetailValue {
        DetailValue(DetailRepr::Json(serde_json::Value::Object(map)))
    }
}

/// `None` is `null`.
impl<T: Into<DetailValue>> From<Option<T>> for DetailValue {
    fn from(v: Option<T>) -> DetailValue {
        v.map_or(DetailValue::NULL, Into::into)
    }
}

/// An array.
impl<T: Into<serde_json::Value>> From<Vec<T>> for DetailValue {
    fn from(v: Vec<T>) -> DetailValue {
        DetailValue(DetailRepr::Json(v.into()))
    }
}

/// Numbers and booleans, as `serde_json` converts them; compared as `serde_json` compares
/// them.
macro_rules! detail_scalars {
    ($($t:ty),*) => {$(
        impl From<$t> for DetailValue {
            fn from(v: $t) -> DetailValue {
                DetailValue(DetailRepr::Json(v.into()))
            }
        }

        impl PartialEq<$t> for DetailValue {
            fn eq(&self, other: &$t) -> bool {
                self.json().is_some_and(|v| v == other)
            }
        }
    )*};
}

detail_scalars!(
    bool, i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f32, f64
);

impl PartialEq<str> for DetailValue {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for DetailValue {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<String> for DetailValue {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == Some(other.as_str())
    }
}

impl PartialEq<serde_json::Value> for DetailValue {
    fn eq(&self, other: &serde_json::Value) -> bool {
        match (&self.0, other) {
            (DetailRepr::Str(a), serde_json::Value::String(b)) => a == b,
            (DetailRepr::Json(a), b) => a == b,
            _ => false,
        }
    }
}

/// A parallel task gets at least this many words (about 60 sentences of a meeting, some 60 µs
/// of the disfluency stage). Fewer, larger tasks measured faster than more, smaller ones: on the
/// disfluency stage of the synthetic hour with two threads, 0.19× the parse time with tasks of
/// 2,048 words against 0.21× with 1,024 and 0.22× with 512 (criterion, an idle machine); each
/// task has a report of its own to merge, and a thread that keeps to its run of sentences
/// reads on where it left off.
const MIN_WORDS_PER_TASK: usize = 2048;

/// How much work a sentence is, in words: a sentence without word entries counts as one.
fn weight(sentence: &Sentence<'_>) -> usize {
    sentence.words.len().max(1)
}

/// Runs `f` on every sentence of every transcript, in parallel when `parallel` is true, and
/// rebuilds each transcript's text afterwards (a no-op where nothing changed).
///
/// A transcript goes parallel from two tasks' worth of words on, split into runs of
/// consecutive sentences of at least 2,048 words each: counting words rather
/// than sentences, since an hour of meeting is only about 300 long sentences. The calling
/// thread and the pool's other threads each take the next run as they are free (see
/// `par::share`). Events are merged in document order, so the report and the document are
/// exactly those of a sequential run.
/// For word-local stages; stages that look at neighbours stay sequential.
pub fn for_each_sentence<F>(
    doc: &mut Transcription<'_>,
    stage: &mut StageReport,
    parallel: bool,
    f: F,
) where
    F: Fn(Location, &mut Sentence<'_>, &mut StageReport) + Sync,
{
    for (ti, t) in doc.transcripts.iter_mut().enumerate() {
        // One thread (`RAYON_NUM_THREADS=1`, a pool of one) gains nothing from tasks: the work
        // would only move to the pool's thread, away from the caches that hold the document.
        let words: usize = match parallel && rayon::current_num_threads() > 1 {
            true => t.sentences.iter().map(weight).sum(),
            false => 0,
        };
        if words >= 2 * MIN_WORDS_PER_TASK {
            let runs = tasks(&mut t.sentences);
            let mut parts: Vec<StageReport> = runs
                .iter()
                .map(|_| StageReport::new(&stage.stage))
                .collect();
            let jobs: Vec<_> = runs.into_iter().zip(parts.iter_mut()).collect();
            crate::par::share(jobs, |((first, run), r)| {
                for (k, s) in run.iter_mut().enumerate() {
                    f(Location::sentence(ti, first + k), s, r);
                }
            });
            // Room for every part's events at once, rather than growing at each merge.
            stage
                .events
                .reserve(parts.iter().map(|p| p.events.len()).sum());
            for part in parts {
                stage.merge(part);
            }
        } else {
            for (si, s) in t.sentences.iter_mut().enumerate() {
                f(Location::sentence(ti, si), s, stage);
            }
        }
        t.rebuild_text();
    }
}

/// Splits `sentences` into runs of consecutive sentences of at least [`MIN_WORDS_PER_TASK`]
/// words (the last run takes what is left), each with the index of its first sentence.
fn tasks<'s, 'a>(mut sentences: &'s mut [Sentence<'a>]) -> Vec<(usize, &'s mut [Sentence<'a>])> {
    let mut runs = Vec::new();
    let mut first = 0;
    while !sentences.is_empty() {
        let mut words = 0;
        let len = sentences
            .iter()
            .position(|s| {
                words += weight(s);
                words >= MIN_WORDS_PER_TASK
            })
            .map_or(sentences.len(), |last| last + 1);
        let (run, rest) = std::mem::take(&mut sentences).split_at_mut(len);
        runs.push((first, run));
        first += len;
        sentences = rest;
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipeline_is_send_sync() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Pipeline>();
        assert_send_sync::<Report>();
    }

    #[test]
    fn parallel_sentences_equal_sequential() {
        // Enough word-less sentences (a word each) for several tasks.
        let sentences: Vec<String> = (0..5 * MIN_WORDS_PER_TASK)
            .map(|i| format!(r#"{{"begin_time":{i},"end_time":{},"text":"s{i}"}}"#, i + 1))
            .collect();
        let json = format!(
            r#"{{"transcripts":[{{"sentences":[{}]}}]}}"#,
            sentences.join(",")
        );
        let run = |parallel| {
            let mut doc = Transcription::from_str(&json).unwrap();
            let mut rep = StageReport::new("t");
            for_each_sentence(&mut doc, &mut rep, parallel, |loc, s, r| {
                if loc.sentence.unwrap_or(0) % 3 == 0 {
                    s.text = format!("{}!", s.text).into();
                    r.count("changed", 1);
                    r.event(ReportEvent::new("changed", loc));
                }
            });
            (doc.to_json(), rep)
        };
        assert_eq!(run(true), run(false));
    }

    #[test]
    fn detail_writes_as_a_map_would() {
        // Names out of order, one set twice: the JSON is that of a `serde_json` map.
        let mut d = Detail::new().with("tag", "pii").with("channel", 1);
        d.insert("entry", "测试").insert("channel", 0);
        let map = serde_json::json!({"channel": 0, "entry": "测试", "tag": "pii"});
        assert_eq!(serde_json::to_string(&d).unwrap(), map.to_string());
        assert_eq!(d.len(), 3);
        assert_eq!(d["channel"], 0);
        assert!(d["missing"].is_null());
        let serde_json::Value::Object(map) = map else {
            unreachable!()
        };
        assert_eq!(Detail::from(map), d);
    }

    #[test]
    fn detail_values_write_and_compare_as_json_values() {
        use serde_json::{Value, json};
        let cases: Vec<(DetailValue, Value)> = vec![
            ("static".into(), json!("static")),
            (
                String::from("owned \"quoted\"\n").into(),
                json!("owned \"quoted\"\n"),
            ),
            (Cow::Borrowed("cow").into(), json!("cow")),
            (json!("from json").into(), json!("from json")),
            (7u32.into(), json!(7)),
            ((-3i64).into(), json!(-3)),
            (2.5f64.into(), json!(2.5)),
            (true.into(), json!(true)),
            (None::<i64>.into(), Value::Null),
            (Some("x").into(), json!("x")),
            (vec![1, 2].into(), json!([1, 2])),
            (json!({"a": {"b": 1}}).into(), json!({"a": {"b": 1}})),
        ];
        for (d, v) in cases {
            assert_eq!(
                serde_json::to_string(&d).unwrap(),
                serde_json::to_string(&v).unwrap()
            );
            assert_eq!(d, v);
            assert_eq!(d.to_json(), v);
            // However it was made, a value equals the one made from its JSON.
            assert_eq!(d, DetailValue::from(v.clone()));
            assert_eq!(d.as_str(), v.as_str());
            assert_eq!(d.as_u64(), v.as_u64());
            assert_eq!(d.as_i64(), v.as_i64());
            assert_eq!(d.as_f64(), v.as_f64());
            assert_eq!(d.as_bool(), v.as_bool());
            assert_eq!(d.as_array(), v.as_array());
            assert_eq!(d.as_object(), v.as_object());
            assert_eq!(d.is_null(), v.is_null());
            assert_eq!(d["a"], v["a"]);
            assert_eq!(d[0], v[0]);
        }
        let s = DetailValue::from("zh");
        let owned = String::from("zh");
        assert!(s == "zh" && s == *"zh" && s == owned);
        assert!(s != "en" && s != 0 && !s.is_null());
        assert!(DetailValue::from(0u8) == 0 && DetailValue::from(1.0f32) == 1.0);
    }

    #[test]
    fn tasks_cover_every_sentence_in_order() {
        // Sentences of 0..=99 words: every run but the last reaches the minimum, and would not
        // without its last sentence.
        let mut sentences: Vec<Sentence<'static>> = (0..400u64)
            .map(|i| {
                let words = (0..i * 37 % 100)
                    .map(|k| crate::Word::new(Millis(k), Millis(k + 1), "w", ""))
                    .collect();
                Sentence::new(words).with_id(i)
            })
            .collect();
        let runs = tasks(&mut sentences);
        assert!(runs.len() > 2);
        let mut next = 0;
        for (k, (first, run)) in runs.iter().enumerate() {
            assert_eq!(*first, next);
            assert_eq!(run[0].sentence_id, Some(next as u64));
            next += run.len();
            let words: usize = run.iter().map(weight).sum();
            let without_last = words - weight(&run[run.len() - 1]);
            if k + 1 < runs.len() {
                assert!(words >= MIN_WORDS_PER_TASK && without_last < MIN_WORDS_PER_TASK);
            }
        }
        assert_eq!(next, 400);
        assert!(tasks(&mut []).is_empty());
    }
}
