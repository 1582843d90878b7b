//! Flags of each stage, one file per stage.

pub(crate) mod disfluency;
pub(crate) mod sensitive;
pub(crate) mod timeline;
