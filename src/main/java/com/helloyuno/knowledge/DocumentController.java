package com.helloyuno.knowledge;

import com.helloyuno.problem.PageSize;
import com.helloyuno.site.ApiCaller;
import com.helloyuno.site.SiteService;
import jakarta.validation.constraints.Min;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * A site's documents: JSON text (up to the API's body limit, {@code YUNO_MAX_REQUEST_BODY}) or a
 * multipart {@code file} (up to {@code YUNO_MAX_UPLOAD_SIZE}, PDF too). A new document answers 201;
 * the same text again answers 200 with the document already stored and {@code "duplicate": true}.
 */
@RestController
@Validated
@RequestMapping("/api/sites/{siteId}/documents")
class DocumentController {

    private static final int MAX_URL_LENGTH = 2048;

    private final SiteService sites;
    private final Ingestion ingestion;
    private final Documents documents;
    private final KnowledgeSettings settings;

    DocumentController(SiteService sites, Ingestion ingestion, Documents documents, KnowledgeSettings settings) {
        this.sites = sites;
        this.ingestion = ingestion;
        this.documents = documents;
        this.settings = settings;
    }

    record DocumentRequest(
            @Nullable String title,
            @Nullable String url,
            @Nullable String content,
            @Nullable String contentType) {}

    record Stored(UUID documentId, int chunks, boolean duplicate) {}

    record DocumentPage(List<Documents.Row> items, int page, int size, long total) {}

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Stored> addText(
            @AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId, @RequestBody DocumentRequest body) {
        sites.requireAccessible(caller, siteId);
        var result =
                ingestion.ingestText(siteId, body.title(), checkedUrl(body.url()), body.content(), body.contentType());
        return stored(result);
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<Stored> addFile(
            @AuthenticationPrincipal ApiCaller caller,
            @PathVariable String siteId,
            @RequestPart("file") MultipartFile file,
            @RequestParam(required = false) @Nullable String title,
            @RequestParam(required = false) @Nullable String url)
            throws IOException {
        sites.requireAccessible(caller, siteId);
        ingestion.checkSize(file.getSize());
        var result = ingestion.ingestFile(
                siteId, file.getOriginalFilename(), file.getContentType(), file.getBytes(), title, checkedUrl(url));
        return stored(result);
    }

    @GetMapping
    DocumentPage list(
            @AuthenticationPrincipal ApiCaller caller,
            @PathVariable String siteId,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) int size) {
        sites.requireAccessible(caller, siteId);
        PageSize.atMost(size, settings.maxPageSize());
        var items = documents.list(siteId, (long) page * size, size);
        return new DocumentPage(items, page, size, documents.count(siteId));
    }

    @DeleteMapping("/{documentId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(
            @AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId, @PathVariable String documentId) {
        sites.requireAccessible(caller, siteId);
        var id = PathIds.uuid(documentId, () -> new KnowledgeErrors.DocumentNotFound("No such document in this site."));
        if (!documents.delete(siteId, id)) {
            throw new KnowledgeErrors.DocumentNotFound("No such document in this site.");
        }
    }

    private static ResponseEntity<Stored> stored(Ingestion.Result result) {
        var body = new Stored(result.documentId(), result.chunks(), !result.created());
        return ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(body);
    }

    /** A document's URL is only shown with citations, never fetched: it need only be an http(s) URL. */
    private static @Nullable String checkedUrl(@Nullable String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new KnowledgeErrors.DocumentRequestInvalid("url must be at most " + MAX_URL_LENGTH + " characters.");
        }
        try {
            var uri = new URI(url.strip());
            var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new KnowledgeErrors.DocumentRequestInvalid("url must be an absolute http or https URL.");
            }
            return uri.toString();
        } catch (URISyntaxException e) {
            throw new KnowledgeErrors.DocumentRequestInvalid("url must be an absolute http or https URL.");
        }
    }
}
