package com.helloyuno.knowledge;

import com.helloyuno.apidoc.ConfiguredMax;
import com.helloyuno.apidoc.ProblemResponse;
import com.helloyuno.problem.PageSize;
import com.helloyuno.site.ApiCaller;
import com.helloyuno.site.SiteService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "Documents")
class DocumentController {

    private static final String DOCUMENT = """
            {"title": "Refund policy", "url": "https://example.com/refunds", "content_type": "text/markdown",
             "content": "# Refunds\\n\\nWe refund any order within 30 days."}""";

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
            @Schema(description = "Longer titles are cut to yuno.knowledge.max-title-chars") @Nullable
            String title,

            @Schema(
                    format = "uri",
                    maxLength = MAX_URL_LENGTH,
                    description = "Where the document lives, an http(s) URL: shown with citations, never fetched")
            @Nullable
            String url,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "The text; not blank") @Nullable
            String content,

            @Schema(
                    description = "text/plain (the default), text/markdown or text/html, parameters allowed; upload"
                            + " PDF files as multipart")
            @Nullable
            String contentType) {}

    @Schema(name = "DocumentStored")
    record Stored(
            UUID documentId,
            int chunks,

            @Schema(description = "true when the same content was stored already: nothing was added")
            boolean duplicate) {}

    record DocumentPage(List<Documents.Row> items, int page, int size, long total) {}

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            operationId = "addDocument",
            summary = "Add a document to a site's knowledge",
            description = "JSON text (within the API's body limit, YUNO_MAX_REQUEST_BODY) or a multipart file"
                    + " (within YUNO_MAX_UPLOAD_SIZE; PDF too), with title and url as parameters. The same content"
                    + " again is not stored twice.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = {
                                @Content(
                                        mediaType = MediaType.APPLICATION_JSON_VALUE,
                                        schema = @Schema(implementation = DocumentRequest.class),
                                        examples =
                                                @ExampleObject(
                                                        name = "markdown",
                                                        summary = "A page of Markdown",
                                                        value = DOCUMENT)),
                                @Content(
                                        mediaType = MediaType.MULTIPART_FORM_DATA_VALUE,
                                        schema = @Schema(implementation = Upload.class))
                            }))
    @ApiResponse(
            responseCode = "201",
            description = "Stored",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Stored.class)))
    @ApiResponse(
            responseCode = "200",
            description = "Already stored: the same content (duplicate is true)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Stored.class)))
    @ProblemResponse(status = 400, codes = "document_empty")
    @ProblemResponse(status = 413, codes = "document_too_large")
    @ProblemResponse(status = 422, codes = "document_unreadable")
    ResponseEntity<Stored> addText(
            @AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId, @RequestBody DocumentRequest body) {
        sites.requireAccessible(caller, siteId);
        var result =
                ingestion.ingestText(siteId, body.title(), checkedUrl(body.url()), body.content(), body.contentType());
        return stored(result);
    }

    // springdoc merges this method into addDocument above, each method's body replacing the other's:
    // both carry the whole description of the two media types, whichever comes last.
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            required = true,
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON_VALUE,
                        schema = @Schema(implementation = DocumentRequest.class),
                        examples = @ExampleObject(name = "markdown", summary = "A page of Markdown", value = DOCUMENT)),
                @Content(
                        mediaType = MediaType.MULTIPART_FORM_DATA_VALUE,
                        schema = @Schema(implementation = Upload.class))
            })
    ResponseEntity<Stored> addFile(
            @AuthenticationPrincipal ApiCaller caller,
            @PathVariable String siteId,
            @RequestPart("file") MultipartFile file,
            // Form fields of the upload (or query parameters): described with the form, in Upload.
            @Parameter(hidden = true) @RequestParam(required = false) @Nullable String title,
            @Parameter(hidden = true) @RequestParam(required = false) @Nullable String url)
            throws IOException {
        sites.requireAccessible(caller, siteId);
        ingestion.checkSize(file.getSize());
        var result = ingestion.ingestFile(
                siteId, file.getOriginalFilename(), file.getContentType(), file.getBytes(), title, checkedUrl(url));
        return stored(result);
    }

    /** The multipart form, for the description. */
    @Schema(name = "DocumentUpload")
    record Upload(
            @Schema(
                    type = "string",
                    format = "binary",
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    description = "Text, Markdown, HTML or PDF, known by its content, type or name")
            byte[] file,

            @Nullable String title,
            @Schema(format = "uri") @Nullable String url) {}

    @GetMapping
    @Operation(operationId = "listDocuments", summary = "List a site's documents", description = "With chunk counts.")
    DocumentPage list(
            @AuthenticationPrincipal ApiCaller caller,
            @PathVariable String siteId,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @ConfiguredMax("yuno.knowledge.max-page-size") int size) {
        sites.requireAccessible(caller, siteId);
        PageSize.atMost(size, settings.maxPageSize());
        var items = documents.list(siteId, (long) page * size, size);
        return new DocumentPage(items, page, size, documents.count(siteId));
    }

    @DeleteMapping("/{documentId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "deleteDocument", summary = "Delete a document and its chunks")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ProblemResponse(status = 404, codes = "document_not_found")
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
