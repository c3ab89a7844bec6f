package com.helloyuno.web;

import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the HTTP edge.
 *
 * @param adminApiKey the operator key ({@code YUNO_ADMIN_API_KEY}); when empty, no operator
 *     request is accepted
 * @param maxRequestBody the largest request body accepted, except file uploads
 * @param maxUploadSize the largest multipart upload accepted
 */
@Validated
@ConfigurationProperties("yuno.web")
record WebSettings(
        @Nullable String adminApiKey,
        @NotNull @DefaultValue("64KB") DataSize maxRequestBody,
        @NotNull @DefaultValue("10MB") DataSize maxUploadSize) {

    public WebSettings {
        if (adminApiKey != null && !adminApiKey.isBlank() && adminApiKey.length() < 16) {
            throw new IllegalArgumentException(
                    "YUNO_ADMIN_API_KEY must be at least 16 characters (got " + adminApiKey.length() + ")");
        }
    }

    boolean hasAdminApiKey() {
        return adminApiKey != null && !adminApiKey.isBlank();
    }
}
