package com.helloyuno.knowledge;

import com.helloyuno.apidoc.ConfiguredMax;
import com.helloyuno.problem.InvalidRequest;
import com.helloyuno.site.ApiCaller;
import com.helloyuno.site.SiteService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/sites/{site_id}/knowledge/search}: the passages that retrieval finds for a
 * question, as the assistant would get them, so that an owner can see what the knowledge base
 * answers with (and what it is missing) without asking through the widget. Nothing is stored and
 * no model writes an answer; only the question's embedding is a model call.
 */
@RestController
@Tag(name = "Documents")
class KnowledgeSearchController {

    private final SiteService sites;
    private final Retriever retriever;
    private final KnowledgeSettings settings;

    KnowledgeSearchController(SiteService sites, Retriever retriever, KnowledgeSettings settings) {
        this.sites = sites;
        this.retriever = retriever;
        this.settings = settings;
    }

    @Schema(name = "KnowledgeSearch")
    record SearchRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minLength = 1, description = "A visitor's question")
            @ConfiguredMax("yuno.knowledge.retrieval.max-question-chars")
            @Nullable
            String question,

            @Schema(minimum = "1", description = "Passages to return; yuno.knowledge.retrieval.top-k when absent")
            @ConfiguredMax("yuno.knowledge.retrieval.max-top-k")
            @Nullable
            Integer topK) {}

    @Schema(name = "RetrievedPassage")
    record Found(
            UUID documentId,
            String title,
            @Nullable String url,
            @Nullable String headingPath,
            String content,

            @Schema(
                    minimum = "0",
                    maximum = "1",
                    description = "The fused relevance: 1 when ranked first by every search")
            double score) {}

    @Schema(name = "KnowledgeSearchResult")
    record Result(List<Found> passages) {}

    @PostMapping("/api/sites/{siteId}/knowledge/search")
    @Operation(
            operationId = "searchKnowledge",
            summary = "Try a question against the site's knowledge",
            description = "The passages the assistant would be given for this question, best first, with their"
                    + " scores; empty when nothing is relevant enough. Nothing is stored.")
    Result search(
            @AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId, @RequestBody SearchRequest body) {
        sites.requireAccessible(caller, siteId);
        var question = body.question();
        if (question == null || question.isBlank()) {
            throw new InvalidRequest("question", "must not be blank");
        }
        if (question.length() > settings.retrieval().maxQuestionChars()) {
            throw new InvalidRequest(
                    "question", "must be at most " + settings.retrieval().maxQuestionChars() + " characters");
        }
        var topK = body.topK() != null ? body.topK() : settings.retrieval().topK();
        if (topK < 1 || topK > settings.retrieval().maxTopK()) {
            throw new InvalidRequest(
                    "top_k", "must be from 1 to " + settings.retrieval().maxTopK());
        }
        return new Result(retriever.search(siteId, question, topK).stream()
                .map(p -> new Found(p.documentId(), p.title(), p.url(), p.headingPath(), p.content(), p.score()))
                .toList());
    }
}
