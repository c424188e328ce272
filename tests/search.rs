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

use std::path::{Path, PathBuf};
use std::process::Command;

/// A script of `tests/js/`.
pub fn js(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js").join(name)
}

/// Runs `node args…`, returning stdout; panics with stderr when it fails.
#[track_caller]
pub fn node(args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new("node").args(args).output().expect("node is needed: apt-get install nodejs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "node {args:?} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}
