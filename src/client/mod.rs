//! The DashScope client (placeholder: filled by its issue's branch).
