//! Helpers for downstream fuzz and property-test harnesses (feature `testing`).
