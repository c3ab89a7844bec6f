/**
 * The chat: {@code POST /ask} (JSON and server-sent events), the pipeline from question to answer
 * (rewrite, retrieve, answer, then classify, extract the lead, store and report off the visitor's
 * path), chat history with a durable queue for database outages, and the owner's conversation views.
 */
@Room(entryPoints = {})
@NullMarked
package com.helloyuno.chat;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
