package com.helloyuno.knowledge;

import com.helloyuno.knowledge.Extracted.Block;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.TextNode;
import org.jspecify.annotations.Nullable;

/**
 * Turns plain text, markdown, HTML and PDF into headings and paragraphs. HTML keeps its headings
 * and drops scripts, styles and the page furniture (navigation, asides, footers); markdown keeps
 * ATX and setext headings and drops link and emphasis syntax; PDF text comes from PDFBox with
 * paragraphs separated.
 */
final class TextExtractor {

    private static final Pattern BLANK_LINES = Pattern.compile("\\n\\s*\\n");
    private static final Pattern ATX = Pattern.compile("^ {0,3}(#{1,6})(?:[ \\t]+(.*?))?(?:[ \\t]+#+)?[ \\t]*$");
    private static final Pattern SETEXT = Pattern.compile("^ {0,3}(=+|-+)[ \\t]*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");
    private static final Pattern IMAGE = Pattern.compile("!\\[([^\\]]*)]\\([^)]*\\)");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)]\\([^)]*\\)");
    private static final Pattern EMPHASIS = Pattern.compile("(\\*\\*|__|~~)(?=\\S)(.+?)(?<=\\S)\\1");
    private static final Pattern HTML_COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    private static final Pattern SPACES = Pattern.compile("[ \\t\\x0B\\f\\u00A0]+");

    private static final Set<String> HEADINGS = Set.of("h1", "h2", "h3", "h4", "h5", "h6");
    private static final Set<String> BLOCKS = Set.of(
            "p",
            "div",
            "section",
            "article",
            "main",
            "header",
            "ul",
            "ol",
            "li",
            "table",
            "thead",
            "tbody",
            "tfoot",
            "blockquote",
            "dl",
            "dt",
            "dd",
            "figure",
            "figcaption",
            "caption",
            "details",
            "summary",
            "address",
            "hr",
            "body",
            "center");
    private static final String FURNITURE = "script, style, noscript, template, svg, canvas, iframe, object, embed,"
            + " nav, aside, footer, form, button, select, [hidden], [aria-hidden=true]";

    private TextExtractor() {}

    static Extracted plain(String text) {
        var blocks = new ArrayList<Block>();
        for (var paragraph : BLANK_LINES.split(normalizeNewlines(text))) {
            addParagraph(blocks, paragraph);
        }
        return new Extracted(null, blocks);
    }

    static Extracted markdown(String source) {
        var lines = normalizeNewlines(source).split("\n", -1);
        var blocks = new ArrayList<Block>();
        var paragraph = new ArrayList<String>();
        String title = null;
        int i = 0;
        if (lines.length > 0 && lines[0].strip().equals("---")) {
            // YAML front matter: its title is the document's; the rest is not text.
            for (int j = 1; j < lines.length; j++) {
                if (lines[j].strip().equals("---")) {
                    for (int k = 1; k < j; k++) {
                        if (lines[k].startsWith("title:")) {
                            title = unquote(
                                    lines[k].substring("title:".length()).strip());
                        }
                    }
                    i = j + 1;
                    break;
                }
            }
        }
        for (; i < lines.length; i++) {
            var line = lines[i];
            if (FENCE.matcher(line).find()) {
                flushMarkdown(blocks, paragraph);
                var fence = line.strip().substring(0, 3);
                var code = new StringBuilder();
                for (i++; i < lines.length && !lines[i].strip().startsWith(fence); i++) {
                    code.append(lines[i]).append('\n');
                }
                addVerbatim(blocks, code.toString());
                continue;
            }
            var atx = ATX.matcher(line);
            if (atx.matches()) {
                flushMarkdown(blocks, paragraph);
                var text = inlineMarkdown(atx.group(2) == null ? "" : atx.group(2));
                if (!text.isBlank()) {
                    blocks.add(Block.heading(atx.group(1).length(), text));
                }
                continue;
            }
            if (SETEXT.matcher(line).matches() && paragraph.size() == 1) {
                var text = inlineMarkdown(paragraph.removeFirst());
                blocks.add(Block.heading(line.strip().startsWith("=") ? 1 : 2, text));
                continue;
            }
            if (line.isBlank()) {
                flushMarkdown(blocks, paragraph);
                continue;
            }
            paragraph.add(line.strip());
        }
        flushMarkdown(blocks, paragraph);
        if (title == null) {
            title = blocks.stream()
                    .filter(b -> b.level() == 1)
                    .map(Block::text)
                    .findFirst()
                    .orElse(null);
        }
        return new Extracted(title, blocks);
    }

    private static void flushMarkdown(List<Block> blocks, List<String> paragraph) {
        if (!paragraph.isEmpty()) {
            addParagraph(blocks, inlineMarkdown(String.join("\n", paragraph)));
            paragraph.clear();
        }
    }

    private static String inlineMarkdown(String text) {
        var out = HTML_COMMENT.matcher(text).replaceAll("");
        out = IMAGE.matcher(out).replaceAll("$1");
        out = LINK.matcher(out).replaceAll("$1");
        out = EMPHASIS.matcher(out).replaceAll("$2");
        return out.replace("`", "");
    }

    /** An HTML page: its text, and for the crawler its links and robots meta directives. */
    record HtmlPage(Extracted extracted, List<URI> links, boolean noindex, boolean nofollow) {}

    static HtmlPage html(byte[] body, @Nullable Charset charset, String baseUri) {
        try {
            var document =
                    Jsoup.parse(new ByteArrayInputStream(body), charset == null ? null : charset.name(), baseUri);
            return html(document);
        } catch (IOException e) {
            throw new KnowledgeErrors.DocumentUnreadable("The HTML could not be read.");
        }
    }

    static HtmlPage html(String html, String baseUri) {
        return html(Jsoup.parse(html, baseUri));
    }

    private static HtmlPage html(Document document) {
        var robots = document.select("meta[name=robots], meta[name=yunobot]").eachAttr("content").stream()
                .map(s -> s.toLowerCase(Locale.ROOT))
                .toList();
        var noindex = robots.stream().anyMatch(s -> s.contains("noindex") || s.contains("none"));
        var nofollow = robots.stream().anyMatch(s -> s.contains("nofollow") || s.contains("none"));
        var links = new LinkedHashSet<URI>();
        for (var anchor : document.select("a[href]")) {
            if (anchor.attr("rel").toLowerCase(Locale.ROOT).contains("nofollow")) {
                continue;
            }
            var href = anchor.absUrl("href");
            if (!href.isEmpty()) {
                try {
                    links.add(URI.create(href.replace(" ", "%20")));
                } catch (IllegalArgumentException ignored) {
                    // Not a URL we could fetch anyway.
                }
            }
        }
        var title = document.title().isBlank() ? null : document.title().strip();
        var ogTitle = document.selectFirst("meta[property=og:title]");
        if (title == null && ogTitle != null && !ogTitle.attr("content").isBlank()) {
            title = ogTitle.attr("content").strip();
        }
        document.select(FURNITURE).remove();
        for (var header : document.select("header")) {
            if (header.select("h1, h2, h3, h4, h5, h6").isEmpty()) {
                header.remove();
            }
        }
        var root = document.selectFirst("main");
        if (root == null) {
            var articles = document.select("article");
            root = articles.size() == 1 ? articles.first() : document.body();
        }
        var blocks = new ArrayList<Block>();
        if (root != null) {
            var buffer = new StringBuilder();
            walk(root, blocks, buffer);
            flushHtml(blocks, buffer);
        }
        if (title == null) {
            title = blocks.stream()
                    .filter(Block::isHeading)
                    .map(Block::text)
                    .findFirst()
                    .orElse(null);
        }
        return new HtmlPage(new Extracted(title, blocks), List.copyOf(links), noindex, nofollow);
    }

    private static void walk(Element element, List<Block> blocks, StringBuilder buffer) {
        for (var node : element.childNodes()) {
            if (node instanceof TextNode text) {
                buffer.append(text.text());
            } else if (node instanceof Element child) {
                var tag = child.normalName();
                if (HEADINGS.contains(tag)) {
                    flushHtml(blocks, buffer);
                    var text = clean(child.text());
                    if (!text.isEmpty()) {
                        blocks.add(Block.heading(tag.charAt(1) - '0', text));
                    }
                } else if (tag.equals("pre")) {
                    flushHtml(blocks, buffer);
                    addVerbatim(blocks, child.wholeText());
                } else if (tag.equals("tr")) {
                    flushHtml(blocks, buffer);
                    var cells = child.select("> th, > td").eachText().stream()
                            .filter(s -> !s.isBlank())
                            .toList();
                    addParagraph(blocks, String.join(" | ", cells));
                } else if (tag.equals("br")) {
                    buffer.append('\n');
                } else if (tag.equals("li")) {
                    flushHtml(blocks, buffer);
                    buffer.append("- ");
                    walk(child, blocks, buffer);
                    flushHtml(blocks, buffer);
                } else if (BLOCKS.contains(tag)) {
                    flushHtml(blocks, buffer);
                    walk(child, blocks, buffer);
                    flushHtml(blocks, buffer);
                } else {
                    walk(child, blocks, buffer);
                }
            }
        }
    }

    private static void flushHtml(List<Block> blocks, StringBuilder buffer) {
        var text = buffer.toString();
        buffer.setLength(0);
        if (text.strip().equals("-")) {
            return;
        }
        addParagraph(blocks, text);
    }

    static Extracted pdf(byte[] bytes) {
        try (var pdf = Loader.loadPDF(
                new RandomAccessReadBuffer(bytes), "", null, null, IOUtils.createTempFileOnlyStreamCache())) {
            var stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            stripper.setParagraphEnd("\n\n");
            stripper.setPageEnd("\n\n");
            var text = stripper.getText(pdf);
            var info = pdf.getDocumentInformation();
            var title =
                    info == null || info.getTitle() == null || info.getTitle().isBlank()
                            ? null
                            : info.getTitle().strip();
            var extracted = plain(text);
            return new Extracted(title, extracted.blocks());
        } catch (InvalidPasswordException e) {
            throw new KnowledgeErrors.DocumentUnreadable("The PDF is encrypted.");
        } catch (IOException e) {
            throw new KnowledgeErrors.DocumentUnreadable("The PDF could not be read.");
        }
    }

    private static void addParagraph(List<Block> blocks, String text) {
        var cleaned = clean(text);
        if (!cleaned.isEmpty()) {
            blocks.add(Block.paragraph(cleaned));
        }
    }

    private static void addVerbatim(List<Block> blocks, String text) {
        var stripped = text.strip();
        if (!stripped.isEmpty()) {
            blocks.add(Block.paragraph(stripped));
        }
    }

    /** Spaces collapsed, line breaks kept (single ones), control characters dropped. */
    private static String clean(String text) {
        var out = new StringBuilder(text.length());
        for (var line : normalizeNewlines(text).split("\n")) {
            var collapsed = SPACES.matcher(line).replaceAll(" ").strip();
            if (!collapsed.isEmpty()) {
                if (!out.isEmpty()) {
                    out.append('\n');
                }
                out.append(collapsed);
            }
        }
        return out.toString().replaceAll("[\\p{Cc}&&[^\\n]]", "");
    }

    private static String normalizeNewlines(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n');
    }

    private static String unquote(String value) {
        if (value.length() >= 2
                && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
