//! The stand-in assistant (feature `mock`) and what runs on it: its service behaviour, its
//! event streams, conversations, and the chat example. One test binary; a module each.

#[path = "../support/mod.rs"]
mod support;

mod assistant;
mod conversation;
mod example_chat;
mod stream;
