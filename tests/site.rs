//! Integration tests of the `nearmiss` binary, one module per feature (as mdBook organises
//! its own): each runs the real binary on a small fixture and reads what it wrote.

mod common;

#[path = "site/agree.rs"]
mod agree;
#[path = "site/atomic.rs"]
mod atomic;
#[path = "site/cli.rs"]
mod cli;
#[path = "site/diagnostics.rs"]
mod diagnostics;
#[path = "site/federation.rs"]
mod federation;
#[path = "site/formats.rs"]
mod formats;
#[path = "site/hostile.rs"]
mod hostile;
#[path = "site/import.rs"]
mod import;
#[path = "site/kri.rs"]
mod kri;
#[path = "site/learning.rs"]
mod learning;
#[path = "site/links.rs"]
mod links;
#[path = "site/not_found.rs"]
mod not_found;
#[path = "site/pages.rs"]
mod pages;
#[path = "site/reproducible.rs"]
mod reproducible;
#[path = "site/serve.rs"]
mod serve;
#[path = "site/streaming.rs"]
mod streaming;
#[path = "site/subpath.rs"]
mod subpath;
#[path = "site/withheld.rs"]
mod withheld;
#[path = "site/xss.rs"]
mod xss;
