package com.helloyuno.chat;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The {@code data} of the events a streamed answer sends ({@code sources} sends the list of {@link
 * AskAnswer.Source} itself). Written by {@link SseWriter} with the application's JSON mapper, and
 * described in {@code /v3/api-docs} from these same types.
 */
final class AskEvents {

    private AskEvents() {}

    record Meta(String sessionId, @Schema(format = "uuid") String messageId) {}

    record Token(String text) {}

    record Done(boolean leadCaptured, AskAnswer.UsageBody usage) {}

    /** A failure after the stream began, whose status line has gone: the code a problem would have. */
    record Error(String code, String detail) {}
}
