//! Reading a Markdown report as a CommonMark renderer does (pulldown-cmark, with GFM
//! tables and strikethrough), to test what a reader of the rendered report sees.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// What the report renders to.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Each table row (the header included): the rendered text of each cell.
    pub rows: Vec<Vec<String>>,
    /// Every node that is not text, code, a paragraph, a list, a heading, a table, a
    /// block quote or a line break: links, images, raw HTML, emphasis, strikethrough…
    /// With the text inside each.
    pub structure: Vec<(String, String)>,
    /// The text of the whole document, as shown.
    pub text: String,
}

pub fn render(md: &str) -> Rendered {
    let mut out = Rendered::default();
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut cell: Option<String> = None;
    let mut row: Vec<String> = Vec::new();
    // Open structure nodes, with the text seen inside.
    let mut open: Vec<(String, String)> = Vec::new();
    for event in Parser::new_ext(md, opts) {
        let mut text_of = |t: &str, out: &mut Rendered, open: &mut Vec<(String, String)>| {
            out.text.push_str(t);
            if let Some(c) = cell.as_mut() {
                c.push_str(t);
            }
            for (_, inner) in open.iter_mut() {
                inner.push_str(t);
            }
        };
        match event {
            Event::Text(t) | Event::Code(t) => text_of(&t, &mut out, &mut open),
            Event::SoftBreak | Event::HardBreak => text_of("\n", &mut out, &mut open),
            Event::Html(h) | Event::InlineHtml(h) => {
                out.structure.push(("html".to_owned(), h.to_string()));
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => row.push(cell.take().unwrap_or_default()),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => {
                out.rows.push(std::mem::take(&mut row));
            }
            Event::Start(
                tag @ (Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::HtmlBlock),
            ) => open.push((format!("{tag:?}"), String::new())),
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::HtmlBlock,
            ) => {
                if let Some(node) = open.pop() {
                    out.structure.push(node);
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => {
                out.text.push('\n');
            }
            _ => {}
        }
    }
    out
}
