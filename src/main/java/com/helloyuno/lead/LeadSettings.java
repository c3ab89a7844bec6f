package com.helloyuno.lead;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of leads.
 *
 * @param defaultRegion the country (ISO 3166 alpha-2) of phone numbers written without a {@code +}
 *     country code, when the page gives no better hint
 * @param maxNameLength the longest name kept (the {@code leads.name} column holds 200)
 * @param maxEmailLength the longest email address accepted (RFC 5321 allows 254)
 * @param maxMessageLength the longest message of the lead form
 * @param maxIntentLength the longest intent kept from the model's classification
 * @param maxScanCharacters how much of a conversation, latest messages first, is searched for
 *     contact details
 * @param maxPageSize the largest page of the leads list
 * @param maxExportRows the most rows one CSV export holds, newest first
 */
@Validated
@ConfigurationProperties("yuno.leads")
record LeadSettings(
        @NotNull @Pattern(regexp = "[A-Z]{2}") @DefaultValue("US")
        String defaultRegion,

        @Min(1) @Max(200) @DefaultValue("200") int maxNameLength,
        @Min(6) @Max(320) @DefaultValue("254") int maxEmailLength,
        @Min(1) @DefaultValue("4000") int maxMessageLength,
        @Min(1) @DefaultValue("200") int maxIntentLength,
        @Min(100) @DefaultValue("32000") int maxScanCharacters,
        @Min(1) @Max(1000) @DefaultValue("100") int maxPageSize,
        @Min(1) @DefaultValue("100000") int maxExportRows) {}
