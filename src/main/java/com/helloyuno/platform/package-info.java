/**
 * Fitting the platforms Yuno is deployed on: the settings they hand out in their own forms (a
 * {@code postgres://user:password@host/db} URL) read as the application needs them.
 */
@Room(entryPoints = {})
@NullMarked
package com.helloyuno.platform;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
