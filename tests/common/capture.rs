//! A thread-local tracing subscriber that records spans and events, for
//! tests on a current-thread runtime (every poll of a request future
//! happens on the test's thread).
//!
//! Why not `tracing::subscriber::set_default` alone: a callsite first hit
//! on another test's thread while no subscriber is installed can be cached
//! as "never interested" in a race with `set_default`, and its spans are
//! then lost on this thread too (one full-suite run lost the request span
//! so). [`Capture::start`] instead installs, once, a global subscriber that
//! is interested in every callsite and hands each span and event to the
//! capture of the thread it happens on, if any.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};

/// A span: id, name and every field value recorded, in order.
pub type SpanRecord = (u64, String, Vec<(String, String)>);

#[derive(Default)]
pub struct Captured {
    next: AtomicU64,
    pub spans: Mutex<Vec<SpanRecord>>,
    /// Each event's fields, `Debug`-printed.
    pub events: Mutex<Vec<String>>,
    meta: Mutex<Vec<(u64, &'static tracing::Metadata<'static>)>>,
    stack: Mutex<Vec<u64>>,
}

#[derive(Clone, Default)]
pub struct Capture(pub Arc<Captured>);

thread_local! {
    static CURRENT: RefCell<Option<Capture>> = const { RefCell::new(None) };
}

/// While alive, what this thread traces goes to its capture.
pub struct Started(());

impl Drop for Started {
    fn drop(&mut self) {
        CURRENT.with(|c| c.borrow_mut().take());
    }
}

impl Capture {
    /// A new capture of what this thread traces until the guard drops.
    pub fn start() -> (Capture, Started) {
        static ROUTER: Once = Once::new();
        ROUTER.call_once(|| {
            tracing::subscriber::set_global_default(Router)
                .expect("no other global subscriber in the test binaries");
        });
        let capture = Capture::default();
        CURRENT.with(|c| *c.borrow_mut() = Some(capture.clone()));
        (capture, Started(()))
    }
}

/// The global subscriber: every callsite stays "sometimes" interesting, and
/// each call goes to the current thread's capture.
struct Router;

fn current() -> Option<Capture> {
    CURRENT.with(|c| c.borrow().clone())
}

impl tracing::Subscriber for Router {
    fn register_callsite(
        &self,
        _: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        current().is_some()
    }
    fn new_span(&self, attrs: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        match current() {
            Some(c) => c.new_span(attrs),
            // Not reached: `enabled` said no on this thread.
            None => tracing::span::Id::from_u64(u64::MAX),
        }
    }
    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        if let Some(c) = current() {
            c.record(span, values);
        }
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        if let Some(c) = current() {
            c.event(event);
        }
    }
    fn enter(&self, span: &tracing::span::Id) {
        if let Some(c) = current() {
            c.enter(span);
        }
    }
    fn exit(&self, span: &tracing::span::Id) {
        if let Some(c) = current() {
            c.exit(span);
        }
    }
    fn current_span(&self) -> tracing_core::span::Current {
        match current() {
            Some(c) => c.current_span(),
            None => tracing_core::span::Current::none(),
        }
    }
}

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }
}

impl tracing::Subscriber for Capture {
    fn register_callsite(
        &self,
        _: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::always()
    }
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let id = self.0.next.fetch_add(1, Ordering::SeqCst) + 1;
        let mut fields = Vec::new();
        attrs.record(&mut Fields(&mut fields));
        let name = attrs.metadata().name().to_owned();
        self.0.spans.lock().unwrap().push((id, name, fields));
        self.0.meta.lock().unwrap().push((id, attrs.metadata()));
        tracing::span::Id::from_u64(id)
    }
    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut spans = self.0.spans.lock().unwrap();
        if let Some(s) = spans.iter_mut().find(|s| s.0 == span.into_u64()) {
            values.record(&mut Fields(&mut s.2));
        }
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.0.events.lock().unwrap().push(format!("{fields:?}"));
    }
    fn enter(&self, span: &tracing::span::Id) {
        self.0.stack.lock().unwrap().push(span.into_u64());
    }
    fn exit(&self, span: &tracing::span::Id) {
        let mut stack = self.0.stack.lock().unwrap();
        if let Some(i) = stack.iter().rposition(|&s| s == span.into_u64()) {
            stack.remove(i);
        }
    }
    fn current_span(&self) -> tracing_core::span::Current {
        let Some(&id) = self.0.stack.lock().unwrap().last() else {
            return tracing_core::span::Current::none();
        };
        let meta = self.0.meta.lock().unwrap();
        match meta.iter().find(|m| m.0 == id) {
            Some(&(_, m)) => tracing_core::span::Current::new(tracing::span::Id::from_u64(id), m),
            None => tracing_core::span::Current::none(),
        }
    }
}
