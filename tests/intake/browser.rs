//! The report page in headless Chromium (driven by playwright-core from `tests/js`): the file
//! it downloads is a draft `nearmiss check` accepts, and its issue URL carries every answer,
//! which `nearmiss intake` reads back.

use std::fs;

use crate::common::{example_content, js, node, run_in, Fixture, AS_OF};
use crate::run_with_stdin;

#[test]
#[ignore = "needs node, Chromium and `npm ci --prefix tests/js`"]
fn the_report_page_writes_a_draft_check_accepts_and_a_full_issue_url() {
    assert!(js("node_modules/playwright-core").is_dir(), "playwright-core is missing: run `npm ci --prefix tests/js`");
    let f = Fixture::new();
    crate::common::copy_dir(&example_content(), &f.content());
    let config = f.content().join("site.yaml");
    let mut yaml = fs::read_to_string(&config).unwrap();
    yaml.push_str(
        "repository: example-org/near-misses\nanonymous_channel: Ask the security lead to file it for you.\n",
    );
    yaml.push_str("blocked_names: [Zebulon Quaxley]\ninternal_domains: [secret-intranet.example]\n");
    fs::write(&config, yaml).unwrap();
    let built = f.build_to("out", &["--base-url", "https://example.org/kb/"]);
    built.run.assert_success();
    let page = fs::read_to_string(built.out.join("report.html")).unwrap();
    for private in ["Zebulon", "Quaxley", "secret-intranet"] {
        assert!(!page.contains(private), "report.html holds `{private}` of the site's private lists");
    }

    let downloads = f.root().join("downloads");
    fs::create_dir_all(&downloads).unwrap();
    let out = node(&[js("report.mjs").as_os_str(), built.out.as_os_str(), downloads.as_os_str()]);
    println!("{out}");

    // The downloaded file, as it is, is a draft of the knowledge base.
    let name = "expired-signing-key-caught-before-the-release-was-published.md";
    let file = fs::read_to_string(downloads.join(name)).expect("the page downloaded the file");
    f.write(&format!("writeups/2026/{name}"), &file);
    let check = run_in(f.root(), &["check", "--content", "content", "--as-of", AS_OF], &[]);
    check.assert_success();
    assert_eq!(check.errors(), Vec::<&str>::new());
    assert!(check.stderr.contains("withheld 6: 3 draft"), "{}", check.stderr);
    fs::remove_file(f.content().join(format!("writeups/2026/{name}"))).unwrap();

    // The issue URL carries every answer under its field's id; as GitHub would write the issue,
    // intake reads the same writeup back.
    let url = url::Url::parse(fs::read_to_string(downloads.join("issue-url.txt")).unwrap().trim()).unwrap();
    let params: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let fields = nearmiss::intake::form::fields();
    let mut body = String::new();
    for field in &fields {
        let value = params.iter().find(|(k, _)| k == field.id).map(|(_, v)| v.clone());
        let value = value.unwrap_or_else(|| panic!("the issue URL has no `{}`: {url}", field.id));
        assert!(!value.is_empty(), "{}", field.id);
        body.push_str(&format!("### {}\n\n{value}\n\n", field.label));
    }
    let run = run_with_stdin(f.root(), &["intake", "-", "--content", "content"], &body);
    run.assert_success();
    let draft = fs::read_to_string(f.root().join(run.stdout.lines().next().unwrap())).unwrap();
    let body_of = |text: &str| text.split_once("\n---\n").map(|(_, b)| b.to_string()).unwrap();
    assert_eq!(body_of(&draft), body_of(&file), "intake and the page write different sections");
    for key in ["title:", "tlp:", "occurred:", "detected:", "reported:", "severity:", "stopped_by:", "roles:", "team:"]
    {
        let line = |text: &str| text.lines().find(|l| l.starts_with(key)).map(str::to_string);
        assert_eq!(line(&draft), line(&file), "{key}");
    }
}
