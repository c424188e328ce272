// html-validate's configuration for the built site (validate.mjs). The recommended rules, with
// the few that conflict with accessibility or with what a generated static site must be
// turned off, each with its reason.
export default {
  extends: ["html-validate:recommended"],
  rules: {
    // Tables shown as cards on narrow screens (action items, KRIs) keep explicit ARIA table
    // roles: WebKit drops a table's semantics when CSS changes its display, so screen readers
    // on iPhones would lose the headers. Every other redundant role is gone.
    "no-redundant-role": "off",
    // `<!doctype html>` and `<!DOCTYPE html>` are the same HTML; this is a spelling preference.
    "doctype-style": "off",
    // Indentation left by the templates' tags; browsers ignore it and the pages are not edited by hand.
    "no-trailing-whitespace": "off",
    // A writeup's <title> is its id, its title and the site's name: the author's words, whole,
    // as tabs, bookmarks and screen readers announce them (search engines are kept away).
    "long-title": "off",
    // A group of checkboxes shares one name (the report page's patterns): that is how HTML forms
    // send a list; only other controls must have names of their own.
    "form-dup-name": ["error", { shared: ["radio", "checkbox", "button", "reset", "submit"] }],
  },
};
