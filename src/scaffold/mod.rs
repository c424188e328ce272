//! Scaffolds: a new writeup with the next free id, and a whole new knowledge base.

use std::fs;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::date::Date;
use crate::diagnostic::Diagnostics;
use crate::load::{self, ContentSource, Kind, CONFIG_FILE};
use crate::model::{slugify, Keyword, Severity, Status, StoppedBy, Tlp};
use crate::validate::SECTIONS;
use crate::yaml::{Node, NodeKind};
use crate::Error;

/// Writes a draft writeup titled `title` into `content`, returning its path.
pub fn new_writeup(content: &Path, title: &str, today: Date) -> Result<PathBuf, Error> {
    let title = title.trim();
    let slug: String = slugify(title).chars().take(60).collect::<String>().trim_end_matches('-').to_string();
    if slug.is_empty() {
        return Err(Error::Scaffold("the title needs at least one letter or digit".into()));
    }
    let survey = Survey::of(content)?;
    let slugs: Vec<String> = survey.patterns.iter().map(|(slug, _)| slug.clone()).collect();
    let id = next_id(&survey.config.id_prefix, &survey.ids);
    let dir = content.join("writeups").join(today.year().to_string());
    let path = dir.join(format!("{slug}.md"));
    if path.exists() {
        return Err(Error::Scaffold(format!("{} already exists; choose another title", path.display())));
    }
    let text = writeup_text(&id, title, today, &slugs);
    fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

/// Four random hex digits for a new site's `org` id: chosen once, kept in `site.yaml`, and
/// unrelated to the organisation's name.
fn pseudonym() -> String {
    use std::hash::{BuildHasher, Hasher};
    let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
    format!("{:04x}", random & 0xffff)
}

/// What a knowledge base already holds, read leniently (a file with errors still counts): its
/// configuration, every writeup id, and every pattern's slug with its `same_as`, by slug.
pub(crate) struct Survey {
    pub config: Config,
    pub ids: Vec<String>,
    pub patterns: Vec<(String, Option<String>)>,
}

impl Survey {
    pub fn of(content: &Path) -> Result<Survey, Error> {
        let mut ignored = Diagnostics::default();
        let loaded =
            load::load(&ContentSource::Dir(content.to_path_buf()), None, &mut ignored, &mut Default::default())?;
        let config = loaded.config.clone();
        let front_text = |front: &Option<Node>, key: &str| match front.as_ref().map(|f| &f.kind) {
            Some(NodeKind::Map(entries)) => entries.iter().find(|e| e.key == key).and_then(|e| e.value.as_scalar()),
            _ => None,
        };
        let of_kind = |kind| {
            loaded.documents.iter().filter(move |d| d.kind == kind).map(|d| (d, d.front(&mut Diagnostics::default())))
        };
        let ids = of_kind(Kind::Writeup).filter_map(|(_, front)| front_text(&front, "id")).collect();
        let mut patterns: Vec<(String, Option<String>)> = of_kind(Kind::Pattern)
            .filter_map(|(d, front)| {
                let slug = front_text(&front, "slug")
                    .or_else(|| Some(d.rel.rsplit('/').next()?.trim_end_matches(".md").to_string()))?;
                Some((slug, front_text(&front, "same_as")))
            })
            .collect();
        patterns.sort();
        Ok(Survey { config, ids, patterns })
    }
}

/// `PREFIX-NNNN`, one more than the highest id with that prefix.
pub(crate) fn next_id(prefix: &str, ids: &[String]) -> String {
    let head = format!("{}-", prefix.to_lowercase());
    let highest = ids
        .iter()
        .filter_map(|id| id.to_lowercase().strip_prefix(&head).and_then(|n| n.parse::<u32>().ok()))
        .max()
        .unwrap_or(0);
    format!("{prefix}-{:04}", highest + 1)
}

fn writeup_text(id: &str, title: &str, today: Date, slugs: &[String]) -> String {
    let pattern = slugs.first().map_or("choose-a-pattern", String::as_str);
    let pattern_note = if slugs.is_empty() {
        "add content/patterns/<slug>.md first".to_string()
    } else {
        format!("one or more of: {}", slugs.join(", "))
    };
    let mut text = format!(
        "---\n\
         id: {id}\n\
         title: {title}\n\
         status: draft          # {status} (only approved writeups are published)\n\
         tlp: clear             # {tlp}\n\
         occurred: {today}      # when it almost happened\n\
         detected: {today}      # when it was noticed\n\
         reported: {today}      # when it was reported\n\
         # reviewed: YYYY-MM-DD   # when the review approved it (needed for status: approved)\n\
         # retrospective: YYYY-MM-DD   # when the retrospective was held (within 48 hours of detection is the aim)\n\
         patterns: [{pattern}]  # {pattern_note}\n\
         severity: medium       # impact had it not been stopped: {severity}\n\
         stopped_by: human      # {stopped_by}\n\
         # detection: How it was noticed, in one sentence.\n\
         # impact_area: [availability, confidentiality]\n\
         # roles: [sysadmin, security-lead]   # from `roles:` in site.yaml\n\
         # systems: [edge firewall]\n\
         # team: team-name\n\
         # tags: [firewall]\n\
         # actions:\n\
         #   - what: What will be done, so that luck is not needed next time\n\
         #     owner_role: security-lead   # a role, never a person\n\
         #     due: YYYY-MM-DD\n\
         #     status: open                # open | in-progress | done | wont-do (done and wont-do need `closed: YYYY-MM-DD`; wont-do a `reason`)\n\
         ---\n",
        title = quote(title),
        status = Status::choices(),
        tlp = Tlp::choices(),
        severity = Severity::choices(),
        stopped_by = StoppedBy::choices(),
    );
    for (section, prompt) in SECTIONS.iter().zip(PROMPTS) {
        text.push_str(&format!("\n## {section}\n\n{prompt}\n"));
    }
    text
}

/// What each of the six sections asks, in [`SECTIONS`] order.
pub(crate) const PROMPTS: [&str; 6] = [
    "What nearly went wrong, described as a system state: \"the firewall rule was misconfigured\", not who did it.",
    "What stopped it: a person's action, monitoring, automation, a process, or luck.",
    "The business impact had nothing stopped it.",
    "The contributing factors: conditions, pressures and gaps, not people.",
    "What the team learned, including what went well.",
    "The changes that make the outcome depend on a control rather than on luck.",
];

/// A YAML double-quoted string.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The git repository nearmiss is installed from in the workflows `init` writes.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// A workflow template with the steps that install (and cache) this version of nearmiss.
fn workflow(template: &str) -> String {
    let install = include_str!("install.yml").trim_end();
    template
        .replace("{install}", install)
        .replace("{version}", env!("CARGO_PKG_VERSION"))
        .replace("{repository}", REPOSITORY)
}

/// Creates a knowledge base in `dir`: config, an example writeup and pattern, the GitHub Pages
/// and intake workflows, and the near-miss issue form.
pub fn init(dir: &Path, today: Date) -> Result<Vec<PathBuf>, Error> {
    if dir.exists() && fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.next().is_some() {
        return Err(Error::Scaffold(format!("{} is not empty; choose a new folder", dir.display())));
    }
    let name = dir
        .canonicalize()
        .ok()
        .or_else(|| Some(dir.to_path_buf()))
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "Near misses".into());
    let title = format!("{} near-miss knowledge base", name.replace(['-', '_'], " "));
    let pseudonym = pseudonym();
    let config = include_str!("site.yaml")
        .replace("{title}", &quote(title.trim()))
        .replace("{pseudonym}", &pseudonym)
        .replace("{PSEUDONYM}", &pseudonym.to_uppercase());
    let prefix = Config::default().id_prefix;
    let writeup = include_str!("writeup.md").replace("{prefix}", &prefix).replace("{date}", &today.to_string());
    let files = [
        (format!("content/{CONFIG_FILE}"), config),
        ("content/patterns/certificate-expiry.md".to_string(), include_str!("pattern.md").to_string()),
        (format!("content/writeups/{}/expiring-api-certificate.md", today.year()), writeup),
        (".github/workflows/nearmiss.yml".to_string(), workflow(include_str!("workflow.yml"))),
        (".github/workflows/near-miss-intake.yml".to_string(), workflow(include_str!("intake.yml"))),
        (".github/ISSUE_TEMPLATE/near-miss.yml".to_string(), crate::intake::form::issue_form()),
        (".gitignore".to_string(), include_str!("gitignore").to_string()),
    ];
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_id_follows_the_highest() {
        let ids = ["NM-0002".to_string(), "nm-0010".into(), "OTHER-0099".into(), "NM-x".into()];
        assert_eq!(next_id("NM", &ids), "NM-0011");
        assert_eq!(next_id("NM", &[]), "NM-0001");
    }

    #[test]
    fn quote_escapes_yaml() {
        assert_eq!(quote(r#"a "b" \ c: d"#), r#""a \"b\" \\ c: d""#);
    }
}
