//! The learning loop through the real binary, on `tests/fixtures/learning/` as of 2025-07-15:
//! roles, the 48-hour retrospective and the other new KRIs, action statuses and the tracker,
//! digests and their feed, similar near misses and the home page's strip. Every expected figure
//! is worked out by hand from the fixture (the comments show the working).

use std::collections::BTreeMap;

use scraper::Html;
use serde_json::Value;

use crate::common::*;

const AS_OF: &str = "2025-07-15";

fn build(f: &Fixture) -> Built {
    let built = f.build_to("out", &["--as-of", AS_OF]);
    built.assert_success();
    built
}

fn learning() -> (Fixture, Built) {
    let f = Fixture::from_fixture("learning");
    let built = build(&f);
    (f, built)
}

fn json(built: &Built, file: &str) -> Value {
    serde_json::from_str(&built.text(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// `(period, value, status)` of every period of the KRI `slug` in kri.json.
fn series(doc: &Value, slug: &str) -> Vec<(String, String, String)> {
    let kri = doc["kris"].as_array().unwrap().iter().find(|k| k["slug"] == slug);
    kri.unwrap_or_else(|| panic!("no KRI {slug}"))["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let status = p["status"].as_str().unwrap_or("-").to_string();
            (p["period"].as_str().unwrap().to_string(), p["value"].to_string(), status)
        })
        .collect()
}

fn row(period: &str, value: &str, status: &str) -> (String, String, String) {
    (period.into(), value.into(), status.into())
}

#[test]
fn the_new_kris_are_in_the_default_set_with_hand_worked_values() {
    let (_f, built) = learning();
    let doc = json(&built, "kri.json");
    // Q1: L-0 detected 02-10, retrospective 02-11 (1 day). Q2: L-1 detected 04-01, held 04-03:
    // exactly two days, inside the boundary; L-2 detected 04-13, held 04-16: three days, not;
    // L-3 has no retrospective date: not held. 1 of 3. Q3: L-4, one day.
    assert_eq!(
        series(&doc, "retrospective-within-48h"),
        [row("2025-Q1", "100.0", "green"), row("2025-Q2", "33.3", "red"), row("2025-Q3", "100.0", "green")]
    );
    // Q2: L-1 0 days, L-2 3 days, L-3 has no detected date and is left out: median of [0, 3].
    assert_eq!(
        series(&doc, "time-to-detect"),
        [row("2025-Q1", "0.0", "green"), row("2025-Q2", "1.5", "green"), row("2025-Q3", "1.0", "green")]
    );
    // Q2: L-1 high, L-2 critical, L-3 low: 2 of 3.
    assert_eq!(
        series(&doc, "high-severity-share"),
        [row("2025-Q1", "0.0", "green"), row("2025-Q2", "66.7", "red"), row("2025-Q3", "0.0", "green")]
    );
    // End of June: L-2's in-progress item due 06-01 (29 days) and L-3's open one due 06-20
    // (10 days) are still to do: the oldest is 29 days. On the as-of date, 07-15: 44 days.
    // April: L-1's item due 04-20 was done on 04-25, so at 04-30 nothing is overdue.
    let oldest = series(&doc, "oldest-overdue-action");
    assert_eq!(oldest[4..], [row("2025-06", "29.0", "green"), row("2025-07", "44.0", "amber")]);
    assert!(oldest[..4].iter().all(|(_, v, _)| v == "0.0"), "{oldest:?}");
    // Due in Q2 with a known outcome: done late (04-20 → 04-25), done on time (05-15 → 05-10),
    // in progress past due, open past due; the wont-do item is left out. 1 of 4.
    assert_eq!(series(&doc, "action-closure-rate")[1], row("2025-Q2", "25.0", "red"));
    // Done in Q2: 04-25 − reported 04-04 = 21, 05-10 − 04-17 = 23; the wont-do is left out.
    assert_eq!(series(&doc, "mean-days-to-close")[1], row("2025-Q2", "22.0", "green"));
    // The in-progress item counts as still to do: two overdue at the end of June.
    assert_eq!(series(&doc, "overdue-actions")[4], row("2025-06", "2", "amber"));
    // Each has its definition written out, on its page and in the export.
    let kris = doc["kris"].as_array().unwrap();
    assert_eq!(kris.len(), 14, "the default set");
    let definition =
        |slug: &str| kris.iter().find(|k| k["slug"] == slug).unwrap()["definition"].as_str().unwrap().to_string();
    assert!(definition("retrospective-within-48h").contains("without a retrospective date counts as not held"));
    assert!(definition("action-closure-rate").contains("wont-do items are left out"));
    assert!(definition("overdue-actions").contains("in-progress are still to do"));
    let page = built.page("kri/retrospective-within-48h.html");
    assert!(page.html().contains("at most 2 days after their detected"), "the page writes the definition out");
    // The exports follow their schemas, new metrics and action statuses included.
    for (file, schema) in [("kri.json", "kri.schema.json"), ("writeups.json", "writeups.schema.json")] {
        let problems = crate::kri::validate(&json(&built, &format!("schemas/{schema}")), &json(&built, file));
        assert!(problems.is_empty(), "{file}:\n{}", problems.join("\n"));
    }
    let csv = built.text("kri.csv");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("retrospective-within-48h,") && l.contains("2025-Q2") && l.contains(",33.3,")),
        "{csv}"
    );
}

#[test]
fn action_statuses_reach_the_exports_and_the_feed() {
    let (_f, built) = learning();
    let doc = json(&built, "writeups.json");
    let l1 = doc["writeups"].as_array().unwrap().iter().find(|w| w["id"] == "L-1").unwrap();
    assert_eq!(l1["retrospective"], "2025-04-03");
    let dropped = &l1["actions"][1];
    assert_eq!((dropped["status"].as_str(), dropped["closed"].as_str()), (Some("wont-do"), Some("2025-04-28")));
    assert_eq!(dropped["reason"], "The legacy archive service was retired");
    let feed = built.text("feed/writeups.json");
    assert!(feed.contains("\"in-progress\"") && feed.contains("\"wont-do\""), "the federation feed carries them");
    let stix = built.text("stix/bundle.json");
    assert!(
        stix.contains("\"outcome\": \"cancelled\"") && stix.contains("\"outcome\": \"ongoing\""),
        "STIX task outcomes"
    );
}

/// The rows of the tracker's group `status`: (what, status cell text).
fn group(page: &Html, status: &str) -> Vec<(String, String)> {
    page.select(&sel(&format!("#nm-static-list .group-{status} tbody tr")))
        .map(|tr| {
            let what = tr.select(&sel("th")).next().unwrap().text().collect::<String>();
            let cells: Vec<String> =
                tr.select(&sel("td")).map(|td| normalise_ws(&td.text().collect::<String>())).collect();
            (normalise_ws(&what), cells[3].clone())
        })
        .collect()
}

#[test]
fn the_tracker_groups_by_status_flags_late_completions_and_folds_closed_items() {
    let (_f, built) = learning();
    let page = built.page("actions/index.html");
    assert_eq!(
        group(&page, "overdue"),
        [
            ("Renew certificates and backup keys from one inventory".into(), "!Overdue 44 days In progress".into()),
            ("Add the status page to the certificate inventory".into(), "!Overdue 25 days".into()),
        ]
    );
    assert!(group(&page, "in-progress").is_empty(), "the in-progress item is past due: it is overdue");
    assert_eq!(group(&page, "open"), [("Document who renews the status page certificate".into(), "Open".into())]);
    // Done: most recently closed first; the late one says by how much.
    assert_eq!(
        group(&page, "done"),
        [
            ("Alert thirty days before any certificate expires".into(), "✓Done 2025-05-10".into()),
            (
                "Store the backup encryption key beside the restore runbook".into(),
                "✓Done 2025-04-25 Late by 5 days".into()
            ),
        ]
    );
    assert_eq!(
        group(&page, "wont-do"),
        [(
            "Move the legacy archive job to the new scheduler".into(),
            "Won’t do 2025-04-28 The legacy archive service was retired".into()
        )]
    );
    // Closed items are folded away; the ones to do are not.
    assert_eq!(page.select(&sel(".group-done details tbody tr")).count(), 2);
    assert_eq!(page.select(&sel(".group-overdue details")).count(), 0);
    assert!(text_of(&page, ".page-header .lede").contains("1 done late"));
    assert_eq!(texts(&page, ".view-nav .group-total"), ["2", "0", "1", "2", "1"]);
    // Every row carries what the filters match, and the form names the row chunks.
    let first = page.select(&sel(".group-overdue tbody tr")).next().unwrap();
    let attr = |name: &str| first.value().attr(name).unwrap().to_string();
    assert_eq!(
        (attr("data-role"), attr("data-status"), attr("data-severity")),
        ("security-lead".into(), "overdue".into(), "critical".into())
    );
    assert_eq!(attr("data-patterns"), "backups certs");
    let form = page.select(&sel("form#nm-filters")).next().expect("the filter form");
    assert_eq!(form.value().attr("data-chunks"), Some("actions/rows-1.json"));
    assert!(form.value().attr("hidden").is_some(), "hidden until the script runs");
    let rows = json(&built, "actions/rows-1.json");
    assert_eq!(rows.as_array().unwrap().len(), 6);
    assert_eq!(rows[0][0], "Renew certificates and backup keys from one inventory");
    assert_eq!(rows[0][5], "overdue");
}

#[test]
fn action_status_mistakes_are_errors_at_their_line() {
    let front = |actions: &str| {
        format!(
            "id: X-1\ntitle: A near miss\nstatus: draft\ntlp: clear\noccurred: 2025-03-01\nreported: 2025-03-02\n\
             patterns: [backups]\nseverity: low\nstopped_by: human\nactions:\n{actions}"
        )
    };
    let cases = [
        ("  - what: a\n    owner_role: devops\n    due: 2025-04-01\n    status: wont-do\n    closed: 2025-04-02\n", "content/writeups/x.md:12:5: error: a wont-do action item needs a `reason`"),
        ("  - what: a\n    owner_role: devops\n    due: 2025-04-01\n    status: in-progress\n    closed: 2025-04-02\n", "content/writeups/x.md:16:13: error: an in-progress action item has a `closed` date"),
        ("  - what: a\n    owner_role: devops\n    due: 2025-04-01\n    status: done\n    closed: 2025-04-02\n    reason: x\n", "content/writeups/x.md:17:13: error: only a `wont-do` action item has a `reason`"),
        ("  - what: a\n    owner_role: devops\n    due: 2025-04-01\n    status: wont-do\n", "content/writeups/x.md:12:5: error: a wont-do action item needs a `closed` date"),
        ("  - what: a\n    owner_role: devops\n    due: 2025-04-01\n    status: finished\n", "content/writeups/x.md:15:13: error: `finished` is not a valid `status`"),
    ];
    for (actions, expected) in cases {
        let f = Fixture::from_fixture("learning").file("writeups/x.md", &writeup(&front(actions)));
        let run = f.check();
        run.assert_failure();
        assert!(run.errors().contains(&expected), "{expected}\n{}", run.stderr);
    }
}

#[test]
fn role_typos_are_errors_with_a_suggestion() {
    let f = Fixture::from_fixture("learning").file(
        "writeups/x.md",
        &writeup(
            "id: X-1\ntitle: A near miss\nstatus: review\ntlp: clear\noccurred: 2025-03-01\nreported: 2025-03-02\n\
             patterns: [backups]\nseverity: low\nstopped_by: human\nroles: [sysadmn, devops]\nactions:\n  - what: a\n    \
             owner_role: securty-lead\n    due: 2025-04-01\n    status: open\n",
        ),
    );
    let run = f.check();
    run.assert_failure();
    let roles = "content/writeups/x.md:11:9: error: unknown role `sysadmn`";
    let owner = "content/writeups/x.md:14:17: error: unknown role `securty-lead`";
    assert_eq!(run.hint_of(roles), Some("did you mean `sysadmin`?"), "{}", run.stderr);
    assert_eq!(run.hint_of(owner), Some("did you mean `security-lead`?"), "{}", run.stderr);
    // A role nothing like the catalogue's lists the catalogue and where to add it.
    let f = f.file("writeups/x.md", &writeup(&format!("{}roles: [facilities]\n", FRONT_X)));
    let run = f.check();
    let line = "content/writeups/x.md:11:9: error: unknown role `facilities`";
    assert_eq!(
        run.hint_of(line),
        Some("known roles: sysadmin, devops, security-lead; add it under `roles:` in site.yaml"),
        "{}",
        run.stderr
    );
    // In a draft (an imported record, say) it is a warning until the draft goes to review.
    let draft = FRONT_X.replace("status: review", "status: draft");
    let run = Fixture::from_fixture("learning")
        .file("writeups/x.md", &writeup(&format!("{draft}roles: [sysadmn]\n")))
        .check();
    run.assert_success();
    assert!(run.warnings().contains(&"content/writeups/x.md:11:9: warning: unknown role `sysadmn`"), "{}", run.stderr);
    // Without `roles:` in site.yaml, the default catalogue applies.
    let f =
        Fixture::with_pattern().file("writeups/x.md", &writeup(&format!("{FRONT}roles: [business-continuity, sre]\n")));
    let run = f.check();
    let sre = run.errors().into_iter().find(|l| l.ends_with("error: unknown role `sre`")).expect("sre is unknown");
    let hint = run.hint_of(sre).unwrap_or_default();
    assert!(hint.starts_with("known roles: sysadmin, devops, security-lead, business-continuity"), "{}", run.stderr);
    assert!(!run.stderr.contains("unknown role `business-continuity`"), "{}", run.stderr);
}

const FRONT_X: &str =
    "id: X-1\ntitle: A near miss\nstatus: review\ntlp: clear\noccurred: 2025-03-01\nreported: 2025-03-02\n\
                       patterns: [backups]\nseverity: low\nstopped_by: human\n";

#[test]
fn retrospective_dates_run_in_order() {
    let check = |extra: &str| {
        let f = Fixture::from_fixture("learning").file("writeups/x.md", &writeup(&format!("{FRONT_X}{extra}")));
        f.check()
    };
    let run = check("detected: 2025-03-02\nretrospective: 2025-03-01\n");
    assert!(
        run.errors().contains(
            &"content/writeups/x.md:12:16: error: `retrospective` (2025-03-01) is before `detected` (2025-03-02)"
        ),
        "{}",
        run.stderr
    );
    let run = check("retrospective: 2025-02-27\n");
    assert!(
        run.errors().contains(
            &"content/writeups/x.md:11:16: error: `retrospective` (2025-02-27) is before `occurred` (2025-03-01)"
        ),
        "{}",
        run.stderr
    );
    let run = check("reviewed: 2025-03-03\nretrospective: 2025-03-05\n");
    assert!(
        run.errors().contains(
            &"content/writeups/x.md:12:16: error: `retrospective` (2025-03-05) is after `reviewed` (2025-03-03)"
        ),
        "{}",
        run.stderr
    );
    let run = check("retrospective: 2025-03-02\n");
    assert!(run.errors().is_empty(), "{}", run.stderr);
}

#[test]
fn role_pages_say_what_the_role_is_for_and_what_it_owns() {
    let (_f, built) = learning();
    let sysadmin = built.page("roles/sysadmin.html");
    assert_eq!(text_of(&sysadmin, "h1"), "System administrator");
    assert!(text_of(&sysadmin, ".role-description").starts_with("Keeps servers and backups running"));
    // Took part in (roles) or owns an action of: L-1 and L-3, newest first; never the draft D-1.
    let items = |page: &Html, css: &str| -> Vec<String> {
        page.select(&sel(css)).map(|a| a.value().attr("href").unwrap().to_string()).collect()
    };
    assert_eq!(
        items(&sysadmin, ".role-writeups .writeup-item-title a"),
        ["../writeups/l-3.html", "../writeups/l-1.html"]
    );
    assert_eq!(
        texts(&sysadmin, ".role-overdue-actions tbody th"),
        ["Add the status page to the certificate inventory"]
    );
    assert_eq!(texts(&sysadmin, ".role-open-actions tbody th"), ["Document who renews the status page certificate"]);
    assert_eq!(texts(&sysadmin, ".stats .stat-number"), ["2", "1", "1"]);
    // devops: L-0 and L-2 by roles, L-1 by owning its wont-do item; backups in all three.
    let devops = built.page("roles/devops.html");
    assert_eq!(
        items(&devops, ".role-writeups .writeup-item-title a"),
        ["../writeups/l-2.html", "../writeups/l-1.html", "../writeups/l-0.html"]
    );
    assert_eq!(texts(&devops, ".role-patterns li"), ["Backup gaps 3 near misses", "Certificate expiry 1 near miss"]);
    assert_eq!(texts(&devops, ".role-overdue-actions .empty"), ["None."]);
    let index = built.page("roles/index.html");
    assert_eq!(texts(&index, ".role-card .card-title"), ["System administrator", "DevOps engineer", "Security lead"]);
    // A writeup links the roles it names to their pages.
    let l2 = built.page("writeups/l-2.html");
    let roles: Vec<String> = items(&l2, ".facts-list a").into_iter().filter(|h| h.starts_with("../roles/")).collect();
    assert_eq!(roles, ["../roles/devops.html", "../roles/security-lead.html"]);
    assert_eq!(texts(&l2, ".actions-table tbody td[data-label=\"Owner role\"]"), ["Security lead", "DevOps engineer"]);
}

#[test]
fn a_digest_covers_its_period_in_one_printable_page() {
    let (_f, built) = learning();
    let page = built.page("digest/2025-Q2.html");
    assert_eq!(text_of(&page, ".page-header .lede"), "2025 Q2: 3 near misses, 3 action items closed, 2 still overdue.");
    let ids = texts(&page, ".digest-item h3 .id");
    assert_eq!(ids, ["L-1", "L-2", "L-3"], "in the order they occurred; never D-1 or A-1");
    assert_eq!(
        texts(&page, ".digest-item .digest-lesson"),
        [
            "The lesson: Backups are only real once a restore with the current encryption key succeeds.",
            "The lesson: Expiry dates belong in one inventory with alerts, not in people's memory.",
            "The lesson: Every certificate needs an owner role and an entry in the inventory.",
        ]
    );
    assert_eq!(
        texts(&page, ".digest-stopped")[0],
        "What stopped it: Monitoring: The restore monitor flagged a decryption error."
    );
    // Backups: 1 in Q1, 2 in Q2, growing; certificates: first seen in Q2.
    assert_eq!(
        texts(&page, ".digest-patterns li"),
        ["Backup gaps: 2 near misses, up from 1", "Certificate expiry: new, 2 near misses"]
    );
    // Q1 → Q2 status changes (month KRIs: March → June); eight of the fourteen changed.
    let changes = texts(&page, ".digest-kris li");
    assert_eq!(changes.len(), 8, "{changes:#?}");
    assert!(
        changes.contains(&"Retrospectives held within 48 hours: Green: within appetite → Red: escalate".to_string())
    );
    assert!(changes.contains(&"Share of high or critical severity: Green: within appetite → Red: escalate".to_string()));
    assert!(changes.contains(&"Overdue action items: Green: within appetite → Amber: watch".to_string()));
    assert!(!changes.iter().any(|c| c.starts_with("Median days to detect")), "1.5 days stays green");
    assert_eq!(page.select(&sel(".digest-closed tbody tr")).count(), 3);
    assert_eq!(text_of(&page, ".digest-closed .muted"), "1 of them done after the due date.");
    assert_eq!(
        texts(&page, ".digest-overdue .digest-overdue-days"),
        ["29 days past due", "10 days past due"],
        "at the end of June"
    );
    // The period in progress is as of the build date; every quarter has a digest.
    let q3 = built.page("digest/2025-Q3.html");
    assert!(text_of(&q3, ".page-header .muted").contains("in progress: as of"));
    assert_eq!(texts(&q3, ".digest-overdue .digest-overdue-days"), ["44 days past due", "25 days past due"]);
    assert!(texts(&q3, ".digest-patterns .empty") == ["None."], "certificates fell from 2 to 1");
    let index = built.page("digest/index.html");
    assert_eq!(texts(&index, ".digest-list a"), ["2025 Q3", "2025 Q2", "2025 Q1"]);
    // Printable: the digest's own print rules.
    assert!(built.text("assets/style.css").contains(".kind-digest .digest-item { break-inside: avoid; }"));
    // Its Atom feed, newest first.
    let atom = built.text("digest.xml");
    assert_eq!(atom.matches("<entry>").count(), 3);
    let first = atom.find("digest/2025-Q3.html").unwrap();
    assert!(first < atom.find("digest/2025-Q2.html").unwrap());
    assert!(atom.contains("<updated>2025-07-15T00:00:00Z</updated>"));
    assert!(atom.contains(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.org/learning/digest.xml\"/>"
    ));
}

#[test]
fn monthly_digests_are_an_option() {
    let f = Fixture::from_fixture("learning");
    let site = std::fs::read_to_string(f.content().join("site.yaml")).unwrap();
    f.write("site.yaml", &format!("{site}digest: month\n"));
    let built = build(&f);
    let pages: Vec<String> = built.html_files().into_iter().filter(|p| p.starts_with("digest/2025")).collect();
    assert_eq!(
        pages,
        [
            "digest/2025-02.html",
            "digest/2025-03.html",
            "digest/2025-04.html",
            "digest/2025-05.html",
            "digest/2025-06.html",
            "digest/2025-07.html"
        ]
    );
    let april = built.page("digest/2025-04.html");
    assert_eq!(texts(&april, ".digest-item h3 .id"), ["L-1", "L-2"]);
}

#[test]
fn similar_near_misses_are_by_content_deterministic_and_never_withheld() {
    let (f, built) = learning();
    let page = built.page("writeups/l-1.html");
    let similar: Vec<String> =
        page.select(&sel(".alike-item a")).map(|a| a.value().attr("href").unwrap().to_string()).collect();
    assert!(!similar.is_empty() && similar.len() <= 5, "{similar:?}");
    assert!(!similar.iter().any(|h| h.contains("l-1.html")), "never itself");
    // L-2 shares the backup encryption key wording and the backups pattern.
    assert_eq!(similar[0], "../writeups/l-2.html");
    assert!(texts(&page, ".alike-shares")[0].contains("pattern Backup gaps"));
    // D-1 and A-1 repeat L-1's words almost verbatim: they would come first if they leaked.
    for page in built.writeup_pages() {
        let html = built.text(&page);
        assert!(!html.contains("d-1.html") && !html.contains("a-1.html"), "{page} links a withheld writeup");
    }
    let again = f.build_to("again", &["--as-of", AS_OF]);
    for page in built.writeup_pages() {
        assert_eq!(built.text(&page), again.text(&page), "{page} differs between builds");
    }
}

#[test]
fn the_home_page_has_the_headline_strip_a_search_box_and_the_summary_in_the_navigation() {
    let (_f, built) = learning();
    let home = built.page("index.html");
    // Red: repeat rate, retrospectives, high severity, closure rate; amber: luck, control,
    // exposure, overdue actions (June).
    assert_eq!(texts(&home, ".headline-kri .headline-number"), ["4", "4"]);
    assert_eq!(text_of(&home, ".headline-overdue .headline-number"), "2");
    // L-2 of the five published was stopped by luck; the withheld D-1 and A-1 are not counted.
    assert_eq!(text_of(&home, ".headline-luck"), "20% stopped only by luck (1 of 5)");
    let digest = home.select(&sel(".headline-digest a")).next().unwrap();
    assert_eq!(digest.value().attr("href"), Some("digest/2025-Q3.html"));
    let form = home.select(&sel("form.home-search")).next().expect("a search box");
    assert_eq!(form.value().attr("action"), Some("search.html"));
    assert_eq!(home.select(&sel("form.home-search input[name=q]")).count(), 1);
    let nav: Vec<String> =
        home.select(&sel(".site-nav a")).map(|a| a.value().attr("href").unwrap().to_string()).collect();
    assert!(nav.contains(&"summary.html".to_string()) && nav.contains(&"digest/index.html".to_string()), "{nav:?}");
}

#[test]
fn the_writeups_index_and_the_tracker_split_into_pages() {
    let mut f = Fixture::from_fixture("learning");
    // 230 near misses with an action each: three pages of 100.
    for i in 0..230 {
        f = f.file(
            &format!("writeups/bulk/b-{i:03}.md"),
            &writeup(&format!(
                "id: B-{i:03}\ntitle: Bulk near miss {i}\nstatus: approved\ntlp: clear\noccurred: 2025-03-{:02}\n\
                 reported: 2025-03-28\nreviewed: 2025-03-29\npatterns: [certs]\nseverity: low\nstopped_by: human\n\
                 actions:\n  - what: Bulk fix {i}\n    owner_role: devops\n    due: 2025-09-01\n    status: open\n",
                1 + i % 27
            )),
        );
    }
    let built = build(&f);
    let first = built.page("writeups/index.html");
    assert_eq!(first.select(&sel(".writeup-item")).count(), 100);
    assert_eq!(text_of(&first, ".pager-status"), "1–100 of 235");
    let link = |page: &Html, rel: &str| {
        page.select(&sel(&format!("link[rel={rel}]"))).next().and_then(|l| l.value().attr("href").map(str::to_string))
    };
    assert_eq!(link(&first, "next").as_deref(), Some("../writeups/index/2.html"));
    let last = built.page("writeups/index/3.html");
    assert_eq!(text_of(&last, ".pager-status"), "201–235 of 235");
    assert_eq!(link(&last, "prev").as_deref(), Some("../../writeups/index/2.html"));
    assert_eq!(link(&last, "next"), None);
    assert_eq!(last.select(&sel(".writeup-item")).count(), 35);
    let mut seen = BTreeMap::new();
    for page in ["writeups/index.html", "writeups/index/2.html", "writeups/index/3.html"] {
        for a in built.page(page).select(&sel(".writeup-item-title a")) {
            *seen.entry(a.value().attr("href").unwrap().rsplit('/').next().unwrap().to_string()).or_insert(0) += 1;
        }
    }
    assert_eq!(seen.len(), 235, "every writeup is listed once without JavaScript");
    assert!(seen.values().all(|n| *n == 1));
    let rows = json(&built, "writeups/rows-1.json");
    assert_eq!(rows.as_array().unwrap().len(), 235);
    assert_eq!(rows[0][0], "L-4", "newest first");
    let tracker = built.page("actions/index.html");
    assert_eq!(text_of(&tracker, ".pager-status"), "1–100 of 236");
    // The urgent ones come first.
    assert_eq!(tracker.select(&sel(".group-overdue tbody tr")).count(), 2);
    assert_eq!(built.page("actions/index/3.html").select(&sel("tbody tr")).count(), 36);
}

#[test]
fn withheld_writeups_change_nothing_in_the_new_pages_and_feeds() {
    let (f, with_withheld) = learning();
    let published = Fixture::from_fixture("learning");
    for withheld in ["d-1.md", "a-1.md"] {
        std::fs::remove_file(published.content().join("writeups").join(withheld)).unwrap();
    }
    let without = build(&published);
    let (a, b) = (without.snapshot(), with_withheld.snapshot());
    let new_files: Vec<&String> = a
        .keys()
        .filter(|k| {
            ["roles/", "digest/", "actions/", "writeups/index.html", "writeups/rows-"].iter().any(|p| k.starts_with(p))
                || *k == "digest.xml"
                || *k == "index.html"
        })
        .collect();
    assert!(new_files.len() >= 12, "{new_files:?}");
    for file in &new_files {
        assert_eq!(a.get(*file), b.get(*file), "{file} changed");
    }
    let differ: Vec<&String> = a.keys().filter(|k| b.get(*k) != a.get(*k)).collect();
    assert!(differ.is_empty() && a.len() == b.len(), "withheld writeups changed {differ:?}");
    // The test has teeth: published, the draft moves the digest and the role page.
    let draft = std::fs::read_to_string(f.content().join("writeups/d-1.md")).unwrap();
    f.write("writeups/d-1.md", &draft.replace("status: draft", "status: approved\nreviewed: 2025-04-06"));
    let c = f.build_to("published", &["--as-of", AS_OF]);
    c.assert_success();
    assert_ne!(c.text("digest/2025-Q2.html"), without.text("digest/2025-Q2.html"));
    assert_ne!(c.text("roles/sysadmin.html"), without.text("roles/sysadmin.html"));
}

#[test]
#[ignore = "needs node, Chromium and `npm ci --prefix tests/js`"]
fn the_filters_work_in_chromium() {
    assert!(js("node_modules/playwright-core").is_dir(), "playwright-core is missing: run `npm ci --prefix tests/js`");
    let (_f, built) = learning();
    let out = node(&[js("filters.mjs").as_os_str(), built.out.as_os_str()]);
    println!("{out}");
}

#[test]
fn a_digest_of_a_busy_period_lists_the_most_severe_and_says_how_many_more() {
    let mut f = Fixture::from_fixture("learning");
    // 60 near misses in 2025 Q1, every tenth high, each with an action overdue since April.
    for i in 0..60 {
        f = f.file(
            &format!("writeups/bulk/b-{i:03}.md"),
            &writeup(&format!(
                "id: B-{i:03}\ntitle: Busy quarter {i}\nstatus: approved\ntlp: clear\noccurred: 2025-03-{:02}\n\
                 reported: 2025-03-28\nreviewed: 2025-03-29\npatterns: [certs]\nseverity: {}\nstopped_by: human\n\
                 actions:\n  - what: Busy fix {i}\n    owner_role: devops\n    due: 2025-04-01\n    status: open\n",
                1 + i % 27,
                if i % 10 == 0 { "high" } else { "low" }
            )),
        );
    }
    let built = build(&f);
    let q1 = built.page("digest/2025-Q1.html");
    assert_eq!(text_of(&q1, ".digest-near-misses .heading-count"), "61", "L-0 and the 60");
    let ids = texts(&q1, ".digest-item h3 .id");
    assert_eq!(ids.len(), 50);
    for high in (0..60).step_by(10) {
        assert!(ids.contains(&format!("B-{high:03}")), "B-{high:03} is high: {ids:?}");
    }
    let dates = texts(&q1, ".digest-item .badges time");
    assert!(dates.windows(2).all(|d| d[0] <= d[1]), "in the order they occurred: {dates:?}");
    assert_eq!(texts(&q1, ".digest-near-misses .digest-more").len(), 1);
    assert!(text_of(&q1, ".digest-near-misses .digest-more").starts_with("The 50 most severe of them"));
    // The headline still counts them all.
    assert!(text_of(&q1, ".page-header .lede").starts_with("2025 Q1: 61 near misses"));
    // At the end of June the 60 actions and the fixture's two are overdue: the 50 longest.
    let q2 = built.page("digest/2025-Q2.html");
    assert_eq!(text_of(&q2, ".digest-overdue .heading-count"), "62");
    assert_eq!(q2.select(&sel(".digest-overdue li")).count(), 50);
    assert_eq!(texts(&q2, ".digest-overdue .digest-overdue-days")[0], "90 days past due", "due 1 April");
    let more = q2.select(&sel(".digest-overdue .digest-more a")).next().expect("a link to the tracker");
    assert_eq!(more.value().attr("href"), Some("../actions/index.html"));
    // A quiet list shows no such note.
    assert!(q2.select(&sel(".digest-near-misses .digest-more")).next().is_none());
}
