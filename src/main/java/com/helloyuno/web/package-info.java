/**
 * Cross-cutting web plumbing: the security filter chains (operator and owner keys for
 * {@code /api/**}), request size limits, and the settings they share. Features do not depend on
 * this package; it depends on the features whose credentials it checks.
 */
@Room(entryPoints = {})
@NullMarked
package com.helloyuno.web;

import com.helloyuno.Room;
import org.jspecify.annotations.NullMarked;
