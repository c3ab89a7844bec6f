package com.helloyuno.chat;

import com.helloyuno.llm.ChatMessage;
import com.helloyuno.llm.ChatModel;
import com.helloyuno.llm.ChatRequest;
import com.helloyuno.llm.UpstreamUnavailable;
import com.helloyuno.llm.Usage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Turns a follow-up ("and how much is it?") into a standalone search query, from the earlier turns
 * the answer would see. A first question is searched as asked, and so is a follow-up when the model
 * is offline or fails: the visitor still gets an answer.
 */
@Component
class QueryRewriter {

    private static final Logger log = LoggerFactory.getLogger(QueryRewriter.class);
    private static final int REWRITE_MAX_TOKENS = 120;

    /** The query to search with, whether the model wrote it, and what that cost. */
    record Query(String text, boolean rewritten, Usage usage) {}

    private final ChatModel model;
    private final Prompts prompts;
    private final AnswerPrompt answerPrompt;

    QueryRewriter(ChatModel model, Prompts prompts, AnswerPrompt answerPrompt) {
        this.model = model;
        this.prompts = prompts;
        this.answerPrompt = answerPrompt;
    }

    Query query(Question question) {
        var asked = new Query(question.latest(), false, Usage.ZERO);
        if (!question.followUp() || !model.available()) {
            return asked;
        }
        var conversation = new StringBuilder("<conversation>\n");
        for (var turn : answerPrompt.trimmed(question.earlier())) {
            conversation
                    .append(turn.role().wireName())
                    .append(": ")
                    .append(turn.content())
                    .append('\n');
        }
        conversation.append("user: ").append(question.latest()).append("\n</conversation>");
        try {
            var result = model.complete(
                    ChatRequest.of(ChatMessage.system(prompts.rewrite), ChatMessage.user(conversation.toString()))
                            .withMaxOutputTokens(REWRITE_MAX_TOKENS)
                            .withTemperature(0));
            var text = result.text().strip();
            return text.isEmpty()
                    ? new Query(question.latest(), false, result.usage())
                    : new Query(text, true, result.usage());
        } catch (UpstreamUnavailable e) {
            // The follow-up still gets an answer, searched with the visitor's own words.
            log.warn("Query rewrite failed ({}); searching with the question as asked", e.reason());
            return asked;
        }
    }
}
