//! Conversation analytics (placeholder: filled by its issue's branch).
