/**
 * The durable spool: writes that must not be lost (chat history, chat and form leads) wait here,
 * one fsync'ed file each, only while PostgreSQL is unreachable, and are written in order when it
 * is back. A write PostgreSQL refuses for its data is quarantined, never retried in front of the
 * others. Features register a writer per kind of write and submit through {@link
 * com.helloyuno.spool.Spool}.
 */
@Room(entryPoints = {Spool.class})
@NullMarked
package com.helloyuno.spool;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
