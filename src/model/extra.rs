//! Fields asrpost does not model, kept for a lossless round trip, and enrichment added by stages.

use std::borrow::Cow;

use serde_json::value::RawValue;

use crate::error::{Error, Result};

/// The fields of one JSON object that asrpost does not model, in input order, followed by the
/// enrichment fields stages added.
///
/// Input fields keep their raw JSON text (borrowed from the input), so they are written back
/// exactly; stages cannot change or remove them.
#[derive(Clone, Debug, Default)]
pub struct Extra<'a> {
    /// Boxed: nearly every object has no extra field, and a null pointer keeps each word 16
    /// bytes smaller than an empty `Vec` would (a 12-hour result has over 100 000 words).
    fields: Option<Box<Fields<'a>>>,
}

type Fields<'a> = Vec<(Cow<'a, str>, ExtraValue<'a>)>;

impl PartialEq for Extra<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.fields() == other.fields()
    }
}

/// The value of an [`Extra`] field.
#[derive(Clone, Debug)]
pub enum ExtraValue<'a> {
    /// A field that came with the input, as its raw JSON text.
    Input(Cow<'a, RawValue>),
    /// An enrichment field added by a stage.
    Added(serde_json::Value),
}

impl PartialEq for ExtraValue<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (ExtraValue::Input(a), ExtraValue::Input(b)) => a.get() == b.get(),
            (ExtraValue::Added(a), ExtraValue::Added(b)) => a == b,
            _ => false,
        }
    }
}

impl<'a> Extra<'a> {
    /// No fields.
    pub fn is_empty(&self) -> bool {
        self.fields().is_empty()
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.fields().len()
    }

    /// The fields in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ExtraValue<'a>)> {
        self.fields().iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// The value of a field.
    pub fn get(&self, key: &str) -> Option<&ExtraValue<'a>> {
        self.fields().iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A field's value as a `serde_json::Value` (parsing an input field's raw text).
    pub fn get_value(&self, key: &str) -> Option<serde_json::Value> {
        match self.get(key)? {
            ExtraValue::Input(raw) => serde_json::from_str(raw.get()).ok(),
            ExtraValue::Added(v) => Some(v.clone()),
        }
    }

    fn fields(&self) -> &[(Cow<'a, str>, ExtraValue<'a>)] {
        self.fields.as_deref().map_or(&[], Vec::as_slice)
    }

    fn fields_mut(&mut self) -> &mut Fields<'a> {
        self.fields.get_or_insert_with(Box::default)
    }

    pub(crate) fn push_input(&mut self, key: Cow<'a, str>, raw: Cow<'a, RawValue>) {
        self.fields_mut().push((key, ExtraValue::Input(raw)));
    }

    /// Adds or replaces an enrichment field; refuses to touch an input field.
    pub(crate) fn insert(&mut self, key: &str, value: serde_json::Value) -> Result<()> {
        self.insert_key(key, || Cow::Owned(key.to_string()), value)
    }

    /// [`Extra::insert`] with a key that lives as long as the program: not copied (a stage
    /// that enriches every word it marks would copy the same key for each).
    pub(crate) fn insert_static(
        &mut self,
        key: &'static str,
        value: serde_json::Value,
    ) -> Result<()> {
        self.insert_key(key, || Cow::Borrowed(key), value)
    }

    /// [`Extra::insert`], with `owned` giving the key to store when it is new.
    fn insert_key(
        &mut self,
        key: &str,
        owned: impl FnOnce() -> Cow<'a, str>,
        value: serde_json::Value,
    ) -> Result<()> {
        let fields = self.fields_mut();
        match fields.iter_mut().find(|(k, _)| k == key) {
            Some((_, ExtraValue::Input(_))) => Err(Error::invalid(
                "enrichment key",
                format!("`{key}` came with the input and is kept as it is"),
            )),
            Some((_, slot)) => {
                *slot = ExtraValue::Added(value);
                Ok(())
            }
            None => {
                fields.push((owned(), ExtraValue::Added(value)));
                Ok(())
            }
        }
    }

    pub(crate) fn remove_added(&mut self, key: &str) -> Option<serde_json::Value> {
        let fields = self.fields.as_mut()?;
        let i = fields
            .iter()
            .position(|(k, v)| k == key && matches!(v, ExtraValue::Added(_)))?;
        match fields.remove(i).1 {
            ExtraValue::Added(v) => Some(v),
            ExtraValue::Input(_) => None,
        }
    }

    pub(crate) fn into_owned(self) -> Extra<'static> {
        Extra {
            fields: self.fields.map(|fields| {
                Box::new(
                    fields
                        .into_iter()
                        .map(|(k, v)| {
                            let v = match v {
                                ExtraValue::Input(raw) => ExtraValue::Input(super::own_raw(raw)),
                                ExtraValue::Added(v) => ExtraValue::Added(v),
                            };
                            (super::own(k), v)
                        })
                        .collect(),
                )
            }),
        }
    }
}
