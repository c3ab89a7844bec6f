package com.helloyuno.chat;

import com.helloyuno.id.Ids;
import com.helloyuno.llm.ChatMessage;
import com.helloyuno.problem.InvalidRequest;
import com.helloyuno.widget.WidgetCaller;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The contract's checks of {@code /ask}: 1 to {@code max-messages} messages of the roles {@code
 * user} and {@code assistant} only (a client never speaks as {@code system}), each non-blank and
 * within {@code max-message-chars}, all within {@code max-total-chars}, the last from the user; an
 * optional session id and http(s) page URL.
 */
@Component
class AskValidator {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int MAX_URL = 2048;

    private final ChatSettings settings;
    private final SecureRandom random = new SecureRandom();

    AskValidator(ChatSettings settings) {
        this.settings = settings;
    }

    Question validate(AskRequest body, WidgetCaller caller) {
        var messages = body.messages();
        if (messages == null || messages.isEmpty()) {
            throw new InvalidRequest("messages", "at least one message is required");
        }
        if (messages.size() > settings.maxMessages()) {
            throw new InvalidRequest("messages", "at most " + settings.maxMessages() + " messages are allowed");
        }
        var turns = new ArrayList<ChatMessage>(messages.size());
        var visitor = new ArrayList<String>();
        var total = 0;
        for (int i = 0; i < messages.size(); i++) {
            var message = messages.get(i);
            var field = "messages[" + i + "]";
            if (message == null) {
                throw new InvalidRequest(field, "must be an object with role and content");
            }
            var role = message.role() == null
                    ? null
                    : ChatMessage.Role.fromVisitor(message.role()).orElse(null);
            if (role == null) {
                throw new InvalidRequest(field + ".role", "must be 'user' or 'assistant'");
            }
            var content = message.content();
            if (content == null || content.isBlank()) {
                throw new InvalidRequest(field + ".content", "must not be empty");
            }
            if (content.length() > settings.maxMessageChars()) {
                throw new InvalidRequest(
                        field + ".content", "must be at most " + settings.maxMessageChars() + " characters");
            }
            total += content.length();
            turns.add(role == ChatMessage.Role.USER ? ChatMessage.user(content) : ChatMessage.assistant(content));
            if (role == ChatMessage.Role.USER) {
                visitor.add(content);
            }
        }
        if (total > settings.maxTotalChars()) {
            throw new InvalidRequest("messages", "at most " + settings.maxTotalChars() + " characters in all");
        }
        var last = turns.getLast();
        if (last.role() != ChatMessage.Role.USER) {
            throw new InvalidRequest("messages", "the last message must be the user's");
        }
        var sessionId = body.sessionId();
        var generated = sessionId == null;
        if (generated) {
            sessionId = newSessionId();
        } else if (!Ids.isSessionId(sessionId)) {
            throw new InvalidRequest("session_id", Ids.SESSION_ID_RULE);
        }
        return new Question(
                caller,
                sessionId,
                generated,
                pageUrl(body.pageUrl()),
                List.copyOf(turns.subList(0, turns.size() - 1)),
                last.content(),
                List.copyOf(visitor));
    }

    private static @Nullable String pageUrl(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            var uri = new URI(value);
            var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (value.length() > MAX_URL
                    || !(scheme.equals("http") || scheme.equals("https"))
                    || uri.getHost() == null) {
                throw new InvalidRequest("page_url", "must be an http(s) URL of at most " + MAX_URL + " characters");
            }
            return value;
        } catch (URISyntaxException e) {
            throw new InvalidRequest("page_url", "must be an http(s) URL of at most " + MAX_URL + " characters");
        }
    }

    private String newSessionId() {
        var id = new StringBuilder("s_");
        for (int i = 0; i < 22; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }
}
