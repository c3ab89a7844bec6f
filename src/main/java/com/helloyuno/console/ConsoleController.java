package com.helloyuno.console;

import com.helloyuno.apidoc.ProblemResponse;
import com.helloyuno.problem.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /console} and its files: the owner console, which the build copies from {@code
 * console/} into the jar as it is (no build step, as for the widget). The pages are public: they
 * hold no data, and everything they show comes from {@code /api/**} with the key the owner types
 * in. Their policy lets scripts, styles and requests come from this server alone and allows no
 * inline script, so that a stored text that slipped into the page as markup could still not run.
 */
@RestController
@Tag(name = "Console")
class ConsoleController {

    static final String DIRECTORY = "yuno-console/";
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " connect-src 'self'; img-src 'self' data: blob:; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";
    private static final Pattern FILE = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(html|css|js|svg|png)");
    private static final Map<String, MediaType> TYPES = Map.of(
            "html", MediaType.parseMediaType("text/html;charset=utf-8"),
            "css", MediaType.parseMediaType("text/css;charset=utf-8"),
            "js", MediaType.parseMediaType("text/javascript;charset=utf-8"),
            "svg", MediaType.parseMediaType("image/svg+xml"),
            "png", MediaType.IMAGE_PNG);
    private static final Logger log = LoggerFactory.getLogger(ConsoleController.class);

    private final Map<String, byte[]> files;

    ConsoleController() {
        this.files = load();
        if (!files.containsKey("index.html")) {
            log.warn(
                    "{}index.html is not on the classpath (build with ./mvnw package): /console answers 404",
                    DIRECTORY);
        }
    }

    /** The console's files, read once: a handful of small files that change only with the jar. */
    private static Map<String, byte[]> load() {
        var loaded = new TreeMap<String, byte[]>();
        try {
            for (var resource :
                    new PathMatchingResourcePatternResolver().getResources("classpath*:" + DIRECTORY + "*")) {
                var name = resource.getFilename();
                if (name != null && FILE.matcher(name).matches() && resource.isReadable()) {
                    loaded.put(name, resource.getContentAsByteArray());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(loaded);
    }

    @GetMapping({"/console", "/console/"})
    @Operation(
            operationId = "getConsole",
            summary = "The owner console",
            description = "A page for site owners and the operator: sign in with an owner key (ysk_...) or the"
                    + " operator key; the page reads and changes the site through /api/**.")
    @ApiResponse(
            responseCode = "200",
            description = "The page",
            headers = @Header(name = "Content-Security-Policy", required = true, schema = @Schema(type = "string")),
            content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
    @ProblemResponse(status = 404, codes = "not_found")
    ResponseEntity<byte[]> page() {
        return file("index.html");
    }

    @GetMapping("/console/{file}")
    @Operation(operationId = "getConsoleFile", summary = "A script, style sheet or image of the owner console")
    @ApiResponse(
            responseCode = "200",
            description = "The file",
            headers = @Header(name = "Content-Security-Policy", required = true, schema = @Schema(type = "string")),
            content = {
                @Content(mediaType = "text/javascript", schema = @Schema(type = "string")),
                @Content(mediaType = "text/css", schema = @Schema(type = "string")),
                @Content(mediaType = "text/html", schema = @Schema(type = "string")),
                @Content(mediaType = "image/svg+xml", schema = @Schema(type = "string")),
                @Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary"))
            })
    @ProblemResponse(status = 404, codes = "not_found")
    ResponseEntity<byte[]> asset(
            @Parameter(schema = @Schema(pattern = "^[a-z0-9][a-z0-9-]*\\.(html|css|js|svg|png)$")) @PathVariable
                    String file) {
        return file(file);
    }

    private ResponseEntity<byte[]> file(String name) {
        var content = FILE.matcher(name).matches() ? files.get(name) : null;
        if (content == null) {
            throw new ConsoleFileNotFound();
        }
        var extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return ResponseEntity.ok()
                .contentType(TYPES.get(extension))
                // Revalidated on every load: a new jar's console reaches owners at once.
                .cacheControl(CacheControl.noCache())
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("Referrer-Policy", "no-referrer")
                .header("X-Content-Type-Options", "nosniff")
                .body(content);
    }

    /** A file the console does not have. */
    static final class ConsoleFileNotFound extends ApiException {
        ConsoleFileNotFound() {
            super(HttpStatus.NOT_FOUND, "not_found", "The console has no such file.");
        }
    }
}
