package com.helloyuno.chat;

import com.helloyuno.knowledge.Passage;
import com.helloyuno.llm.ChatMessage;
import com.helloyuno.llm.ChatRequest;
import com.helloyuno.llm.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The answer's prompt. The system prompt is ours alone: the site's settings and the passages go
 * into it, clearly delimited as untrusted reference text; the visitor's turns follow in their own
 * roles, which can only be user and assistant, trimmed to the history budget.
 */
@Component
class AnswerPrompt {

    private final Prompts prompts;
    private final ChatSettings settings;

    AnswerPrompt(Prompts prompts, ChatSettings settings) {
        this.prompts = prompts;
        this.settings = settings;
    }

    ChatRequest request(Question question, List<Passage> passages) {
        var site = question.caller().site();
        var config = site.customConfig();
        var owner = config.systemPrompt() == null || config.systemPrompt().isBlank()
                ? ""
                : Prompts.fill(prompts.ownerInstructions, Map.of("system_prompt", config.systemPrompt()));
        var system = Prompts.fill(
                prompts.answerSystem,
                Map.of(
                        "bot_name", config.botName(),
                        "domain", site.domain(),
                        "owner_instructions", owner,
                        "passages", passagesText(passages)));
        var messages = new ArrayList<ChatMessage>();
        messages.add(ChatMessage.system(system));
        messages.addAll(trimmed(question.earlier()));
        messages.add(ChatMessage.user(question.latest()));
        return ChatRequest.of(messages);
    }

    /** The most recent earlier turns that fit the history budget (tokens estimated from characters). */
    List<ChatMessage> trimmed(List<ChatMessage> earlier) {
        var budget = (long) settings.historyTokenBudget() * Tokens.CHARS_PER_TOKEN;
        var kept = new ArrayList<ChatMessage>();
        for (int i = earlier.size() - 1; i >= 0; i--) {
            var turn = earlier.get(i);
            budget -= turn.content().length();
            if (budget < 0) {
                break;
            }
            kept.addFirst(turn);
        }
        return kept;
    }

    private static String passagesText(List<Passage> passages) {
        if (passages.isEmpty()) {
            return "(none: nothing on this website matches the question)";
        }
        var out = new StringBuilder();
        for (int i = 0; i < passages.size(); i++) {
            var p = passages.get(i);
            out.append("<reference id=\"")
                    .append(i + 1)
                    .append("\" title=\"")
                    .append(attribute(p.title()))
                    .append("\" url=\"")
                    .append(attribute(p.url()))
                    .append("\">\n")
                    // A passage cannot close its own tag early and speak outside it.
                    .append(p.content().replace("</reference", "<\\/reference"))
                    .append("\n</reference>\n");
        }
        return out.toString();
    }

    private static String attribute(String value) {
        return value == null ? "" : value.replace("\"", "'").replace("\n", " ");
    }
}
