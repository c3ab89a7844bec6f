package com.helloyuno.chat;

import com.helloyuno.id.Ids;
import com.helloyuno.problem.InvalidRequest;
import com.helloyuno.problem.PageSize;
import com.helloyuno.site.ApiCaller;
import com.helloyuno.site.SiteService;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.List;
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
class ConversationController {

    private final SiteService sites;
    private final ChatHistory history;
    private final ConversationErasure erasure;
    private final ChatSettings settings;

    ConversationController(SiteService sites, ChatHistory history, ConversationErasure erasure, ChatSettings settings) {
        this.sites = sites;
        this.history = history;
        this.erasure = erasure;
        this.settings = settings;
    }

    record ConversationPage(List<ChatHistory.Conversation> items, int page, int size, long total) {}

    record StoredMessage(
            String id,
            String role,
            String content,
            Instant timestamp,
            String pageUrl,
            String lang,
            Double answerConfidence,
            String intent,
            Integer tokensUsed,
            String userSentiment,
            boolean complianceRedFlag,
            Object rawJsonOutput) {}

    record ConversationBody(String siteId, String sessionId, List<StoredMessage> messages) {}

    @GetMapping
    ConversationPage list(
            @AuthenticationPrincipal ApiCaller caller,
            @PathVariable String siteId,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "20") @Min(1) int size) {
        sites.requireAccessible(caller, siteId);
        PageSize.atMost(size, settings.maxPageSize());
        return new ConversationPage(
                history.conversations(siteId, page, size), page, size, history.conversationCount(siteId));
    }

    @GetMapping("/{sessionId}")
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
