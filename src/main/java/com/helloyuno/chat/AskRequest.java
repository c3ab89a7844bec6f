package com.helloyuno.chat;

import com.helloyuno.apidoc.ConfiguredMax;
import com.helloyuno.id.Ids;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /ask} as sent; {@link AskValidator} checks it against the contract and
 * the configured limits, which are settings rather than annotations. The {@code @Schema}s say the
 * same for {@code /v3/api-docs}.
 */
record AskRequest(
        @ArraySchema(
                minItems = 1,
                arraySchema =
                        @Schema(
                                requiredMode = Schema.RequiredMode.REQUIRED,
                                description = "The conversation so far, oldest first; the last message is the"
                                        + " user's. All contents together are at most yuno.chat.max-total-chars"
                                        + " characters."))
        @ConfiguredMax("yuno.chat.max-messages")
        @Nullable
        List<@Nullable Message> messages,

        @Schema(format = "uri", maxLength = 2048, description = "The page the visitor is on, an http(s) URL") @Nullable
        String pageUrl,

        @Schema(
                pattern = Ids.SESSION_ID_REGEX,
                description = "The visitor's session; the server makes one when it is absent")
        @Nullable
        String sessionId) {

    @Schema(name = "AskMessage")
    record Message(
            @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    allowableValues = {"user", "assistant"},
                    description = "Who said it: never 'system'")
            @Nullable
            String role,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minLength = 1, description = "Not blank")
            @ConfiguredMax("yuno.chat.max-message-chars")
            @Nullable
            String content) {}
}
