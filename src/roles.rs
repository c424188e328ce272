//! The role catalogue (`roles:` in `site.yaml`): the roles people take in a near miss, each with
//! what it does during and after one. Writeups' `roles` and action owners must name one of them.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics, Span};
use crate::validate::fields::{did_you_mean, Fields, Need};
use crate::yaml::{Node, NodeKind};

/// One role of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Role {
    /// How writeups name it, and the page's file name: `roles/<slug>.html`.
    pub slug: String,
    pub name: String,
    /// What the role does during and after a near miss.
    pub description: String,
}

impl Role {
    pub fn url(&self) -> String {
        format!("roles/{}.html", self.slug)
    }
}

/// The catalogue a site gets when `site.yaml` has no `roles:` key.
pub fn defaults() -> Vec<Role> {
    let role = |slug: &str, name: &str, description: &str| Role {
        slug: slug.into(),
        name: name.into(),
        description: description.into(),
    };
    vec![
        role(
            "sysadmin",
            "System administrator",
            "Keeps servers, storage and backups running. During a near miss the sysadmin confirms what state \
             the systems are really in, contains the problem without destroying evidence, and restores service \
             from known-good configuration. Afterwards they turn the workaround into a lasting change: a check, a \
             runbook step or an automated guard, so the next person does not depend on spotting it by eye.",
        ),
        role(
            "devops",
            "DevOps engineer",
            "Owns the delivery pipeline, infrastructure as code and deployment tooling. During a near miss they \
             stop or roll back the change in flight and record exactly what the pipeline did. Afterwards they add \
             the guard rail that would have caught it (a policy check, a plan review, a safer default) and make \
             sure it runs for every team, not only the one that was lucky.",
        ),
        role(
            "security-lead",
            "Security lead",
            "Judges the security impact. During a near miss the security lead decides whether exposure is \
             possible, what must be rotated or revoked and who has to be told, and keeps the response \
             proportionate. Afterwards they check the writeup is blameless and safe to share, tie it to a \
             pattern and its risk, and follow the action items until the gap is closed.",
        ),
        role(
            "business-continuity",
            "Business continuity",
            "Looks after the services the organisation cannot do without. During a near miss business \
             continuity weighs what would have stopped, for how long and for whom, and whether contingency \
             plans would have worked. Afterwards they update the plans and exercises with what was learned and \
             make sure the near miss reaches the people who own the affected processes.",
        ),
    ]
}

/// Reads `roles:` from `site.yaml`: the default catalogue when absent.
pub fn read(f: &mut Fields<'_>) -> Vec<Role> {
    let hint = "a list of roles, each with slug, name and description";
    let Some(node) = f.node("roles", Need::Optional, hint) else {
        return defaults();
    };
    let file = f.file();
    let Some(items) = f.as_list("roles", node) else {
        return defaults();
    };
    let mut out: Vec<Role> = Vec::new();
    for item in items {
        let Some(mut r) = Fields::new(file, item, "a role", f.diags()) else { continue };
        let slug = r.text("slug", Need::Required, "how writeups name the role, e.g. `slug: security-lead`");
        let name = r.text("name", Need::Optional, "");
        let description =
            r.text("description", Need::Required, "a paragraph on what the role does during and after a near miss");
        r.finish();
        let (Some((slug, span)), Some((description, _))) = (slug, description) else { continue };
        let valid = !slug.is_empty()
            && slug != "index"
            && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            f.diags().push(
                Diagnostic::error(
                    file,
                    span,
                    format!("role `{slug}` may only contain lowercase letters, digits and `-`"),
                )
                .with_hint("e.g. `slug: security-lead`; it names the page roles/<slug>.html"),
            );
            continue;
        }
        if out.iter().any(|o| o.slug == slug) {
            f.diags().push(
                Diagnostic::error(file, span, format!("role `{slug}` is declared twice"))
                    .with_hint("keep one entry per role"),
            );
            continue;
        }
        let name = name.map_or_else(|| slug.replace('-', " "), |(n, _)| n);
        out.push(Role { slug, name, description });
    }
    out
}

/// Reports every role the writeup `file` names in its front matter (in `roles` or as an
/// action's `owner_role`) that is not among the catalogue's `known` slugs, with the closest one:
/// an error, but a warning in a draft (an imported record's roles are for the author to map
/// before it goes to review).
pub fn check(file: &Path, front: &Node, known: &[&str], diags: &mut Diagnostics) {
    for (role, span) in named_roles(front) {
        if !known.contains(&role.as_str()) {
            let hint = match did_you_mean(&role, known) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("known roles: {}; add it under `roles:` in site.yaml", known.join(", ")),
            };
            let message = format!("unknown role `{role}`");
            let d = if is_draft(front) {
                Diagnostic::warning(file, span, message)
            } else {
                Diagnostic::error(file, span, message)
            };
            diags.push(d.with_hint(hint));
        }
    }
}

/// The value of `key` in a mapping.
fn entry<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.kind {
        NodeKind::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
        _ => None,
    }
}

fn is_draft(front: &Node) -> bool {
    entry(front, "status").and_then(Node::as_scalar).is_some_and(|s| s == "draft")
}

/// The roles a writeup's front matter names, where they are written.
fn named_roles(front: &Node) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    if let Some(Node { kind: NodeKind::Seq(items), .. }) = entry(front, "roles") {
        out.extend(items.iter().filter_map(|n| Some((n.as_scalar()?, n.span))));
    }
    if let Some(Node { kind: NodeKind::Seq(items), .. }) = entry(front, "actions") {
        for owner in items.iter().filter_map(|a| entry(a, "owner_role")) {
            out.extend(owner.as_scalar().map(|o| (o, owner.span)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;
    use std::path::Path;

    fn read_yaml(text: &str) -> (Vec<Role>, Vec<Diagnostic>) {
        let node = yaml::parse(text, 1).unwrap();
        let mut diags = Diagnostics::default();
        let mut f = Fields::new(Path::new("site.yaml"), &node, "site.yaml", &mut diags).unwrap();
        let roles = read(&mut f);
        f.finish();
        (roles, diags.sorted())
    }

    #[test]
    fn the_default_catalogue_has_four_described_roles() {
        let (roles, d) = read_yaml("{}\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(roles, defaults());
        let slugs: Vec<&str> = roles.iter().map(|r| r.slug.as_str()).collect();
        assert_eq!(slugs, ["sysadmin", "devops", "security-lead", "business-continuity"]);
        assert!(roles.iter().all(|r| r.description.contains("During a near miss")), "{roles:?}");
    }

    #[test]
    fn a_declared_catalogue_replaces_the_default() {
        let (roles, d) = read_yaml("roles:\n  - slug: sre\n    description: Keeps it up.\n  - slug: dba\n    name: Database administrator\n    description: Keeps the data.\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(roles.len(), 2);
        assert_eq!((roles[0].name.as_str(), roles[1].name.as_str()), ("sre", "Database administrator"));
        let (_, d) = read_yaml("roles:\n  - slug: Bad Role\n    description: x\n  - slug: a\n    descripton: x\n");
        assert_eq!(d[0].message, "role `Bad Role` may only contain lowercase letters, digits and `-`");
        assert!(d.iter().any(|d| d.hint.as_deref() == Some("did you mean `description`?")), "{d:?}");
    }

    #[test]
    fn roles_and_owners_are_found_with_their_spans() {
        let front =
            yaml::parse("roles: [devops, sysadmn]\nactions:\n  - what: x\n    owner_role: securty-lead\n", 2).unwrap();
        let named = named_roles(&front);
        let words: Vec<&str> = named.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(words, ["devops", "sysadmn", "securty-lead"]);
        assert_eq!((named[2].1.line, named[2].1.col), (5, 17));
    }
}
