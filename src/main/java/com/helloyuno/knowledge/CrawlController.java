package com.helloyuno.knowledge;

import com.helloyuno.apidoc.ConfiguredMax;
import com.helloyuno.apidoc.ProblemResponse;
import com.helloyuno.site.ApiCaller;
import com.helloyuno.site.SiteService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Crawls of a site's own pages: started with 202 and a job id, then followed by polling. A crawl
 * may visit the site's domains (and their subdomains when the site allows them) as they are when
 * it starts.
 */
@RestController
@RequestMapping("/api/sites/{siteId}/crawls")
@Tag(name = "Crawls")
class CrawlController {

    private final SiteService sites;
    private final Crawls crawls;

    CrawlController(SiteService sites, Crawls crawls) {
        this.sites = sites;
        this.crawls = crawls;
    }

    record CrawlRequest(
            @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    format = "uri",
                    description = "A page or a sitemap.xml on one of the site's domains, http(s)")
            @Nullable
            String url,

            @Schema(minimum = "1", description = "Pages to fetch; yuno.knowledge.crawler.default-max-pages when absent")
            @ConfiguredMax("yuno.knowledge.crawler.max-pages-limit")
            @Nullable
            Integer maxPages) {}

    @Schema(name = "CrawlStarted")
    record Started(UUID jobId) {}

    @PostMapping
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(
            operationId = "startCrawl",
            summary = "Crawl a site's own pages",
            description = "Queues a crawl of a page or sitemap of the site's domains (and their subdomains when the"
                    + " site allows them) as they are now; follow it with GET .../crawls/{job_id}.")
    @ProblemResponse(
            status = 400,
            codes = {"url_outside_site", "url_scheme_not_allowed", "address_not_allowed"})
    Started start(
            @AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId, @RequestBody CrawlRequest body) {
        var site = sites.requireAccessible(caller, siteId);
        var hosts = new AllowedHosts(Set.copyOf(site.domains()), site.allowSubdomains());
        return new Started(crawls.start(siteId, body.url(), body.maxPages(), hosts));
    }

    @GetMapping("/{jobId}")
    @Operation(operationId = "getCrawl", summary = "Follow a crawl")
    @ProblemResponse(status = 404, codes = "crawl_not_found")
    Crawls.Status status(
            @AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId, @PathVariable String jobId) {
        sites.requireAccessible(caller, siteId);
        var id = PathIds.uuid(jobId, () -> new KnowledgeErrors.CrawlNotFound("No such crawl job in this site."));
        return crawls.status(siteId, id);
    }
}
