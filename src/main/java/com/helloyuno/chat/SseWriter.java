package com.helloyuno.chat;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the answer as server-sent events, each flushed at once: {@code meta}, {@code token}...,
 * {@code sources}, {@code done}, or a final {@code error}. Data is JSON on one line, so no event
 * can be split or forged by what a model writes; its shapes are {@link AskEvents}.
 */
final class SseWriter implements AnswerSink {

    private final Writer out;
    private final HttpServletResponse response;
    private final JsonMapper json;

    SseWriter(HttpServletResponse response, JsonMapper json) {
        this.response = response;
        this.json = json;
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache, no-transform");
        // Tells nginx-like proxies not to buffer the stream.
        response.setHeader("X-Accel-Buffering", "no");
        try {
            this.out = response.getWriter();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void meta(String sessionId, String messageId) {
        event("meta", new AskEvents.Meta(sessionId, messageId));
    }

    @Override
    public void token(String text) {
        event("token", new AskEvents.Token(text));
    }

    @Override
    public void sources(List<AskAnswer.Source> sources) {
        event("sources", sources);
    }

    @Override
    public void done(boolean leadCaptured, AskAnswer.UsageBody usage) {
        event("done", new AskEvents.Done(leadCaptured, usage));
    }

    void error(String code, String detail) {
        event("error", new AskEvents.Error(code, detail));
    }

    private void event(String name, Object data) {
        try {
            out.write("event: " + name + "\ndata: " + json.writeValueAsString(data) + "\n\n");
            out.flush();
            response.flushBuffer();
        } catch (IOException e) {
            throw new VisitorGone(e);
        }
    }

    /** The visitor closed the connection: the answer stops, what was said is still stored. */
    static final class VisitorGone extends RuntimeException {
        VisitorGone(IOException cause) {
            super("The visitor closed the stream", cause, false, false);
        }
    }
}
