/**
 * Each site's knowledge: documents (text, markdown, HTML, PDF) cut into chunks with their heading
 * paths, crawls of the site's own pages as background jobs, embeddings of the chunks, and hybrid
 * retrieval (pgvector and full text, fused by rank) that never leaves one site. Other features use
 * {@link com.helloyuno.knowledge.Retriever} alone, and the {@link com.helloyuno.knowledge.Passage}s
 * it finds (or {@link com.helloyuno.knowledge.RetrievalBusy}
 * when too many searches are in progress).
 */
@Room(entryPoints = {Passage.class, Retriever.class, RetrievalBusy.class})
@NullMarked
package com.helloyuno.knowledge;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
