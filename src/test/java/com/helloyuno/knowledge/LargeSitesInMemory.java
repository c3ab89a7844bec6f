package com.helloyuno.knowledge;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.TestPropertySource;

/**
 * Every site counts as large for the knowledge base's memory (its quantized vectors from its first
 * chunk, in a cache of 1,024 chunks, read again at once after a change) and for its own common
 * words (from 50 chunks, counted again at once): the test classes that carry it share one context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@TestPropertySource(
        properties = {
            "yuno.knowledge.retrieval.vector-cache-min-chunks=1",
            "yuno.knowledge.retrieval.vector-cache-size=204800B",
            "yuno.knowledge.retrieval.vector-cache-reload-interval=0s",
            "yuno.knowledge.retrieval.site-words-min-chunks=50",
            "yuno.knowledge.retrieval.common-words-refresh=0s"
        })
@interface LargeSitesInMemory {}
