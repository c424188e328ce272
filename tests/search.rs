//! Search: the tantivy index, `nearmiss search`, the static bundle and the browser client.
//! Tests that need node or Chromium are `#[ignore]`d; `cargo test -- --ignored` runs them
//! (`.ci/run` installs what they need).

mod common;
#[path = "common/corpus.rs"]
mod corpus;

#[path = "search/browser.rs"]
mod browser;
#[path = "search/bundle.rs"]
mod bundle;
#[path = "search/cli.rs"]
mod cli;
#[path = "search/parity.rs"]
mod parity;
#[path = "search/stemmer.rs"]
mod stemmer;

pub use common::{js, node};
