package com.helloyuno.knowledge;

import com.helloyuno.site.DemoSiteCreated;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Gives a new demo site the short guides in {@code classpath:demo/*.md} (adding the widget, adding
 * knowledge, plans and leads), so that a newcomer's first questions on the demo page are answered
 * from a knowledge base, with sources, instead of "I don't know", offline as well as with a model.
 */
@Component
class DemoKnowledge {

    private static final Logger log = LoggerFactory.getLogger(DemoKnowledge.class);
    static final String GUIDES = "classpath:demo/*.md";

    private final Ingestion ingestion;

    DemoKnowledge(Ingestion ingestion) {
        this.ingestion = ingestion;
    }

    @EventListener
    void onDemoSiteCreated(DemoSiteCreated event) {
        Resource[] guides;
        try {
            guides = new PathMatchingResourcePatternResolver().getResources(GUIDES);
        } catch (IOException e) {
            log.warn("Demo: the guides could not be listed ({}); the demo site has no documents", e.getMessage());
            return;
        }
        Arrays.sort(guides, Comparator.comparing(guide -> String.valueOf(guide.getFilename())));
        int chunks = 0;
        for (var guide : guides) {
            try {
                var markdown = guide.getContentAsString(StandardCharsets.UTF_8);
                chunks += ingestion
                        .ingestText(event.siteId(), null, null, markdown, "text/markdown")
                        .chunks();
            } catch (IOException | RuntimeException e) {
                // The demo is a convenience: a guide that cannot be added (a refused document, a
                // database or model error) must not stop the service from starting.
                log.warn("Demo: guide {} not added: {}", guide.getFilename(), e.getMessage());
            }
        }
        log.info("Demo: {} guides ({} chunks) added to site {}", guides.length, chunks, event.siteId());
    }
}
