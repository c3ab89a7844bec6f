package com.helloyuno.chat;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the chat.
 *
 * @param maxMessages messages in one {@code /ask} request
 * @param maxMessageChars characters in one message
 * @param maxTotalChars characters in all messages of one request
 * @param historyTokenBudget tokens of earlier turns sent to the model (approximated as chars / 4)
 * @param maxPageSize the largest page of the conversation list
 */
@Validated
@ConfigurationProperties("yuno.chat")
record ChatSettings(
        @Min(1) @DefaultValue("50") int maxMessages,
        @Min(1) @DefaultValue("4000") int maxMessageChars,
        @Min(1) @DefaultValue("32000") int maxTotalChars,
        @Min(100) @DefaultValue("3000") int historyTokenBudget,
        @Min(1) @Max(1000) @DefaultValue("100") int maxPageSize) {}
