package com.helloyuno.chat;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
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
 * @param spoolDirectory where history and leads wait while PostgreSQL is unavailable
 * @param spoolMaxEntries writes that may wait there; beyond, new writes are dropped and counted
 * @param spoolRetryInterval how often waiting writes are retried
 * @param maxPageSize the largest page of the conversation list
 */
@Validated
@ConfigurationProperties("yuno.chat")
public record ChatSettings(
        @Min(1) @DefaultValue("50") int maxMessages,
        @Min(1) @DefaultValue("4000") int maxMessageChars,
        @Min(1) @DefaultValue("32000") int maxTotalChars,
        @Min(100) @DefaultValue("3000") int historyTokenBudget,
        @NotNull @DefaultValue(".yuno/spool") Path spoolDirectory,
        @Min(1) @DefaultValue("100000") int spoolMaxEntries,
        @NotNull @DefaultValue("5s") Duration spoolRetryInterval,
        @Min(1) @Max(1000) @DefaultValue("100") int maxPageSize) {}
