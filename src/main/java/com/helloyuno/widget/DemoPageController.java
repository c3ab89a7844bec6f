package com.helloyuno.widget;

import com.helloyuno.site.Site;
import com.helloyuno.site.SiteService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /demo}: a page that embeds the widget on the demo site (the oldest site for {@code
 * localhost}, which the local profile makes on an empty database), so that a newcomer can open
 * {@code http://localhost:8080/demo} and chat. Without such a site it says how to make one. Its
 * policy lets scripts and requests come from this server alone.
 */
@RestController
@Tag(name = "Widget")
class DemoPageController {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; connect-src 'self';"
            + " style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";
    private static final String SITE_ID = "{{site_id}}";
    private static final MediaType HTML = MediaType.parseMediaType("text/html;charset=utf-8");

    private final SiteService sites;
    private final String page;

    DemoPageController(SiteService sites) {
        this.sites = sites;
        var resource = new ClassPathResource("yuno-widget/demo.html");
        try {
            this.page = resource.exists() ? resource.getContentAsString(StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GetMapping("/demo")
    @Operation(
            operationId = "getDemoPage",
            summary = "A page with the widget on the demo site",
            description = "For a local try-out: the widget on the oldest site for localhost, or how to make one.")
    @ApiResponse(
            responseCode = "200",
            description = "The page",
            content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
    ResponseEntity<String> demo() {
        var body = render(page, sites.demoSite().map(Site::siteId).orElse(null));
        return ResponseEntity.ok()
                .contentType(HTML)
                .cacheControl(CacheControl.noStore())
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("Referrer-Policy", "no-referrer")
                .body(body);
    }

    /** The demo page for this site, or the page that says how to make one. */
    static String render(String template, @Nullable String siteId) {
        // A site id is 16 letters and digits: nothing in it needs escaping in HTML.
        return SiteService.isSiteId(siteId) && template.contains(SITE_ID)
                ? template.replace(SITE_ID, siteId)
                : NO_DEMO_SITE;
    }

    static final String NO_DEMO_SITE = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Yuno demo: no demo site yet</title>
            <style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
            code,pre{background:#f2f2f2;border-radius:4px;padding:.1em .3em}pre{padding:.75rem;overflow:auto}</style>
            </head>
            <body>
            <main>
            <h1>No demo site yet</h1>
            <p>The demo page embeds the chat widget on a site whose domain is <code>localhost</code>, and there is none.</p>
            <p>Start Yuno with <code>scripts/run.sh</code> on an empty database (its <code>local</code> profile makes one),
            or create one with the operator key:</p>
            <pre>curl -X POST http://localhost:8080/api/sites \\
              -H "Authorization: Bearer $YUNO_ADMIN_API_KEY" \\
              -H "Content-Type: application/json" \\
              -d '{"domain": "localhost"}'</pre>
            <p>Then reload this page.</p>
            </main>
            </body>
            </html>
            """;
}
