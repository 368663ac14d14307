//! The stand-in's state, and sessions: ids, the inactivity timeout, `createSession`
//! and `deleteSession`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::SystemTime;

use bytes::Bytes;
use http::StatusCode;
use serde_json::{Value, json};

use super::replies::{Reply, invalid_session, json_reply, parse, to_value};
use super::{RecordedRequest, Settings, lock};
use crate::models;

pub(crate) struct State {
    pub(crate) settings: Settings,
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) sessions: HashMap<String, Session>,
    /// Access tokens issued by the IAM endpoint, with the time each stops being accepted.
    pub(crate) tokens: HashMap<String, SystemTime>,
    /// Makes ids unique within this server; `seed` makes them differ between servers.
    counter: u64,
    pub(crate) seed: u64,
}

pub(crate) struct Session {
    last_used: SystemTime,
    pub(crate) context: Value,
}

impl State {
    pub(crate) fn new(settings: Settings) -> Self {
        use std::hash::{BuildHasher, RandomState};
        State {
            settings,
            requests: Vec::new(),
            sessions: HashMap::new(),
            tokens: HashMap::new(),
            counter: 0,
            seed: RandomState::new().hash_one(SystemTime::now()),
        }
    }

    /// The time on the stand-in's clock.
    pub(crate) fn now(&self) -> SystemTime {
        self.settings.clock.now()
    }

    pub(crate) fn prune_sessions(&mut self) {
        let timeout = self.settings.session_timeout;
        let now = self.now();
        // A clock set back before a session's last use leaves it alone.
        self.sessions.retain(|_, session| {
            now.duration_since(session.last_used)
                .map_or(true, |idle| idle < timeout)
        });
    }

    /// A fresh id shaped like the service's UUIDs.
    pub(crate) fn new_id(&mut self) -> String {
        self.counter += 1;
        let a = self.seed ^ self.counter.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            (a >> 32) as u32,
            (a >> 16) as u16,
            a & 0xfff,
            (self.counter >> 48) & 0xfff,
            self.counter & 0xffff_ffff_ffff
        )
    }

    /// The session, if it exists and has not timed out; using it resets its timeout.
    pub(crate) fn touch(&mut self, id: &str) -> Option<&mut Session> {
        self.prune_sessions();
        let now = self.now();
        let session = self.sessions.get_mut(id)?;
        session.last_used = now;
        Some(session)
    }
}

pub(crate) fn create_session(state: &Mutex<State>, body: &Bytes) -> Reply {
    if !body.is_empty() {
        if let Err(refusal) = parse::<models::CreateSessionRequest>(body) {
            return refusal.reply();
        }
    }
    let mut state = lock(state);
    state.prune_sessions();
    let id = state.new_id();
    let now = state.now();
    state.sessions.insert(
        id.clone(),
        Session {
            last_used: now,
            context: json!({}),
        },
    );
    let response = models::SessionResponse::new(id);
    json_reply(StatusCode::CREATED, &to_value(&response))
}

pub(crate) fn delete_session(state: &Mutex<State>, id: &str) -> Reply {
    let mut state = lock(state);
    state.prune_sessions();
    match state.sessions.remove(id) {
        Some(_) => json_reply(StatusCode::OK, &json!({})),
        None => invalid_session(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_uuid_shaped() {
        let mut state = State::new(super::super::MockAssistantBuilder::default().settings);
        let a = state.new_id();
        let b = state.new_id();
        assert_ne!(a, b);
        let lengths: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(lengths, [8, 4, 4, 4, 12]);
    }
}
