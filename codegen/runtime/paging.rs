//! Paging through list operations. Every operation that takes `page` and
//! `page_size` (or `offset` and `limit`) and returns a page model gets
//! `.pages()` and `.items()` on its builder: streams on the async client,
//! iterators on the blocking one. Where the page model is a version union
//! whose versions hold different item types, `.items()` yields a union of
//! them (`GetCvmListResponseItem`), with accessors for the fields every
//! version has and an `Unknown` variant keeping a shape this crate does
//! not know. They start
//! where the builder's `page` (or `offset`) says, keep its other
//! parameters, and stop after an empty page, a page shorter than the page
//! size (the one asked for, else the one the server reports), or once the
//! server's `total` is reached; an error is the last item. The crate docs
//! show one in use where the API has such an operation.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::{Stream, StreamExt};

use crate::error::PhalaCloudError;
use crate::safe::BoxFuture;

/// At most this many pages are fetched by one `.pages()`, so a server that
/// ignores the page parameter cannot make a loop without end.
pub const MAX_PAGES: u32 = 10_000;

/// A response that is one page of a list.
pub trait Page {
    /// How many items this page holds.
    fn item_count(&self) -> usize;
    /// How many items the whole list holds, when the server says.
    fn total(&self) -> Option<u64>;
    /// The page size the server used, when it says.
    fn page_size(&self) -> Option<u64> {
        None
    }
}

/// A page whose items can be streamed one by one: one type, or the union
/// of the item types of a version union of pages.
pub trait PageItems: Page {
    /// One item of the list.
    type Item;
    /// The page's items.
    fn into_items(self) -> Vec<Self::Item>;
}

/// Where the next page starts: the page number plus one, or the offset plus
/// the items seen.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step {
    Number,
    Offset,
}

pub(crate) type Fetch<'a, T> =
    Box<dyn Fn(i64) -> BoxFuture<'a, Result<T, PhalaCloudError>> + Send + Sync + 'a>;

type Boxed<'a, T> = Pin<Box<dyn Stream<Item = Result<T, PhalaCloudError>> + Send + 'a>>;

/// A copy of a builder field for the next page's request.
pub(crate) fn duplicate<T: Clone>(value: &T) -> T {
    value.clone()
}

/// The pages of a list, one response each; from `.pages()`. A
/// [`Stream`], not a future: read it with
/// [`StreamExt::next`]`.await`.
#[must_use = "a stream does nothing until it is read: `.next().await` on it, with \
              `phala_cloud::StreamExt` in scope"]
pub struct Pages<'a, T> {
    inner: Boxed<'a, T>,
}

/// The items of a list, across its pages; from `.items()`. A
/// [`Stream`], not a future: read it with
/// [`StreamExt::next`]`.await`.
#[must_use = "a stream does nothing until it is read: `.next().await` on it, with \
              `phala_cloud::StreamExt` in scope"]
pub struct Items<'a, T> {
    inner: Boxed<'a, T>,
}

struct Cursor<'a, T> {
    fetch: Fetch<'a, T>,
    position: i64,
    size: Option<i64>,
    step: Step,
    seen: u64,
    fetched: u32,
}

impl<'a, T: Page + Send + 'a> Pages<'a, T> {
    /// Pages from `start` (a page number or an offset), `size` items each
    /// when the caller set it.
    pub(crate) fn new(start: i64, size: Option<i64>, step: Step, fetch: Fetch<'a, T>) -> Self {
        let cursor = Cursor {
            fetch,
            position: start,
            size,
            step,
            seen: 0,
            fetched: 0,
        };
        let inner = futures_util::stream::unfold(Some(cursor), |cursor| async move {
            let mut c = cursor?;
            if c.fetched >= MAX_PAGES {
                tracing::warn!(
                    target: "phala_cloud::paging",
                    pages = c.fetched,
                    "stopped paging at MAX_PAGES"
                );
                return None;
            }
            let page = match (c.fetch)(c.position).await {
                Ok(page) => page,
                Err(e) => return Some((Err(e), None)),
            };
            c.fetched += 1;
            let count = page.item_count() as u64;
            if count == 0 && c.fetched > 1 {
                return None;
            }
            c.seen += count;
            let size = c.size.map(|s| s as u64).or(page.page_size());
            let short = size.is_some_and(|s| count < s);
            let complete = page.total().is_some_and(|t| c.seen >= t);
            c.position += match c.step {
                Step::Number => 1,
                Step::Offset => count as i64,
            };
            tracing::debug!(
                target: "phala_cloud::paging",
                page = c.fetched,
                items = count,
                seen = c.seen,
                total = page.total(),
                "fetched a page"
            );
            let more = count > 0 && !short && !complete;
            Some((Ok(page), more.then_some(c)))
        });
        Pages {
            inner: Box::pin(inner),
        }
    }
}

impl<'a, T: PageItems + Send + 'a> Pages<'a, T>
where
    T::Item: Send + 'a,
{
    /// The items of every page, in order.
    pub fn items(self) -> Items<'a, T::Item> {
        let inner = self.inner.flat_map(|page| {
            let items: Vec<Result<T::Item, PhalaCloudError>> = match page {
                Ok(page) => page.into_items().into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            };
            futures_util::stream::iter(items)
        });
        Items {
            inner: Box::pin(inner),
        }
    }
}

impl<T> Stream for Pages<'_, T> {
    type Item = Result<T, PhalaCloudError>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T> Stream for Items<'_, T> {
    type Item = Result<T, PhalaCloudError>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<'a, T: Send + 'a> Pages<'a, T> {
    /// These pages as a blocking iterator, on `client`'s runtime.
    pub(crate) fn blocking(self, client: &'a crate::PhalaCloud) -> crate::blocking::Iter<'a, T> {
        crate::blocking::Iter::new(client, Box::pin(self))
    }
}

impl<'a, T: Send + 'a> Items<'a, T> {
    /// These items as a blocking iterator, on `client`'s runtime.
    pub(crate) fn blocking(self, client: &'a crate::PhalaCloud) -> crate::blocking::Iter<'a, T> {
        crate::blocking::Iter::new(client, Box::pin(self))
    }
}
