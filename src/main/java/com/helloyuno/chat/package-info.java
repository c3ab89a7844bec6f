/**
 * The chat: {@code POST /ask} (JSON and server-sent events), the pipeline from question to answer
 * (rewrite, retrieve, answer, then classify, extract the lead, store and report off the visitor's
 * path), chat history (written through the {@code spool}, so that a database outage loses none),
 * and the owner's conversation views. Nothing outside uses its types: it is where requests end.
 */
@Room(entryPoints = {})
@NullMarked
package com.helloyuno.chat;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
