package com.helloyuno.widget;

import com.helloyuno.id.Ids;
import com.helloyuno.site.Site;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Bodies of the widget endpoints. */
final class WidgetRequests {

    private WidgetRequests() {}

    @Schema(name = "AuthenticateRequest")
    record Authenticate(
            @NotBlank @Pattern(regexp = Ids.SITE_ID_REGEX, message = "must be 16 letters and digits")
            String siteId,

            @NotBlank @Size(max = 2048) String domain,

            @NotBlank @Pattern(regexp = "[\\x20-\\x7E]{8,128}", message = "must be 8 to 128 printable ASCII characters")
            String nonce,

            @Nullable @Size(max = 128) String visitorId,
            @Nullable @Size(max = 128) String visitorHash,
            @Nullable @Size(max = 4096) String visitorToken) {}

    @Schema(name = "WidgetTokenBody")
    record TokenBody(@Nullable @Size(max = 8192) String token) {}

    @Schema(name = "WidgetSettings")
    record WidgetConfig(
            @Schema(allowableValues = {"dark", "light", "blue", "green"})
            String theme,

            @Schema(allowableValues = {"bottom-right", "bottom-left"})
            String position,

            String primaryColor,
            String welcomeMessage,
            String botName,
            boolean leadCapture,
            Limits limits) {

        static WidgetConfig of(Site site, ChatLimits limits) {
            var config = site.customConfig();
            return new WidgetConfig(
                    site.theme().wireName(),
                    config.position().wireName(),
                    config.primaryColor(),
                    config.welcomeMessage(),
                    config.botName(),
                    config.leadCapture(),
                    new Limits(limits.maxMessageChars(), limits.maxMessages(), limits.maxTotalChars()));
        }
    }

    /**
     * The server's limits on {@code /ask} that the widget keeps to, so that it never sends what the
     * server would refuse.
     */
    @Schema(name = "ChatLimits")
    record Limits(int maxMessageChars, int maxMessages, int maxTotalChars) {}

    record TokenResponse(
            String token,
            @Schema(allowableValues = "Bearer") String tokenType,

            @Schema(description = "Seconds the token is valid for")
            long expiresIn,

            Instant expiresAt,
            String siteId,
            WidgetConfig widget) {}

    record VerifyResponse(
            boolean valid,
            String siteId,
            String domain,
            Instant expiresAt,
            @Schema(description = "Seconds left") long expiresIn) {}
}
