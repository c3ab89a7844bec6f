package com.helloyuno.chat;

import com.helloyuno.apidoc.ConfiguredMax;
import com.helloyuno.apidoc.ProblemResponse;
import com.helloyuno.id.Ids;
import com.helloyuno.lead.LeadService;
import com.helloyuno.problem.InvalidRequest;
import com.helloyuno.problem.PageSize;
import com.helloyuno.site.ApiCaller;
import com.helloyuno.site.SiteService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The owner's views of conversations, and erasing one visitor's conversation and leads. */
@RestController
@Validated
@RequestMapping("/api/sites/{siteId}/conversations")
@Tag(name = "Conversations")
class ConversationController {

    private final SiteService sites;
    private final ChatHistory history;
    private final ConversationErasure erasure;
    private final ChatSettings settings;
    private final LeadService leads;

    ConversationController(
            SiteService sites,
            ChatHistory history,
            ConversationErasure erasure,
            ChatSettings settings,
            LeadService leads) {
        this.sites = sites;
        this.leads = leads;
        this.history = history;
        this.erasure = erasure;
        this.settings = settings;
    }

    record ConversationPage(List<Summary> items, int page, int size, long total) {}

    /** A session as the list shows it: when, how long, in which language, and whether it left a lead. */
    @Schema(name = "ConversationSummary")
    record Summary(
            String sessionId,
            Instant firstMessageAt,
            Instant lastMessageAt,
            long messageCount,

            @Schema(description = "The language most of its classified messages were in") @Nullable
            String lang,

            @Schema(description = "Whether the visitor left contact details (a lead) in this session")
            boolean lead) {}

    /** A row of {@code chat_history}; what the turn's classification did not give is left out. */
    record StoredMessage(
            @Schema(format = "uuid") String id,
            @Schema(allowableValues = {"user", "assistant"}) String role,
            String content,
            Instant timestamp,
            @Nullable String pageUrl,
            @Nullable String lang,
            @Nullable Double answerConfidence,
            @Nullable String intent,
            @Nullable Integer tokensUsed,
            @Nullable String userSentiment,
            boolean complianceRedFlag,

            @Schema(description = "The classification of the turn as the model gave it") @Nullable
            Object rawJsonOutput) {}

    record ConversationBody(String siteId, String sessionId, List<StoredMessage> messages) {}

    @GetMapping
    @Operation(
            operationId = "listConversations",
            summary = "List a site's conversations",
            description = "Sessions, newest first, with their first and last message times and message count.")
    ConversationPage list(
            @AuthenticationPrincipal ApiCaller caller,
            @PathVariable String siteId,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "20") @Min(1) @ConfiguredMax("yuno.chat.max-page-size") int size) {
        sites.requireAccessible(caller, siteId);
        PageSize.atMost(size, settings.maxPageSize());
        var conversations = history.conversations(siteId, page, size);
        var withLeads = leads.sessionsWithLeads(
                siteId,
                conversations.stream().map(ChatHistory.Conversation::sessionId).toList());
        return new ConversationPage(
                conversations.stream()
                        .map(c -> new Summary(
                                c.sessionId(),
                                c.firstMessageAt(),
                                c.lastMessageAt(),
                                c.messageCount(),
                                c.lang(),
                                withLeads.contains(c.sessionId())))
                        .toList(),
                page,
                size,
                history.conversationCount(siteId));
    }

    @GetMapping("/{sessionId}")
    @Operation(operationId = "getConversation", summary = "Read one conversation with its stored fields")
    @ProblemResponse(status = 404, codes = "conversation_not_found")
    ConversationBody get(
            @AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId, @PathVariable String sessionId) {
        sites.requireAccessible(caller, siteId);
        requireSessionId(sessionId);
        var messages = history.conversation(siteId, sessionId);
        if (messages.isEmpty()) {
            throw new ConversationNotFound();
        }
        return new ConversationBody(
                siteId,
                sessionId,
                messages.stream()
                        .map(m -> new StoredMessage(
                                m.id().toString(),
                                m.role(),
                                m.content(),
                                m.timestamp(),
                                m.pageUrl(),
                                m.lang(),
                                m.answerConfidence(),
                                m.intent(),
                                m.tokensUsed(),
                                m.userSentiment(),
                                m.complianceRedFlag(),
                                erasure.parse(m.rawJsonOutput())))
                        .toList());
    }

    /** Erases the visitor's messages and leads, for a deletion request under data-protection law. */
    @DeleteMapping("/{sessionId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(
            operationId = "eraseConversation",
            summary = "Erase a visitor's conversation and leads",
            description = "For a deletion request under data-protection law; an unknown session erases nothing.")
    @ApiResponse(responseCode = "204", description = "Erased")
    void erase(@AuthenticationPrincipal ApiCaller caller, @PathVariable String siteId, @PathVariable String sessionId) {
        sites.requireAccessible(caller, siteId);
        requireSessionId(sessionId);
        erasure.erase(siteId, sessionId);
    }

    private static void requireSessionId(String sessionId) {
        if (!Ids.isSessionId(sessionId)) {
            throw new InvalidRequest("session_id", Ids.SESSION_ID_RULE);
        }
    }
}
