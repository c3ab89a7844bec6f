package com.helloyuno.lead;

import com.helloyuno.apidoc.ConfiguredMax;
import com.helloyuno.problem.PageSize;
import com.helloyuno.site.ApiCaller;
import com.helloyuno.site.SiteService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/sites/{site_id}/leads}: a site's leads, newest first, for its owner and the
 * operator; JSON pages, or CSV with {@code Accept: text/csv} (one page when {@code page} is given,
 * otherwise the newest {@code yuno.leads.max-export-rows}).
 */
@RestController
@Validated
@RequestMapping("/api/sites/{siteId}/leads")
@Tag(name = "Leads")
class LeadController {

    static final String TEXT_CSV = "text/csv";
    private static final int EXPORT_BATCH = 500;

    private final LeadService leads;
    private final SiteService sites;
    private final LeadSettings settings;

    LeadController(LeadService leads, SiteService sites, LeadSettings settings) {
        this.leads = leads;
        this.sites = sites;
        this.settings = settings;
    }

    record LeadPage(List<Lead> items, int page, int size, long total) {}

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            operationId = "listLeads",
            summary = "List a site's leads",
            description = "Newest first: JSON pages, or CSV with 'Accept: text/csv' (one page when page is given,"
                    + " otherwise the newest yuno.leads.max-export-rows).")
    LeadPage list(
            @AuthenticationPrincipal ApiCaller caller,
            @PathVariable String siteId,
            @RequestParam(defaultValue = "0") @Min(0) @Max(1_000_000) int page,
            @RequestParam(defaultValue = "20") @Min(1) @ConfiguredMax("yuno.leads.max-page-size") int size) {
        sites.requireAccessible(caller, siteId);
        checkSize(size);
        return new LeadPage(leads.page(siteId, page, size), page, size, leads.count(siteId));
    }

    @GetMapping(produces = TEXT_CSV)
    @ApiResponse(
            responseCode = "200",
            description = "The leads",
            content =
                    @Content(
                            mediaType = TEXT_CSV,
                            schema = @Schema(type = "string"),
                            examples =
                                    @ExampleObject(
                                            name = "csv",
                                            summary = "The header row",
                                            value = "lead_id,session_id,name,email,phone,message,intent,source,"
                                                    + "created_at,updated_at\r\n")))
    void csv(
            @AuthenticationPrincipal ApiCaller caller,
            @PathVariable String siteId,
            @RequestParam(required = false) @Min(0) @Max(1_000_000) @Nullable Integer page,
            @RequestParam(defaultValue = "20") @Min(1) @ConfiguredMax("yuno.leads.max-page-size") int size,
            HttpServletResponse response)
            throws IOException {
        sites.requireAccessible(caller, siteId);
        checkSize(size);
        response.setContentType(TEXT_CSV + ";charset=UTF-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"leads-" + siteId + ".csv\"");
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        var out = new BufferedWriter(new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8));
        LeadCsv.header(out);
        if (page != null) {
            for (var lead : leads.page(siteId, page, size)) {
                LeadCsv.lead(out, lead);
            }
        } else {
            export(siteId, out);
        }
        out.flush();
    }

    /** Every lead up to the export limit, in batches, so that no connection waits on a slow client. */
    private void export(String siteId, BufferedWriter out) throws IOException {
        var written = 0;
        Lead last = null;
        while (written < settings.maxExportRows()) {
            var batch = leads.batchAfter(siteId, last, Math.min(EXPORT_BATCH, settings.maxExportRows() - written));
            for (var lead : batch) {
                LeadCsv.lead(out, lead);
            }
            written += batch.size();
            if (batch.size() < EXPORT_BATCH) {
                return;
            }
            last = batch.getLast();
            out.flush();
        }
    }

    private void checkSize(int size) {
        PageSize.atMost(size, settings.maxPageSize());
    }
}
