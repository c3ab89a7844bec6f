package com.helloyuno.site;

import com.helloyuno.apidoc.ConfiguredMax;
import com.helloyuno.plan.PlanType;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The bodies of the sites API; absent fields are {@code null}. */
final class SiteRequests {

    private SiteRequests() {}

    static final String LANGUAGE = "The language of the site's knowledge as an ISO 639-1 code (de, en, es, fr, …):"
            + " its words are stemmed and its stop words dropped for search in that language. Empty or absent"
            + " at creation: none, words are matched as written. Changing it re-indexes the site's documents.";
    static final String LANGUAGE_MESSAGE = "must be an ISO 639-1 language code such as de, or empty";

    @Schema(name = "CreateSite")
    record CreateSite(
            @Schema(description = "A host name; a scheme, port, path or upper case are normalised away")
            @NotBlank
            @Size(max = 253)
            String domain,

            @ConfiguredMax("yuno.sites.max-additional-domains") @Nullable @Size(max = 100)
            List<@NotBlank @Size(max = 253) String> additionalDomains,

            @Nullable Boolean allowSubdomains,
            @Nullable @Size(max = 255) String userId,
            @Nullable PlanType planType,
            @Nullable Theme theme,
            @Nullable @Valid Config customConfig,

            @Schema(description = LANGUAGE) @Nullable @Pattern(regexp = "[a-z]{2}|", message = LANGUAGE_MESSAGE)
            String language) {}

    /** A partial update: only the fields present change. */
    @Schema(name = "UpdateSite")
    record UpdateSite(
            @Nullable @Size(min = 1, max = 253) String domain,

            @ConfiguredMax("yuno.sites.max-additional-domains") @Nullable @Size(max = 100)
            List<@NotBlank @Size(max = 253) String> additionalDomains,

            @Nullable Boolean allowSubdomains,
            @Nullable @Size(max = 255) String userId,
            @Nullable PlanType planType,
            @Nullable Boolean planActive,
            @Nullable Boolean widgetEnabled,
            @Nullable Theme theme,
            @Nullable @Valid Config customConfig,
            @Nullable Boolean identityRequired,

            @Schema(description = LANGUAGE) @Nullable @Pattern(regexp = "[a-z]{2}|", message = LANGUAGE_MESSAGE)
            String language) {

        boolean changesPlan() {
            return planType != null || planActive != null;
        }
    }

    /** Custom settings as sent: only the fields present change. */
    @Schema(name = "CustomConfigChanges")
    record Config(
            @Nullable @Size(min = 1, max = 500) String welcomeMessage,

            @Nullable @Pattern(regexp = "#[0-9A-Fa-f]{6}", message = "must be a colour as #RRGGBB")
            String primaryColor,

            @Nullable WidgetPosition position,
            @Nullable @Size(min = 1, max = 60) String botName,
            @Nullable @Size(max = 4000) String systemPrompt,
            @Nullable Boolean leadCapture,

            // The scheme and the addresses are checked by the LeadWebhookRule.
            @Schema(
                    description = "An https URL of a public address (http only where the operator allows it);"
                            + " empty removes it")
            @Nullable
            @Size(max = 2000)
            String leadWebhookUrl,

            @Nullable @Size(max = 254) @Email(regexp = ".+@.+\\..+", message = "must be an email address")
            String leadNotificationEmail) {

        CustomConfig applyTo(CustomConfig base) {
            return new CustomConfig(
                    welcomeMessage != null ? welcomeMessage : base.welcomeMessage(),
                    primaryColor != null ? primaryColor.toUpperCase(java.util.Locale.ROOT) : base.primaryColor(),
                    position != null ? position : base.position(),
                    botName != null ? botName : base.botName(),
                    systemPrompt != null ? emptyToNull(systemPrompt) : base.systemPrompt(),
                    leadCapture != null ? leadCapture : base.leadCapture(),
                    leadWebhookUrl != null ? emptyToNull(leadWebhookUrl) : base.leadWebhookUrl(),
                    leadNotificationEmail != null ? emptyToNull(leadNotificationEmail) : base.leadNotificationEmail());
        }

        private static @Nullable String emptyToNull(String value) {
            return value.isBlank() ? null : value;
        }
    }
}
