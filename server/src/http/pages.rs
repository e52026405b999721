//! The pages' shared parts. Every page has the same header and footer, kept
//! once in `web-client/partials/`: a page says where they go with
//! `<!-- include: NAME -->`. A header may carry a part of the page's own (the
//! join page's status, the organizers' account): it stands between the
//! include and `<!-- end: NAME -->`, and goes where the partial says
//! `<!-- slot -->`. Filled when the page is served; no templating language,
//! no scripts.

use std::borrow::Cow;

const SLOT: &str = "<!-- slot -->";

/// The page with every include replaced by its partial. `partial(name)`
/// finds a partial's text; an include it cannot find is left as it is (an
/// HTML comment), so a page never fails to load for want of one.
pub fn fill<'a>(page: &'a str, partial: impl Fn(&str) -> Option<Cow<'static, str>>) -> Cow<'a, str> {
    if !page.contains("<!-- include: ") {
        return Cow::Borrowed(page);
    }
    let mut out = String::with_capacity(page.len() + 2048);
    let mut rest = page;
    while let Some(at) = rest.find("<!-- include: ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "<!-- include: ".len()..];
        let Some(close) = after.find(" -->") else {
            out.push_str(&rest[at..]);
            return Cow::Owned(out);
        };
        let name = &after[..close];
        let mut next = &after[close + " -->".len()..];
        let end = format!("<!-- end: {name} -->");
        let slot = match next.find(&end) {
            Some(end_at) => {
                let slot = next[..end_at].trim();
                next = &next[end_at + end.len()..];
                slot
            }
            None => "",
        };
        match partial(name) {
            Some(text) => {
                let filled = text.replace(SLOT, slot);
                out.push_str(filled.trim_end_matches('\n').trim_start());
            }
            None => out.push_str(&rest[at..at + "<!-- include: ".len() + close + " -->".len()]),
        }
        rest = next;
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partials(name: &str) -> Option<Cow<'static, str>> {
        match name {
            "header" => Some("<header>\n  <p>brand</p>\n  <!-- slot -->\n  <p>language</p>\n</header>\n".into()),
            "footer" => Some("<footer>help</footer>\n".into()),
            _ => None,
        }
    }

    #[test]
    fn includes_are_filled_with_the_page_s_own_part_in_the_slot() {
        let page = "<body>\n  <!-- include: header -->\n  <p id=\"status\">Loading</p>\n  <!-- end: header -->\n  <main></main>\n  <!-- include: footer -->\n</body>";
        let filled = fill(page, partials);
        assert_eq!(
            filled,
            "<body>\n  <header>\n  <p>brand</p>\n  <p id=\"status\">Loading</p>\n  <p>language</p>\n</header>\n  <main></main>\n  <footer>help</footer>\n</body>"
        );
    }

    #[test]
    fn a_header_without_a_part_of_the_page_s_own_leaves_the_slot_empty() {
        let filled = fill("<!-- include: header -->\n<main></main>", partials);
        assert!(
            filled.starts_with("<header>\n  <p>brand</p>\n  \n  <p>language</p>"),
            "{filled}"
        );
        assert!(!filled.contains("<!--"), "{filled}");
    }

    #[test]
    fn an_unknown_include_stays_a_comment_and_a_page_without_includes_is_untouched() {
        assert_eq!(fill("a<!-- include: nav -->b", partials), "a<!-- include: nav -->b");
        assert!(matches!(fill("<p>plain</p>", partials), Cow::Borrowed(_)));
    }
}
