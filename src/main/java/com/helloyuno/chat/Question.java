package com.helloyuno.chat;

import com.helloyuno.llm.ChatMessage;
import com.helloyuno.widget.WidgetCaller;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A validated question: the visitor's latest message, the earlier turns, and who asks.
 *
 * @param earlier the turns before the latest message, oldest first, in the visitor's own roles
 * @param sessionGenerated whether the server made the session id (the client sent none)
 */
record Question(
        WidgetCaller caller,
        String sessionId,
        boolean sessionGenerated,
        @Nullable String pageUrl,
        List<ChatMessage> earlier,
        String latest,
        List<String> visitorMessages) {

    boolean followUp() {
        return !earlier.isEmpty();
    }
}
