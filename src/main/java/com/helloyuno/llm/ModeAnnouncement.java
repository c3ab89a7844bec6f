package com.helloyuno.llm;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Says at start-up whether answers come from a model or from the offline fallback. */
@Component
class ModeAnnouncement {

    private static final Logger log = LoggerFactory.getLogger(ModeAnnouncement.class);

    private final LlmSettings settings;

    ModeAnnouncement(LlmSettings settings) {
        this.settings = settings;
    }

    @EventListener(ApplicationReadyEvent.class)
    void announce() {
        if (settings.online()) {
            log.info(
                    "Model provider: {} (chat {}, embeddings {})",
                    settings.baseUrl().getHost(),
                    settings.chatModel(),
                    settings.embeddingModel());
        } else {
            log.warn("OPENAI_API_KEY is not set: running offline. Retrieval uses full-text search alone and"
                    + " answers are built from the best matching passages.");
        }
    }
}
