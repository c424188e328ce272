//! The search page in headless Chromium (driven by playwright-core from `tests/js`): the example
//! site served on loopback under /kb/ and at the root.

use crate::common::build_example;
use crate::{js, node};

#[test]
#[ignore = "needs node, Chromium and `npm ci --prefix tests/js`"]
fn search_page_works_in_chromium() {
    assert!(js("node_modules/playwright-core").is_dir(), "playwright-core is missing: run `npm ci --prefix tests/js`");
    let (_f, built) = build_example(&["--base-url", "https://example.org/kb/"]);
    let out = node(&[js("browser.mjs").as_os_str(), built.out.as_os_str()]);
    println!("{out}");
}
