package com.helloyuno.widget;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The chat's limits on {@code /ask} that the widget mirrors (its textarea's {@code maxlength}, the
 * turns it sends), served to it in the authenticate and refresh answers.
 *
 * <p>Bound to the same {@code yuno.chat.*} keys as the chat's own (package-private) settings, with the
 * same defaults, rather than read from them: {@code chat} depends on {@code widget} (for the caller
 * of {@code /ask}), so {@code widget} cannot use a type of {@code chat} without a cycle, and the chat's
 * settings stay its internals. One key, two readers: an operator who changes
 * {@code yuno.chat.max-message-chars} changes what the server accepts and what the widget allows
 * together.
 *
 * @param maxMessages messages in one {@code /ask} request ({@code yuno.chat.max-messages})
 * @param maxMessageChars characters in one message ({@code yuno.chat.max-message-chars})
 * @param maxTotalChars characters in all messages of one request ({@code yuno.chat.max-total-chars})
 */
@Validated
@ConfigurationProperties("yuno.chat")
record ChatLimits(
        @Min(1) @DefaultValue("50") int maxMessages,
        @Min(1) @DefaultValue("4000") int maxMessageChars,
        @Min(1) @DefaultValue("32000") int maxTotalChars) {}
