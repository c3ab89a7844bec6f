/**
 * The owner console: the static pages served at {@code /console}, which sign in with an owner or
 * operator key kept in the browser and read everything through the owner API ({@code /api/**}).
 * It serves files only; nothing else uses it.
 */
@Room(entryPoints = {})
@NullMarked
package com.helloyuno.console;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
