package com.helloyuno.chat;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
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
 * @param maxInsightDays the longest period the insights ({@code GET .../insights}) cover
 * @param lowConfidence answers whose stored confidence is below this are listed among the insights'
 *     gaps, with those given no passage
 * @param maxGaps the most recent gaps listed
 */
@Validated
@ConfigurationProperties("yuno.chat")
record ChatSettings(
        @Min(1) @DefaultValue("50") int maxMessages,
        @Min(1) @DefaultValue("4000") int maxMessageChars,
        @Min(1) @DefaultValue("32000") int maxTotalChars,
        @Min(100) @DefaultValue("3000") int historyTokenBudget,
        @Min(1) @Max(1000) @DefaultValue("100") int maxPageSize,
        @Min(1) @Max(366) @DefaultValue("90") int maxInsightDays,

        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.5")
        double lowConfidence,

        @Min(1) @Max(1000) @DefaultValue("50") int maxGaps) {}
