package com.helloyuno.widget;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /yuno.js}: the widget script, which the build copies from {@code widget/yuno.js} into
 * the jar as it is (no build step for the widget). Read once at start-up; a strong {@code ETag}
 * (a hash of the content) lets browsers and CDNs revalidate with {@code If-None-Match} after a
 * short max-age, so that a new version reaches every page within minutes. Served gzipped, with an
 * ETag of its own, to clients that accept it: Tomcat's own compression skips strong ETags.
 */
@RestController
@Tag(name = "Widget")
class WidgetScriptController {

    static final String SCRIPT = "yuno-widget/yuno.js";
    static final MediaType JAVASCRIPT = MediaType.parseMediaType("text/javascript;charset=utf-8");
    private static final Logger log = LoggerFactory.getLogger(WidgetScriptController.class);
    private static final CacheControl CACHE =
            CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic().mustRevalidate();

    private final byte @Nullable [] plain;
    private final byte @Nullable [] gzipped;
    private final String etag;
    private final String gzipEtag;

    WidgetScriptController() {
        var resource = new ClassPathResource(SCRIPT);
        byte[] content = null;
        if (resource.exists()) {
            try {
                content = resource.getContentAsByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            log.warn("{} is not on the classpath (build with ./mvnw package): /yuno.js answers 404", SCRIPT);
        }
        this.plain = content;
        this.gzipped = content == null ? null : gzip(content);
        var hash = content == null ? "none" : hash(content);
        this.etag = "\"" + hash + "\"";
        this.gzipEtag = "\"" + hash + "-gz\"";
    }

    @GetMapping("/yuno.js")
    @Operation(
            operationId = "getWidgetScript",
            summary = "The widget script",
            description = "What the install snippet's script element loads, with the attributes site_id, theme,"
                    + " position, primary_color and welcome_message. Gzipped for clients that accept it;"
                    + " revalidate with If-None-Match.")
    @ApiResponse(
            responseCode = "200",
            description = "The script",
            headers = {
                @Header(name = HttpHeaders.ETAG, required = true, schema = @Schema(type = "string")),
                @Header(name = HttpHeaders.CACHE_CONTROL, required = true, schema = @Schema(type = "string"))
            },
            content = @Content(mediaType = "text/javascript", schema = @Schema(type = "string")))
    @ApiResponse(
            responseCode = "304",
            description = "Not modified: the copy named by If-None-Match is current",
            content = @Content)
    ResponseEntity<byte[]> script(
            @RequestHeader(name = HttpHeaders.ACCEPT_ENCODING, required = false) @Nullable String accept) {
        if (plain == null || gzipped == null) {
            return ResponseEntity.notFound().build();
        }
        // Spring answers 304 itself when If-None-Match names this ETag.
        var gzip = acceptsGzip(accept);
        var response = ResponseEntity.ok()
                .contentType(JAVASCRIPT)
                .cacheControl(CACHE)
                .varyBy(HttpHeaders.ACCEPT_ENCODING)
                .eTag(gzip ? gzipEtag : etag);
        if (gzip) {
            return response.header(HttpHeaders.CONTENT_ENCODING, "gzip").body(gzipped);
        }
        return response.body(plain);
    }

    static boolean acceptsGzip(@Nullable String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (var part : acceptEncoding.split(",")) {
            var item = part.strip().split(";");
            if (item[0].strip().equalsIgnoreCase("gzip")) {
                return item.length < 2 || !item[1].replace(" ", "").matches("q=0(\\.0*)?");
            }
        }
        return false;
    }

    private static String hash(byte[] content) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(content);
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(digest)
                    .substring(0, 27);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gzip(byte[] content) {
        var out = new ByteArrayOutputStream(content.length / 3);
        try (var gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
