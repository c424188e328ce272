//! The report page (`report.html`): a form that writes a near-miss writeup in the browser. It
//! is given only what the site publishes anyway (the questions, the published patterns, the id
//! prefix, where to report): never the gate's private lists (`blocked_names`,
//! `internal_domains`…), which the page's own checks do without.

use serde::Serialize;
use tera::Context;

use crate::config::Config;
use crate::intake::form::{self, ACTION_SEPARATOR, WHAT_COUNTS};

use super::view::PatternView;

/// How to report without a name: a link, or a sentence.
#[derive(Debug, Serialize)]
struct Channel {
    url: Option<String>,
    text: String,
}

/// The report page's context.
pub(super) fn context(config: &Config, patterns: &[PatternView]) -> Context {
    let mut ctx = Context::new();
    ctx.insert("fields", &form::fields());
    ctx.insert("what_counts", WHAT_COUNTS);
    ctx.insert("separator", &ACTION_SEPARATOR.to_string());
    ctx.insert("id_prefix", &config.id_prefix);
    ctx.insert("repository", &config.repository);
    ctx.insert("issue_form", &config.repository.as_ref().map(|r| format!("{r}/issues/new?template=near-miss.yml")));
    let channel = config.anonymous_channel.as_ref().map(|c| {
        let link = c.starts_with("https://") || c.starts_with("http://") || c.starts_with("mailto:");
        Channel { url: link.then(|| c.clone()), text: c.clone() }
    });
    ctx.insert("anonymous_channel", &channel);
    let choices: Vec<(&str, &str)> =
        patterns.iter().filter(|p| p.member.is_none()).map(|p| (p.slug.as_str(), p.title.as_str())).collect();
    ctx.insert("pattern_choices", &choices);
    ctx
}
