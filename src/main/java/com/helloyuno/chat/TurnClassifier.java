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
 * Asks the model to read a finished turn (language, intent, sentiment, confidence, compliance
 * flag, the visitor's name and intent). Without a model, or when it fails, the turn is stored
 * without a classification rather than not at all.
 */
@Component
class TurnClassifier {

    private static final Logger log = LoggerFactory.getLogger(TurnClassifier.class);

    /** The classification and what it cost. */
    record Result(Classification value, Usage usage) {
        static final Result NONE = new Result(Classification.NONE, Usage.ZERO);
    }

    private final ChatModel model;
    private final Prompts prompts;

    TurnClassifier(ChatModel model, Prompts prompts) {
        this.model = model;
        this.prompts = prompts;
    }

    Result classify(String question, String answer) {
        if (!model.available()) {
            return Result.NONE;
        }
        var text = "<turn>\nvisitor: " + question + "\nassistant: " + answer + "\n</turn>";
        try {
            var result = model.structured(
                    ChatRequest.of(ChatMessage.system(prompts.classify), ChatMessage.user(text))
                            .withTemperature(0),
                    TurnClassification.class);
            return new Result(Classification.of(result.value()), result.usage());
        } catch (UpstreamUnavailable e) {
            log.warn("Classification of a turn failed ({}); stored without it", e.reason());
            return Result.NONE;
        }
    }
}
