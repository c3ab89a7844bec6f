package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helloyuno.knowledge.Extracted.Block;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;

class TextExtractorTests {

    @Test
    void htmlKeepsHeadingsAndDropsScriptsAndPageFurniture() {
        var page = TextExtractor.html("""
                <html><head><title>Acme help</title><style>p{}</style><script>alert(1)</script></head>
                <body><nav><a href="/pricing">Pricing</a></nav>
                <main><h1>Pricing</h1><p>Plans start at <b>ten</b> euros.</p>
                <h2>Refunds</h2><ul><li>Within 30 days</li><li>Full amount</li></ul>
                <table><tr><th>Plan</th><th>Price</th></tr><tr><td>Pro</td><td>20</td></tr></table></main>
                <footer>Copyright</footer></body></html>""", "https://example.com/help");

        var extracted = page.extracted();
        assertThat(extracted.title()).isEqualTo("Acme help");
        assertThat(extracted.blocks())
                .containsExactly(
                        Block.heading(1, "Pricing"),
                        Block.paragraph("Plans start at ten euros."),
                        Block.heading(2, "Refunds"),
                        Block.paragraph("- Within 30 days"),
                        Block.paragraph("- Full amount"),
                        Block.paragraph("Plan | Price"),
                        Block.paragraph("Pro | 20"));
        assertThat(extracted.text()).doesNotContain("alert", "Copyright");
        assertThat(page.links()).containsExactly(URI.create("https://example.com/pricing"));
    }

    @Test
    void htmlRobotsMetaIsRead() {
        var page = TextExtractor.html("<meta name=robots content='noindex, nofollow'><p>x</p>", "https://e.com/");
        assertThat(page.noindex()).isTrue();
        assertThat(page.nofollow()).isTrue();
    }

    @Test
    void markdownHeadingsBecomeBlocksAndInlineSyntaxGoes() {
        var extracted = TextExtractor.markdown("""
                ---
                title: "Handbook"
                ---
                # Pricing
                Plans cost **ten** euros, see [the table](https://e.com/t).

                Refunds
                -------
                Paid within `30` days.

                ```
                code stays as is
                ```
                """);

        assertThat(extracted.title()).isEqualTo("Handbook");
        assertThat(extracted.blocks())
                .containsExactly(
                        Block.heading(1, "Pricing"),
                        Block.paragraph("Plans cost ten euros, see the table."),
                        Block.heading(2, "Refunds"),
                        Block.paragraph("Paid within 30 days."),
                        Block.paragraph("code stays as is"));
    }

    @Test
    void plainTextSplitsAtBlankLines() {
        var extracted = TextExtractor.plain("First line\nstill first.\r\n\r\nSecond.  \n\n\n");
        assertThat(extracted.blocks())
                .containsExactly(Block.paragraph("First line\nstill first."), Block.paragraph("Second."));
    }

    @Test
    void pdfTextAndTitleComeFromPdfBox() throws IOException {
        var extracted = TextExtractor.pdf(pdf("Warranty terms", "The warranty lasts two years."));

        assertThat(extracted.title()).isEqualTo("Warranty terms");
        assertThat(extracted.text()).contains("The warranty lasts two years.");
    }

    @Test
    void aDamagedPdfIsUnreadable() {
        assertThatThrownBy(() -> TextExtractor.pdf("%PDF-1.7 garbage".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(KnowledgeErrors.DocumentUnreadable.class);
    }

    /** A one-page PDF made with PDFBox. */
    static byte[] pdf(String title, String... lines) throws IOException {
        try (var document = new PDDocument();
                var out = new ByteArrayOutputStream()) {
            var page = new PDPage();
            document.addPage(page);
            document.getDocumentInformation().setTitle(title);
            try (var content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                content.newLineAtOffset(72, 700);
                for (var line : lines) {
                    content.showText(line);
                    content.newLineAtOffset(0, -18);
                }
                content.endText();
            }
            document.save(out);
            return out.toByteArray();
        }
    }
}
